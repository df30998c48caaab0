"""Noun compounds no list names, found from the technical-vocabulary table and context.

- A *unit*: two words technical writing uses as one ("health checks", "identity
  provider", `Vocabulary.units`). Everyday English uses some of them too, so a unit is
  reported only in a sentence that already holds other technical findings.
- A *kind compound*: a modifier that leans technical before a noun that names a kind of
  configured thing in IT (KIND_NOUNS: group, queue, profile, token, size, factor ...):
  "replication factor", "heap size", "object group", "error queue". When the two words
  together lean strongly technical it is reported wherever it stands (uncertain in a
  draft with no other technical finding); otherwise only in a technical sentence, and
  marked uncertain. Some kinds (CONTEXT_ONLY_NOUNS: index, session, region, array) always
  need the technical sentence.

A head followed by an article or a pronoun is a verb ("the vendor checks the pool"), not
the head of a compound; a modifier in -ed describes ("a shared group"), it does not name a
kind.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.jargon.findings import Finding
from bot.jargon.openscan import Tokens, open_finding
from bot.jargon.tokens import plural, word_set
from bot.jargon.vocabulary import Vocabulary

# Nouns that name a kind of configured thing when a technical word modifies them. Not
# "portal", "team", "site", "system", "check", "key", "rule", "database" or "record": what
# modifies those often says whose or what for ("the expenses portal", "a security check",
# "the recovery key", "pricing rules", "the library databases"), which a reader follows.
# "policy", "job", "table", "tier", "storage", "switch" and "server" name IT kinds when the
# modifier leans technical ("retention policy", "replication job", "web tier"); an
# everyday modifier does not ("the expense policy", "a part-time job"). Chosen on the
# real-style draft sets (recall up, no must-not-flag term hit, the dev set unchanged).
KIND_NOUNS = word_set("""
group queue profile token provider factor size pool replica rights indexing cache role
tunnel tunnelling tunneling certificate policy job table tier storage switch server
""")
# Kinds whose everyday compounds lean technical too ("an information session", "the test
# session", "the search index at the back of the book"): reported only in a technical
# sentence, never on the strength of the two words alone ("the blocking session", "a new
# search index"). "log" and "connection" are left out: "call log" and "secure connection"
# are plain alternatives the lists offer.
CONTEXT_ONLY_NOUNS = word_set("index session region array")
CONTEXT_ONLY_HEADS = CONTEXT_ONLY_NOUNS | {plural(noun) for noun in CONTEXT_ONLY_NOUNS}
KIND_HEADS = KIND_NOUNS | {plural(noun) for noun in KIND_NOUNS} | CONTEXT_ONLY_HEADS
# After a head, these make it a verb: "the vendor checks the pool", "it groups them".
VERB_OBJECTS = word_set("the a an your our their its this that these those it them him her us")
MIN_MODIFIER_LEAN = 0.3  # the modifier is in the table: technical writing leans on it
STRONG_COMPOUND = 1.6  # modifier and head leans together: technical wherever they stand


def _is_verb(tokens: Tokens, k: int, joinable: Callable[[int], bool]) -> bool:
    low = tokens.low
    return k + 1 < len(low) and low[k + 1] in VERB_OBJECTS and joinable(k + 1) and \
        tokens.sentence_of[k + 1] == tokens.sentence_of[k]


def _kind(vocab: Vocabulary, mod: str, head: str, in_sentence: bool, in_draft: bool
          ) -> bool | None:
    """A kind compound: None if not one here, else whether the finding is uncertain."""
    lean = vocab.lean.get(mod, 0.0)
    if lean < MIN_MODIFIER_LEAN or mod.endswith("ed"):
        return None
    if lean + vocab.lean.get(head, 0.0) >= STRONG_COMPOUND and head not in CONTEXT_ONLY_HEADS:
        return not (in_draft or in_sentence)
    return True if in_sentence else None


def compound_findings(vocab: Vocabulary, tokens: Tokens, joinable: Callable[[int], bool],
                      busy: set[int], technical_draft: bool) -> list[Finding]:
    """Units and kind compounds among the words no finding holds; `busy` are the sentences
    with technical findings, `technical_draft` whether the draft has any."""
    low, used, spans, sentence_of = tokens.low, tokens.used, tokens.spans, tokens.sentence_of
    units = vocab.unit_mods  # head (either number) -> the modifiers it forms a unit with
    found: list[Finding] = []
    for k in [k for k, w in enumerate(low) if k and (w in KIND_HEADS or w in units)]:
        mod, head = low[k - 1], low[k]
        in_sentence = sentence_of[k] in busy
        uncertain = _kind(vocab, mod, head, in_sentence, technical_draft) \
            if head in KIND_HEADS else None
        if uncertain is None and in_sentence and mod in units.get(head, ()):
            uncertain = False
        if uncertain is None or used[k - 1] or used[k] or not mod.isalpha() or len(mod) < 3 \
                or sentence_of[k - 1] != sentence_of[k] or not joinable(k) or \
                _is_verb(tokens, k, joinable):
            continue
        used[k - 1] = used[k] = True
        found.append(open_finding(tokens, spans[k - 1][0], spans[k][1], "technical phrase",
                                  uncertain=uncertain))
    return found
