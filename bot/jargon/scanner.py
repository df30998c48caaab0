"""One pass over a draft: the lists first, then token shapes, acronyms, the open vocabulary
and product names; the reader's audience and the writer's own explanations take findings
away again.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import TYPE_CHECKING

from bot.jargon.acronyms import Definition, find_definitions
from bot.jargon.audiences import Audience, resolve_audience
from bot.jargon.compounds import compound_findings
from bot.jargon.explain import explained_later, explanation, might_explain_later
from bot.jargon.findings import Finding, Scan
from bot.jargon.markup import mask
from bot.jargon.openscan import (
    GREETINGS,
    UNIT_SHAPES,
    Tokens,
    component_findings,
    leaning_findings,
    product_findings,
    shape_findings,
    verb_findings,
    vocabulary_findings,
)
from bot.jargon.shapes import find_shapes
from bot.jargon.tokens import JOINABLE_GAP_RE, WORD_RE, normalise_phrase
from bot.text import split_sentences

if TYPE_CHECKING:
    from bot.jargon.matcher import Checker

EMOJI_HINT_RE = re.compile(r":[a-z0-9_+'-]+:", re.I)
DEFINITION_HINTS = ("(", "stands for", "means", "short for", "abbreviation", " or ")


def _has_markup(text: str) -> bool:
    """Cheap test that lets most drafts skip the markup mask."""
    return "`" in text or "<" in text or "@" in text or "://" in text or "www." in text \
        or ("WWW." in text) or (":" in text and EMOJI_HINT_RE.search(text) is not None)
QUOTES = ("'", '"', "\u2018", "\u201c")
QUOTED_LABEL_RE = re.compile(
    r"(?<!\w)['\u2018\"\u201c]([A-Z][A-Za-z0-9 &+,!?-]{0,60}?)['\u2019\"\u201d](?!\w)")
MAX_LABEL_WORDS = 8
# "a passphrase such as 'kettle-orbit-spruce-47'": an example shown to the reader
QUOTED_EXAMPLE_RE = re.compile(
    r"\b(?:such\s+as|like|e\.g\.,?|for\s+example,?)\s+['\u2018\"\u201c]([^'\u2019\"\u201d\n]{1,60})"
    r"['\u2019\"\u201d]", re.IGNORECASE)
# "open Settings > Apps > DriverLink > Storage": a menu path, labels the reader clicks
MENU_SEGMENT = r"[A-Z][\w&.-]*(?:[ ][A-Z][\w&.-]*){0,2}"
MENU_PATH_RE = re.compile(rf"{MENU_SEGMENT}(?:[ ]?>[ ]?{MENU_SEGMENT})+")
EXPLANATION_HEAD = 4
NEAR_WORDS = 8  # a sure technical finding this close decides an everyday word's sense
MAX_GAP = 4  # characters between the words of a phrase ("go - live", "data\nwarehouse")
MAX_LOOKBACK = 30
DEFINITE_BEFORE_RE = re.compile(
    r"\b(?:the|this|that|these|those|its|our|your|their)\s+(?:[a-z-]+\s+)?$", re.I)


def _sentence_ends(starts: list[int], sentences: list[tuple[int, int]]) -> list[int]:
    """For each sentence, the index of the first word after it (words before the first
    sentence belong to it, words after the last sentence's start to the last)."""
    ends = [bisect_left(starts, sentences[n + 1][0]) for n in range(len(sentences) - 1)]
    return [*ends, len(starts)] if sentences else []


def _sentence_numbers(ends: list[int]) -> list[int]:
    """The sentence number of each word."""
    numbers: list[int] = []
    for n, end in enumerate(ends):
        numbers.extend([n] * (end - len(numbers)))
    return numbers


def tokenise(text: str) -> Tokens:
    prose = mask(text) if _has_markup(text) else text
    spans = [m.span() for m in WORD_RE.finditer(prose)]
    words = [prose[a:b] for a, b in spans]
    starts = [a for a, _ in spans]
    sentences = split_sentences(prose) if words else []
    ends = _sentence_ends(starts, sentences)
    return Tokens(text, prose, spans, words, [w.lower() for w in words], [False] * len(words),
                  _sentence_numbers(ends), sentences, starts,
                  [b - a for a, b in zip([0, *ends], ends, strict=False)])


def _joiner(tokens: Tokens):
    prose, spans = tokens.prose, tokens.spans

    def joinable(k: int) -> bool:
        gap = prose[spans[k - 1][1]:spans[k][0]]
        # short gaps only: masked markup between two words must not join them
        return gap == " " or (len(gap) <= MAX_GAP and JOINABLE_GAP_RE.fullmatch(gap) is not None)

    return joinable


def _straddles_a_compound(tokens: Tokens, i: int, j: int) -> bool:
    """Does the phrase words[i:j] take half of a hyphened word and a word outside it?
    "the pick-up time" holds no "up time" (uptime); "pre-go-live" still holds "go-live"."""
    if j - i < 2:
        return False
    prose, spans = tokens.prose, tokens.spans

    def hyphen_before(k: int) -> bool:
        return 0 < k < len(spans) and prose[spans[k - 1][1]:spans[k][0]] == "-"

    inside = [hyphen_before(k) for k in range(i + 1, j)]
    return (hyphen_before(i) or hyphen_before(j)) and not all(inside)


def _real_definitions(checker: Checker, tokens: Tokens, matches) -> list[Definition]:
    """Definitions whose long form is plain: "virtual machines (VM)" explains nothing."""
    if not any(hint in tokens.prose for hint in DEFINITION_HINTS):
        return []
    kept = []
    for d in find_definitions(tokens.prose):
        inside = tokens.word_range(d.start, d.end)
        jargon = any(form.term.severity == "high" and i in inside and
                     normalise_phrase(form.term.term) != (d.acronym.lower(),)
                     and tokens.words[i].upper() != d.acronym
                     for i, _, form in matches)
        jargon = jargon or any(tokens.low[k] in checker.vocabulary.rare for k in inside)
        if not jargon:
            kept.append(d)
    return kept


def scan_text(checker: Checker, text: str, audience: Audience | str | None = None) -> Scan:
    """`audience`: an Audience, a name, or None for the readers the first sentence names
    (else general)."""
    tokens = tokenise(text)
    if not isinstance(audience, Audience):
        first = tokens.low[:tokens.sentence_of.count(0)]  # the first sentence's words
        audience = resolve_audience(audience, text, checker.lists.data_dir, first,
                                    tokens.low)
    scan = Scan(text=text, prose=tokens.prose, words=len(tokens.words),
                sentences=tokens.sentences, word_list=tokens.words)
    if not tokens.words:
        return scan
    joinable = _joiner(tokens)
    shapes = find_shapes(tokens.prose)
    units = [shape for shape in shapes if shape[2] in UNIT_SHAPES]
    findings = shape_findings(tokens, units) if units else []
    matches = [m for m in checker.match_terms(tokens.words, tokens.low, joinable)
               if not any(tokens.used[k] for k in range(m[0], m[1]))
               and not _straddles_a_compound(tokens, m[0], m[1])]
    for i, j, _ in matches:
        for k in range(i, j):
            tokens.used[k] = True
    definitions = _real_definitions(checker, tokens, matches)
    listed, considered, pending = checker.list_findings(tokens, matches, definitions)
    findings += listed
    findings += shape_findings(tokens, shapes)
    findings += checker.acronyms(tokens, definitions)
    findings, pending, busy = _beyond_lists(checker, tokens, joinable, findings,
                                            considered, pending, audience)
    # an everyday word no cue decided is technical near sure jargon (products included)
    revived, dropped = _revive(tokens, findings, _for_reader(pending, audience))
    findings += revived
    considered += dropped
    findings += leaning_findings(checker.vocabulary, tokens, busy)
    findings += verb_findings(checker.vocabulary, tokens, busy)
    findings = _unexplained(_for_reader(findings, audience), tokens, definitions,
                            checker.everyday_first)
    findings = _outside_labels(findings, tokens.prose)
    findings = _without_greeted_names(findings, tokens.prose)
    findings = _without_back_references(findings, tokens.prose)
    findings.sort(key=lambda f: (f.start, f.end))
    scan.findings = findings
    scan.sentence_words = tokens.sentence_words
    scan.considered = _for_reader(considered, audience)
    scan.audience = audience.name if audience else "general"
    return scan


def _beyond_lists(checker: Checker, tokens: Tokens, joinable, findings: list[Finding],
                  considered: list[Finding], pending: list[Finding], audience: Audience | None
                  ) -> tuple[list[Finding], list[Finding], set[int]]:
    """(findings, pending, busy sentences) after the open vocabulary's phrases, product
    parts, product names and compounds. Words an everyday-sense match held and did not
    keep may still be part of a phrase ("web workers"), a product part or a compound
    ("error queue"); such a match is then no longer pending."""
    vocab = checker.vocabulary
    freed = considered + pending
    phrases = _with_words_of(considered, tokens, lambda: vocabulary_findings(
        vocab, tokens, joinable))
    findings = _for_reader(findings + phrases, audience)
    busy = {tokens.sentence_at(f.start) for f in findings if f.kind != "buzzword"}

    def open_findings() -> tuple[list[Finding], list[Finding], list[Finding]]:
        parts = component_findings(vocab, tokens)
        products = product_findings(vocab, tokens, busy)
        around = busy | {tokens.sentence_at(f.start) for f in products}
        return parts, products, compound_findings(vocab, tokens, joinable, around,
                                                  bool(around))

    parts, products, compounds = _with_words_of(freed, tokens, open_findings)
    compounds = _for_reader(compounds, audience)
    findings += parts + products + compounds
    taken = phrases + parts + products + compounds
    pending = [p for p in pending if not any(f.start <= p.start < f.end for f in taken)]
    return findings, pending, busy


def _revive(tokens: Tokens, findings: list[Finding], pending: list[Finding]
            ) -> tuple[list[Finding], list[Finding]]:
    """(revived, dropped): an everyday word no cue decided takes its IT sense when sure
    jargon stands within NEAR_WORDS in its sentence; a revived word is an anchor in turn
    ("the web workers ran out of threads, the health checks failed"). One sense per draft:
    a word whose entry is reported in its IT sense elsewhere keeps that sense ("... is
    rebalancing placement groups. Things will speed up as the rebalance finishes")."""
    # (first word, last word) of each anchor: distance counts from its nearest word
    anchors = [(r.start, r.stop - 1) for f in findings
               if f.kind != "buzzword" and not f.uncertain
               and (r := tokens.word_range(f.start, f.end))]
    reported = {f.entry for f in findings if f.kind != "buzzword"}
    # the head of a reported phrase: "a database migration ... migrations that touch ..."
    reported |= {f.term.lower().split()[-1].rstrip("s") for f in findings
                 if f.kind != "buzzword" and " " in f.term}
    waiting = [f for f in pending if f.kind != "buzzword" and f.severity != "low"]
    revived: list[Finding] = []
    changed = True
    while changed and waiting:
        changed = False
        for finding in list(waiting):
            at = tokens.word_range(finding.start, finding.end).start
            sentence = tokens.sentence_of[at]
            same_sense = finding.entry in reported or \
                finding.term.lower().rstrip("s") in reported
            if same_sense or any(
                    a - NEAR_WORDS <= at <= b + NEAR_WORDS and tokens.sentence_of[a] == sentence
                    for a, b in anchors):
                waiting.remove(finding)
                revived.append(finding)
                reported.add(finding.entry)
                anchors.append((at, at))
                changed = True
    return revived, [f for f in pending if f not in revived]


def _with_words_of(dropped: list[Finding], tokens: Tokens, find):
    """Run `find` with the words of dropped matches free again, then hold them again."""
    held = [k for f in dropped for k in tokens.word_range(f.start, f.end) if tokens.used[k]]
    for k in held:
        tokens.used[k] = False
    found = find()
    for k in held:
        tokens.used[k] = True
    return found


def _without_back_references(findings: list[Finding], prose: str) -> list[Finding]:
    """"the TLS certificate ... until the certificate was renewed": a word after "the",
    "this" or "its" that repeats the head of a phrase already reported refers back to it;
    fixing the phrase fixes both, so it is not reported again. Without such a word it is a
    new mention ("a database migration ... migrations that touch large tables")."""
    heads: set[str] = set()
    kept = []
    for f in sorted(findings, key=lambda f: f.start):
        words = f.term.lower().split()
        word = words[0].rstrip("s") if len(words) == 1 else ""
        if word and word in heads and \
                DEFINITE_BEFORE_RE.search(prose, max(0, f.start - MAX_LOOKBACK), f.start):
            continue
        kept.append(f)
        if len(words) > 1:
            heads.add(words[-1].rstrip("s"))
    return kept


GREETED_RE = re.compile(rf"(?:^|\n|[.!?]\s+)(?:{'|'.join(sorted(GREETINGS))})\s+$",
                        re.IGNORECASE)
NAME_END_RE = re.compile(r"\s*[,!:]")
# "... if it happens again. Dev, Service Desk": a name, and perhaps a team, closing the draft
SIGN_OFF_BEFORE_RE = re.compile(r"(?:\n|[.!?]\s+|(?:thanks|cheers|regards|best)[,!]?\s+)$",
                                re.IGNORECASE)
SIGN_OFF_AFTER_RE = re.compile(r"(?:,\s*[A-Z][\w&' -]{0,40})?\W*$")


def _without_greeted_names(findings: list[Finding], prose: str) -> list[Finding]:
    """"Hi Dev, your laptop ...", "... Dev, Service Desk": the capitalised word a greeting
    opens on, or the sign-off at the end, is a person."""
    return [f for f in findings if not (
        f.term[:1].isupper() and " " not in f.term and (
            (NAME_END_RE.match(prose, f.end)
             and GREETED_RE.search(prose, max(0, f.start - MAX_LOOKBACK), f.start))
            or (not f.term.isupper() and SIGN_OFF_AFTER_RE.fullmatch(prose, f.end)
                and SIGN_OFF_BEFORE_RE.search(prose, max(0, f.start - MAX_LOOKBACK),
                                              f.start))))]


def _outside_labels(findings: list[Finding], prose: str) -> list[Finding]:
    """Drop findings inside a short quoted label that opens with a capital ('Clean Teams
    Cache', "Your connection is not private") or a menu path ("Settings > Apps >
    Storage"): words the reader sees on the screen and is told to click or will
    recognise, not words to understand; and inside a quoted example ("a passphrase such
    as 'kettle-orbit-spruce-47'")."""
    quoted, menu = any(q in prose for q in QUOTES), ">" in prose
    if not quoted and not menu:
        return findings
    labels: list[tuple[int, int]] = []
    if quoted:
        labels += [m.span(1) for m in QUOTED_LABEL_RE.finditer(prose)
                   if len(m.group(1).split()) <= MAX_LABEL_WORDS]
        labels += [m.span(1) for m in QUOTED_EXAMPLE_RE.finditer(prose)]
    if menu:
        labels += [m.span() for m in MENU_PATH_RE.finditer(prose)]
    return [f for f in findings
            if not any(a <= f.start and f.end <= b for a, b in labels)] if labels else findings


def _for_reader(findings: list[Finding], audience: Audience | None) -> list[Finding]:
    if audience is None or not audience.known:
        return findings
    return [f for f in findings if not audience.knows(f.entry, f.term)]


def _key(finding: Finding) -> str:
    return " ".join(normalise_phrase(finding.entry or finding.term))


def _head_end(tokens: Tokens, span: tuple[int, int]) -> int:
    """End of the first EXPLANATION_HEAD words of an explanation: the words that say what
    the thing is ("which is *cache* left by ..."). Jargon there explains nothing; a term
    further on ("... on hand after go-live") is a detail."""
    words = tokens.word_range(span[0], span[1])
    if not words:
        return span[1]
    last = words[min(len(words), EXPLANATION_HEAD + 2) - 1]  # "which is" / "meaning a"
    return min(span[1], tokens.spans[last][1])


def _explained_later(prose: str, finding: Finding, findings: list[Finding]
                     ) -> tuple[int, int] | None:
    """"the firewall at all four academies - that's the device that ...": the clause
    explains the last term before it, so no other finding may stand in between."""
    span = explained_later(prose, finding.end)
    if span is None or any(finding.end <= g.start < span[0] for g in findings):
        return None
    return span


def _unexplained(findings: list[Finding], tokens: Tokens, definitions: list[Definition],
                 everyday_first: frozenset[str] = frozenset()) -> list[Finding]:
    """Drop every finding of a term the writer explains somewhere in the text in plain
    words (an explanation that holds other jargon explains nothing). A word whose first
    sense is the everyday one, judged technical here only on weak evidence, is no jargon
    in the words that say what the term is: the term it explains was that evidence ("a
    DHCP scope (the pool of addresses ...)", "our tenant - the slice of Microsoft's cloud
    that ..."); it is not reported there, nor elsewhere in the draft (one sense a draft)."""
    sentences = tokens.sentences

    def following(start: int) -> tuple[int, int] | None:
        number = tokens.sentence_at(start)
        return sentences[number + 1] if number + 1 < len(sentences) else None

    later = might_explain_later(tokens.prose)
    spans = [(f, span) for f in findings
             if (span := explanation(tokens.prose, f.start, f.end, following)
                 or (_explained_later(tokens.prose, f, findings) if later else None)) is not None]
    if not spans:
        return findings
    keys = {id(f): _key(f) for f in findings}
    explained: set[str] = set()
    heads: list[tuple[int, int]] = []
    weak = {id(f) for f in findings if f.uncertain and f.entry in everyday_first}
    for f, span in spans:
        key = keys[id(f)]
        head = _head_end(tokens, span)
        # plain words given before the term must be plain through and through: "virtual
        # desktops (VDI)" gives the term's own long form, itself jargon
        given_before = span[1] <= f.start
        if not any(g.start < head and span[0] < g.end and g.severity != "low" and
                   id(g) not in weak and (given_before or keys[id(g)] != key)
                   for g in findings):
            # "an expired SSL certificate - the digital ID card that ... A new certificate":
            # the phrase's head word is explained with it
            explained.update((key, key.split()[-1]))
            heads.append((span[0], head))
    for d in definitions:  # an acronym whose long form is explained is explained too
        inside = [keys[id(f)] for f in findings if d.start <= f.start and f.end <= d.end]
        if inside and all(k in explained for k in inside):
            explained.add(d.acronym.lower())
    # one sense per draft: the word the writer explains with keeps its everyday sense
    plain = {f.entry for f in findings if id(f) in weak and
             any(a <= f.start and f.end <= b for a, b in heads)}
    return [f for f in findings if keys[id(f)] not in explained and not (
        id(f) in weak and f.entry in plain)]
