"""Findings beyond the lists: token shapes, the technical-vocabulary table and unknown
product names. Each says what kind of thing it found and asks the writer to say what it
does for the reader. The curated lists run first; these only look at words left over.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from bot.jargon.findings import Finding
from bot.jargon.shapes import QUOTED_REFERENCE
from bot.jargon.tokens import word_set
from bot.jargon.vocabulary import COMPONENT_NOUNS, IT_CUE_NOUNS, UNKNOWN_NAME_ZIPF, Vocabulary
from bot.text import word_frequencies

OPEN = "open"
KIND_TEXT = {
    "file path": ("A file or folder path: it tells a reader outside IT nothing.",
                  "say which file or folder you mean and what to do with it"),
    "network address": ("A machine's network (IP) address.", "say which machine or service"),
    "web or server address": ("The address of a server or web service.",
                              "say which service it is, or give a link to click"),
    "program file": ("The name of a program or settings file.", "say what it does for the reader"),
    "ticket number": ("A code or reference number: it means nothing to most readers.",
                      "say what it is, e.g. 'the database error' or 'the Windows update'"),
    "version number": ("A version number: it means nothing to most readers.",
                       "say what changed for the reader, or leave the number out"),
    "status code": ("A technical error or status code.",
                    "say what the reader saw, e.g. 'an error page'"),
    "network port": ("A network protocol and port number.",
                     "say which connection was affected, e.g. 'the VPN connection'"),
    "setting": ("A setting written as a program reads it.", "say what the setting does, "
                "e.g. 'mail that fails the check is now rejected'"),
    "technical measurement": ("A speed, frequency or resolution in a technical unit: it "
                              "means little to most readers.", "say what it means for the "
                              "reader, e.g. 'fast enough for video calls'"),
    "command-line option": ("A command or command-line option.",
                            "say what the reader should do, step by step"),
    "code name": ("A name from program code.", "say what went wrong in plain words"),
    "server name": ("A server's name: readers do not know the machine.",
                    "say what it does, e.g. 'the file server'"),
    "product name": ("A product name most readers will not know.",
                     "say what it does for the reader, e.g. 'X, the app that ...'"),
    "product part": ("A technical part of a product: a reader may take 'client' for a "
                     "customer or 'farm' for a farm.", "say what it is for the reader, e.g. "
                     "'the Zoom app on your laptop'"),
    "technical word": ("A word of technical writing (it is far more common there than in "
                       "everyday English).", "say what it does for the reader in everyday words"),
    "technical verb": ("A verb of IT work: it says what was done to a system in IT terms.",
                       "say what happened for the reader, e.g. 'switched to the spare "
                       "server' or 'undid the change'"),
    "technical phrase": ("A phrase of technical writing (far more common there than in "
                         "everyday English).", "say what it does for the reader in everyday words"),
}
LOW_SEVERITY = frozenset(["version number", "ticket number"])
GREETINGS = frozenset(["hi", "dear", "hello", "hey", "thanks", "regards", "cheers", "morning"])
# "Moodle is read-only until 18:00": a name whose availability the sentence reports is the
# service its readers use, not a part to explain (a name is still reported on a cue)
STATE_AFTER_RE = re.compile(
    r"\s+(?:is|are|was|were|will\s+be|stays|remains)\s+(?:now\s+|still\s+|currently\s+)?"
    r"(?:read-only|down|unavailable|offline|online|available|back|slow|up|closed|open)\b")
# "the Tallyfold web app": the kind of thing is said in words every reader knows
# ("the Workspace app cache" names a part of the app instead)
APP_AFTER_RE = re.compile(
    r"\s+(?:(?:web|mobile|phone)\s+)?(?:app|apps|website)(?=\s*[.,;:!?)]|\s*$|\s+(?:and|or|for"
    r"|on|in|to|from|is|are|was|were|will|has|have|had|so|but|with|at|by|this|that|which|who"
    r"|you|we|until|when|while|if|as|can|may|should|must|might|could|would)\b)")


# "at Corby", "the Hinckley warehouse", "Northgate Community Hospital": a name the
# sentence places things at, or one that names a place or an organisation, is not a product
PLACE_NOUNS = word_set("""warehouse warehouses site sites plant plants depot depots office
offices campus hospital hospitals school schools store stores branch branches factory
factories ward wards clinic clinics surgery library council college university academy
trust centre center house road street park station airport mill works farm estate
valley hill bridge lane square quay wharf gardens
""")
AT_A_PLACE = frozenset(["at", "near", "outside"])


def _a_place(tokens: Tokens, first: int, end: int) -> bool:
    """Is the capitalised run words[first:end] a place or an organisation?"""
    low = tokens.low
    after_at = first > 0 and low[first - 1] in AT_A_PLACE
    # "at Corby and Daventry": the second of two places
    also_at = first > 2 and low[first - 1] in ("and", "or") and low[first - 3] in AT_A_PLACE \
        and tokens.words[first - 2][:1].isupper()
    # "the University of Eastmoor"
    of_a_place = first > 1 and low[first - 1] == "of" and low[first - 2] in PLACE_NOUNS \
        and tokens.words[first - 2][:1].isupper()
    # "the Corran Valley data centre"
    before_a_data_centre = low[end:end + 2] in (["data", "centre"], ["data", "center"])
    return after_at or also_at or of_a_place or before_a_data_centre or \
        low[end - 1] in PLACE_NOUNS or (end < len(low) and low[end] in PLACE_NOUNS)


@dataclass
class Tokens:
    """A text cut into words, shared by every finder of one scan."""

    text: str
    prose: str
    spans: list[tuple[int, int]]
    words: list[str]
    low: list[str]
    used: list[bool]
    sentence_of: list[int]  # sentence number of each word
    sentences: list[tuple[int, int]]  # character spans, from bot.text.split_sentences
    starts: list[int] = field(default_factory=list)  # character start of each word
    sentence_words: list[int] = field(default_factory=list)  # words in each sentence

    def word_range(self, start: int, end: int) -> range:
        starts = self.starts
        return range(bisect_left(starts, start), bisect_right(starts, end - 1))

    def sentence_at(self, start: int) -> int:
        """The sentence number of the first word at or after character `start`."""
        k = bisect_left(self.starts, start)
        return self.sentence_of[min(k, len(self.sentence_of) - 1)]


def open_finding(tokens: Tokens, start: int, end: int, kind: str,
                 uncertain: bool = False) -> Finding:
    why, instead = KIND_TEXT[kind]
    term = tokens.text[start:end]
    return Finding(start, end, term, OPEN, instead, why,
                   "low" if kind in LOW_SEVERITY else "medium", uncertain=uncertain,
                   entry=term.lower(), category=kind, pos="x")


# Shapes that are one thing however many words they hold: paths, addresses, code names.
# They are taken before the lists, so "Caches" inside a path is not a term of its own.
UNIT_SHAPES = frozenset(["file path", "web or server address", "program file", "code name",
                         "network address", "server name", QUOTED_REFERENCE])


def shape_findings(tokens: Tokens, shapes: list[tuple[int, int, str]]) -> list[Finding]:
    found: list[Finding] = []
    for start, end, kind in shapes:
        covered = tokens.word_range(start, end)
        if any(tokens.used[k] for k in covered):
            continue
        for k in covered:
            tokens.used[k] = True
        if kind != QUOTED_REFERENCE:
            found.append(open_finding(tokens, start, end, kind))
    return found


def vocabulary_findings(vocab: Vocabulary, tokens: Tokens, joinable) -> list[Finding]:
    """Two-word technical phrases, then rare technical words, from the table."""
    found: list[Finding] = []
    low, used, spans = tokens.low, tokens.used, tokens.spans
    openers = vocab.phrase_openers
    present = set(low)
    for k in [k for k in range(len(low) - 1) if low[k] in openers] if present & openers else []:
        pair = (low[k], low[k + 1])
        if not used[k] and not used[k + 1] and joinable(k + 1) and (
                pair in vocab.phrases or _technical_compound(vocab, pair)):
            used[k] = used[k + 1] = True
            found.append(open_finding(tokens, spans[k][0], spans[k + 1][1], "technical phrase"))
    rare = present & vocab.rare
    for k, word in enumerate(low) if rare else ():
        if not used[k] and word in rare:
            used[k] = True
            found.append(open_finding(tokens, spans[k][0], spans[k][1], "technical word"))
    return found


def _technical_compound(vocab: Vocabulary, pair: tuple[str, str]) -> bool:
    """Two words that both lean technical, one of them strongly: "database replica"."""
    return pair[0] in vocab.technical and pair[1] in vocab.technical and \
        (pair[0] in vocab.strong or pair[1] in vocab.strong)


def _unknown_name(word: str, vocab: Vocabulary, frequencies: dict[str, float]) -> bool:
    if len(word) < 3 or not word[0].isupper() or word.isupper() or not word.isascii():
        return False
    low = word.lower()
    return frequencies.get(low, 0.0) < UNKNOWN_NAME_ZIPF and low not in vocab.product_words \
        and low not in vocab.everyday and low not in vocab.allowed


def _spaced(tokens: Tokens, k: int) -> bool:
    """Is word k one plain space after word k-1 (not "Security > Profiles")?"""
    return tokens.spans[k][0] - tokens.spans[k - 1][1] == 1 and \
        tokens.prose[tokens.spans[k - 1][1]] == " "


def _named_part(vocab: Vocabulary, tokens: Tokens, k: int) -> bool:
    """"the old Apex trigger": a capitalised word inside a sentence, on no list of known
    names, right before an IT noun, is a product's name even when it is also a word."""
    low = tokens.low
    return 0 < k < len(low) - 1 and tokens.sentence_of[k - 1] == tokens.sentence_of[k] \
        and low[k + 1] in IT_CUE_NOUNS and not tokens.used[k + 1] and _spaced(tokens, k + 1) \
        and len(tokens.words[k]) > 2 and not tokens.words[k].isupper() \
        and low[k] not in vocab.product_words and low[k] not in vocab.everyday


def product_findings(vocab: Vocabulary, tokens: Tokens, busy: set[int]) -> list[Finding]:
    """Unknown capitalised names next to an IT cue: a cue noun after them, a CamelCase
    shape, or other technical findings in the same sentence (then marked uncertain)."""
    frequencies = word_frequencies()
    words, low, used, spans = tokens.words, tokens.low, tokens.used, tokens.spans
    found: list[Finding] = []
    after = 0
    for k in [k for k, w in enumerate(words) if w[0].isupper() and not used[k]]:
        if k < after or used[k] or (k > 0 and low[k - 1] in GREETINGS) or not (
                _unknown_name(words[k], vocab, frequencies)
                or _named_part(vocab, tokens, k)):
            continue
        end = k + 1
        while end < len(words) and not used[end] and words[end][:1].isupper() and \
                tokens.sentence_of[end] == tokens.sentence_of[k] and _spaced(tokens, end):
            end += 1
        cue = end < len(words) and not used[end] and low[end] in IT_CUE_NOUNS and \
            _spaced(tokens, end)
        camel = any(ch.isupper() for ch in words[k][1:])
        opens_sentence = k == 0 or tokens.sentence_of[k - 1] != tokens.sentence_of[k]
        # "Anna Kowalski": a rare name after a capitalised everyday one is a person's
        surname = k > 0 and words[k - 1][:1].isupper() and \
            frequencies.get(low[k - 1], 0.0) >= UNKNOWN_NAME_ZIPF
        # "TimeWise will be offline", "Moodle is read-only": the readers' own service
        readers_own = STATE_AFTER_RE.match(tokens.prose, spans[end - 1][1]) is not None \
            or APP_AFTER_RE.match(tokens.prose, spans[end - 1][1]) is not None
        in_context = tokens.sentence_of[k] in busy and not opens_sentence and not surname \
            and not _a_place(tokens, k, end)
        if not readers_own and (cue or camel or in_context):
            last = end + 1 if cue else end
            for m in range(k, last):
                used[m] = True
            found.append(open_finding(tokens, spans[k][0], spans[last - 1][1], "product name",
                                      uncertain=not (cue or camel)))
        after = end
    return found


def component_findings(vocab: Vocabulary, tokens: Tokens) -> list[Finding]:
    """A known product's technical part: "Zoom client", "SharePoint 2016 farm"."""
    words, low, used, spans = tokens.words, tokens.low, tokens.used, tokens.spans
    found: list[Finding] = []
    if not vocab.product_words.intersection(low):
        return found
    for k in [k for k, w in enumerate(words) if w[0].isupper() and not used[k]]:
        if low[k] not in vocab.product_words or used[k]:
            continue
        end = k + 1
        while end < len(words) and (words[end].isdigit() or low[end] in vocab.product_words) \
                and not used[end] and end - k < 4:
            end += 1
        if end < len(words) and not used[end] and low[end] in COMPONENT_NOUNS and \
                tokens.sentence_of[end] == tokens.sentence_of[k]:
            for m in range(k, end + 1):
                used[m] = True
            found.append(open_finding(tokens, spans[k][0], spans[end][1], "product part"))
    return found


def verb_findings(vocab: Vocabulary, tokens: Tokens, busy: set[int]) -> list[Finding]:
    """IT verbs ("promoted the secondary", "rolled back") in a sentence that is technical
    already; elsewhere they keep their everyday sense."""
    found: list[Finding] = []
    if not busy or not vocab.verbs:
        return found
    low, used, sentence_of = tokens.low, tokens.used, tokens.sentence_of
    openers = vocab.verb_openers
    for k in [k for k, word in enumerate(low) if word in openers]:
        if used[k] or sentence_of[k] not in busy:
            continue
        for size in (3, 2, 1):
            words = tuple(low[k:k + size])
            if len(words) == size and words in vocab.verbs and \
                    not any(used[k:k + size]) and sentence_of[k + size - 1] == sentence_of[k]:
                for m in range(k, k + size):
                    used[m] = True
                found.append(open_finding(tokens, tokens.spans[k][0],
                                          tokens.spans[k + size - 1][1], "technical verb",
                                          uncertain=True))
                break
    return found


def leaning_findings(vocab: Vocabulary, tokens: Tokens, busy: set[int]) -> list[Finding]:
    """Everyday words with a technical lean, in a sentence that is technical already."""
    found: list[Finding] = []
    if not busy or not vocab.leaning.intersection(tokens.low):
        return found
    for k, word in enumerate(tokens.low):
        if not tokens.used[k] and word in vocab.leaning and tokens.sentence_of[k] in busy:
            tokens.used[k] = True
            start, end = tokens.spans[k]
            found.append(open_finding(tokens, start, end, "technical word", uncertain=True))
    return found
