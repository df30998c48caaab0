"""The compiled checker: one tokenising pass and dictionary look-ups, no per-term regexes.

Every form of every term (variants, regular inflections, hyphen/space/joined spellings) is
compiled once into a dict keyed by the tuple of its lower-case words. Scanning a text tries,
at each word, the longest phrase first. Terms with an everyday sense are kept or dropped by
context cues (`sense-cues.csv`); undefined acronyms not on the allow-list are reported too.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.jargon.acronyms import (
    MIXED_CASE_RE,
    Definition,
    looks_like_acronym,
    mixed_case_acronym,
)
from bot.jargon.audiences import Audience
from bot.jargon.findings import Finding, Scan
from bot.jargon.openscan import Tokens
from bot.jargon.scanner import scan_text
from bot.jargon.senses import CueSet
from bot.jargon.terms import Lists, SenseCue, Term
from bot.jargon.tokens import WORD_RE, inflections, normalise_phrase, word_set
from bot.jargon.vocabulary import load_vocabulary

# cheap tests that let most drafts skip the markup mask and the definition search
NEAR_WINDOW = 10  # words either side that count as "near" for weak cues
SHOUTING_RUN = 3  # this many upper-case words in a row are emphasis, not acronyms
MAX_JOINED_PARTS = 3
SHOUTED_MIN_LETTERS = 4  # "SAP", "WAN", "CAB" are short words too, but acronyms here
# "roll it back": a pronoun may sit inside a two-word phrasal verb
PARTICLES = frozenset(["back", "up", "down", "over", "out", "off", "in", "on"])
PRONOUNS = ("it", "them", "this", "that", "everything", "these", "those")
DETERMINERS = frozenset(["the", "a", "an", "our", "your", "their", "its", "this", "that", "each",
                         "every", "all", "both"])
OBJECT_STOP = frozenset(["the", "a", "an", "and", "or", "to", "of", "in", "on", "at", "for",
                         "is", "was", "be", "not", "no", "time", "day", "week", "night"])
CLAUSE_FOLLOWERS = frozenset(["from", "to", "at", "on", "in", "for", "after", "before", "when",
                              "so", "while", "until", "once", "if", "again", "now",
                              "tonight", "today", "tomorrow", "by", "with"])

ACRONYM_WHY = "An abbreviation or name a reader outside IT may not know."
ACRONYM_INSTEAD = ("Spell it out the first time, e.g. 'full name (ABC)', or say what it is "
                   "or does for the reader.")
CAPITALS_RE = re.compile(r"(?<![^\W_])[A-Z0-9&]*[A-Z][A-Z0-9&]*s?(?![^\W_])")
# "GOV.UK", "HP-2F-East": capitals joined to more of one name are part of it, not an
# acronym to spell out
NAME_GOES_ON_RE = re.compile(r"\.[A-Z]{2}|-[A-Z0-9]*\d")


def _capitalised(prose: str):
    """Words in capitals, then acronyms in mixed case (most drafts have none)."""
    yield from CAPITALS_RE.finditer(prose)
    yield from MIXED_CASE_RE.finditer(prose)


def _part_of_a_name(prose: str, end: int) -> bool:
    """Do the capitals ending at prose[end] go on as one name?"""
    return NAME_GOES_ON_RE.match(prose, end) is not None


# "Building 81A", "Room B2", "Line 3": what follows names a place or a part, not a system
PLACE_WORDS = word_set("""
building buildings room rooms floor level gate bay bays dock docks line lines unit units
block wing suite corridor corridors area zone stand platform aisle door doors part parts
item lot model route bus flight site plot phase
""")


@dataclass(frozen=True, slots=True)
class Form:
    term: Term
    tag: str  # "" base form, "s", "ed", "ing"
    word: int  # which word carries the inflection: 0 first, -1 last
    upper_only: bool  # an acronym: only its upper-case spelling counts
    canonical: bool = True  # a spelling of the entry's own term (not a listed synonym)
    # which words of a phrase are acronyms, to be written in capitals ("DR test" is not
    # the server dr-test); empty when none is
    capitals: tuple[bool, ...] = ()


def term_key(term: str) -> str:
    return " ".join(normalise_phrase(term))


def _is_upper_form(form: str) -> bool:
    letters = [ch for ch in form if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


def _acronym_words(spelling: str) -> tuple[bool, ...]:
    """Per word of a phrase, is it an acronym (two or more capitals)? () when none is."""
    flags = tuple(len(w) > 1 and w.isupper() for w in WORD_RE.findall(spelling))
    return flags if any(flags) else ()


def _forms_of(term: Term) -> Iterable[tuple[tuple[str, ...], Form]]:
    own = "".join(normalise_phrase(term.term))
    for spelling in (term.term, *term.variants):
        words = normalise_phrase(spelling)
        if not words:
            continue
        upper = _is_upper_form(spelling)
        canon = "".join(words) == own
        caps = _acronym_words(spelling) if len(words) > 1 and not upper else ()
        spellings = [words]
        if 1 < len(words) <= MAX_JOINED_PARTS and not upper and not caps:
            spellings.append(("".join(words),))
        for ws in spellings:
            yield ws, Form(term, "", 0, upper, canon, caps if len(ws) > 1 else ())
            if "n" in term.pos:
                for inflected, tag in inflections(ws[-1], "n"):
                    yield ws[:-1] + (inflected,), Form(term, tag, -1, upper, canon,
                                                       caps if len(ws) > 1 else ())
            if "v" in term.pos:
                verb_forms = [(ws[0], ""), *inflections(ws[0], "v")]
                for inflected, tag in verb_forms[1:]:
                    yield (inflected,) + ws[1:], Form(term, tag, 0, upper, canon)
                if len(ws) == 2 and ws[1] in PARTICLES:
                    for inflected, tag in verb_forms:
                        for pronoun in PRONOUNS:
                            yield (inflected, pronoun, ws[1]), Form(term, tag, 0, upper, canon)


class Checker:
    """A compiled set of lists. Build once, call `scan` many times (thread-safe)."""

    def __init__(self, lists: Lists, *, team_terms: Iterable[Term] = (),
                 removed: Iterable[str] = ()) -> None:
        self.lists = lists
        self.team_terms = tuple(team_terms)
        self.removed = frozenset(term_key(r) for r in removed)
        self.allowed = lists.allowed_acronyms
        self.index: dict[tuple[str, ...], list[Form]] = {}
        self.sizes: dict[str, tuple[int, ...]] = {}  # first word -> phrase lengths, longest 1st
        for term in (*self.team_terms, *lists.terms, *lists.buzzwords):
            if term.kind != "team" and term_key(term.term) in self.removed:
                continue
            for words, form in _forms_of(term):
                self._add(words, form)
        grouped: dict[str, list[SenseCue]] = {}
        for cue in lists.sense_cues:
            grouped.setdefault(cue.term, []).append(cue)
        self.cues = {term: CueSet(cues) for term, cues in grouped.items()}
        self.cues_of = {t.term: self.cues.get(term_key(t.term))
                        for t in (*self.team_terms, *lists.terms, *lists.buzzwords) if t.sense}
        self.vocabulary = load_vocabulary(lists.data_dir)
        self.everyday_first = frozenset(t.term for t in lists.terms if t.sense == "plain")
        # "fail traffic over", "roll the change back": a phrasal verb around its object
        self.phrasal: dict[str, list[tuple[str, Form]]] = {}
        for words, forms in self.index.items():
            if len(words) == 3 and words[1] == PRONOUNS[0] and words[2] in PARTICLES:
                self.phrasal.setdefault(words[0], []).extend((words[2], f) for f in forms)

    def _add(self, words: tuple[str, ...], form: Form) -> None:
        forms = self.index.setdefault(words, [])
        if any(f.term is form.term for f in forms):
            return
        forms.append(form)
        sizes = {*self.sizes.get(words[0], ()), len(words)}
        self.sizes[words[0]] = tuple(sorted(sizes, reverse=True))

    def with_team(self, team_terms: Iterable[Term], removed: Iterable[str]) -> Checker:
        return Checker(self.lists, team_terms=team_terms, removed=removed)

    # -- scanning -------------------------------------------------------------------

    def scan(self, text: str, audience: Audience | str | None = None) -> Scan:
        """Every finding in `text`; `audience` (an Audience or its name; None: the readers
        the first sentence names, else general) drops the terms its readers know."""
        return scan_text(self, text, audience)

    def list_findings(self, tokens: Tokens, matches: list[tuple[int, int, Form]],
                      definitions: list[Definition]
                      ) -> tuple[list[Finding], list[Finding], list[Finding]]:
        """(findings, considered, pending) for the list matches. Terms with an everyday
        sense are decided by their context cues; "considered" holds those dropped on weak
        evidence, "pending" those no cue decided and whose default is the everyday sense:
        the sentence around them decides (`scanner`)."""
        words, spans, text = tokens.words, tokens.spans, tokens.text
        defined = {d.acronym for d in definitions}
        in_definition = _Spans([(d.start, d.end) for d in definitions]).covers
        # an entry explained once (inside a definition, or as the defined acronym) is fine
        explained = {form.term.term for i, j, form in matches
                     if definitions and (in_definition(spans[i][0], spans[j - 1][1])
                                         or (j - i == 1 and _acronym_core(words[i]) in defined))}
        findings: list[Finding] = []
        considered: list[Finding] = []
        pending: list[Finding] = []
        for i, j, form in matches:
            if form.term.term in explained:
                continue
            finding = self._finding(text, spans[i][0], spans[j - 1][1], form)
            if not form.term.sense:
                findings.append(finding)
                continue
            lo, hi = _sentence_window(tokens.sentence_of, i, j)
            keep, finding.uncertain, by_default = self._decide(form, i, j, words, tokens.low,
                                                               lo, hi)
            if keep:
                findings.append(finding)
            elif by_default:
                pending.append(finding)
            else:
                considered.append(finding)
        return findings, considered, pending

    def match_terms(self, words: list[str], low: list[str],
                     joinable: Callable[[int], bool]) -> list[tuple[int, int, Form]]:
        """Leftmost-longest matches: (first word, end word exclusive, form)."""
        found = []
        n, taken = len(low), 0
        index, sizes = self.index, self.sizes
        for i in [k for k, w in enumerate(low) if w in sizes]:
            if i < taken:
                continue
            for size in sizes[low[i]]:
                forms = i + size <= n and index.get(tuple(low[i:i + size]))
                if not forms or (size > 1 and not all(map(joinable, range(i + 1, i + size)))):
                    continue
                form = next((f for f in forms if (not f.upper_only
                             or _written_upper(words[i:i + size], f.tag))
                             and _acronyms_in_capitals(words[i:i + size], f)), None)
                if form is not None:
                    found.append((i, i + size, form))
                    taken = i + size
                    break
            else:
                around = self._around_object(low, i, joinable) if low[i] in self.phrasal \
                    else None
                if around is not None:
                    found.append(around)
                    taken = around[1]
        return found

    def _around_object(self, low: list[str], i: int, joinable: Callable[[int], bool]
                       ) -> tuple[int, int, Form] | None:
        """A phrasal verb with a short object between verb and particle, the particle
        ending a clause: "failing traffic over from ...", "roll the change back."."""
        n = len(low)
        for gap in (1, 2):
            p = i + gap + 1
            if p >= n or not all(map(joinable, range(i + 1, p + 1))):
                continue
            inner = low[i + 1:p]
            if gap == 2 and inner[0] not in DETERMINERS or not inner[-1].isalpha() or \
                    inner[-1] in OBJECT_STOP:
                continue
            ends_clause = p + 1 == n or not joinable(p + 1) or low[p + 1] in CLAUSE_FOLLOWERS
            for particle, form in self.phrasal[low[i]]:
                if low[p] == particle and ends_clause:
                    return i, p + 1, form
        return None

    def acronyms(self, tokens: Tokens, definitions: list[Definition]) -> list[Finding]:
        """Unexplained acronyms among the words no list matched."""
        words, used, low = tokens.words, tokens.used, tokens.low
        defined = {d.acronym for d in definitions}
        in_definition = _Spans([(d.start, d.end) for d in definitions]).covers
        runs: list[int] | None = None
        found: list[Finding] = []
        starts = tokens.starts
        # only words in capitals can be acronyms: a regex finds them, not a loop over all
        for m in _capitalised(tokens.prose):
            k = bisect_left(starts, m.start())
            if k >= len(words) or starts[k] != m.start():
                continue
            word = words[k]
            if used[k]:
                continue
            core = looks_like_acronym(word) or mixed_case_acronym(word)
            if not core or core in self.allowed or core in defined or _shouted(core) or \
                    (k > 0 and low[k - 1] in PLACE_WORDS):
                continue
            if runs is None:
                runs = _caps_runs(words)
            if runs[k] >= SHOUTING_RUN:
                continue
            start, end = tokens.spans[k]
            if in_definition(start, end) or _part_of_a_name(tokens.prose, end):
                continue
            used[k] = True
            found.append(Finding(start, end, tokens.text[start:end], "acronym", ACRONYM_INSTEAD,
                                 ACRONYM_WHY, "medium", entry=core, category="acronym"))
        return found

    def _decide(self, form: Form, i: int, j: int, words: list[str], low: list[str], lo: int,
                hi: int) -> tuple[bool, bool, bool]:
        """(keep, uncertain, by default) for a term with an everyday sense; lo:hi is its
        context. "By default": no cue spoke, the term's default sense decided."""
        cues = self.cues_of.get(form.term.term)
        # "the CRM instance", "the VPN gateway": an IT acronym right before is a strong cue
        acronym_before = looks_like_acronym(words[i - 1]) if i > lo else None
        if acronym_before and acronym_before not in self.allowed:
            return True, False, False
        default = form.term.sense == "tech"
        if not cues:
            return default, True, True
        strong = cues.strong(low, lo, i, j, hi)
        if strong:
            return strong > 0, False, False
        weak = cues.weak(low[lo:i] + low[j:hi])
        if weak:
            return weak > 0, True, False
        return default, True, True

    @staticmethod
    def _finding(text: str, start: int, end: int, form: Form) -> Finding:
        term = form.term
        return Finding(start, end, text[start:end], term.kind, term.suggestion, term.why,
                       term.severity, entry=term.term, category=term.category, tag=form.tag,
                       word=form.word, pos=term.pos, canonical=form.canonical,
                       alternatives=term.alternatives)


def _shouted(core: str) -> bool:
    """"URGENT", "NOTE": an everyday word written in capitals for emphasis."""
    if len(core) < SHOUTED_MIN_LETTERS or not core.isalpha():
        return False
    from bot.text import is_common_word

    return is_common_word(core)


def _acronym_core(word: str) -> str:
    return looks_like_acronym(word) or word.upper()


def _acronyms_in_capitals(words: list[str], form: Form) -> bool:
    if not form.capitals or len(words) != len(form.capitals):
        return True
    return all(word.isupper() for word, acronym in
               zip(_singular(words, form.tag), form.capitals, strict=True) if acronym)


def _written_upper(words: list[str], tag: str) -> bool:
    return all(w.isupper() for w in _singular(words, tag) if any(c.isalpha() for c in w))


def _singular(words: list[str], tag: str) -> list[str]:
    """The words with a plural form's last "s" taken off ("VMs" -> "VM")."""
    if tag == "s" and words[-1].endswith("s"):
        return [*words[:-1], words[-1][:-1]]
    return list(words)


class _Spans:
    """Disjoint, sorted character spans; `covers` answers in O(log n)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [s for s, _ in merged]
        self.ends = [e for _, e in merged]

    def covers(self, start: int, end: int) -> bool:
        k = bisect_right(self.starts, start) - 1
        return k >= 0 and end <= self.ends[k]


def _is_caps(word: str) -> bool:
    return len(word) > 1 and word.isupper()


def _caps_runs(words: list[str]) -> list[int]:
    """For each word, the length of the run of upper-case words it belongs to (0 if none)."""
    runs = [0] * len(words)
    k = 0
    while k < len(words):
        if not _is_caps(words[k]):
            k += 1
            continue
        end = k
        while end < len(words) and _is_caps(words[end]):
            end += 1
        for m in range(k, end):
            runs[m] = end - k
        k = end
    return runs


def _sentence_window(sentence_of: list[int], i: int, j: int) -> tuple[int, int]:
    """Words lo:hi around words i:j, within NEAR_WINDOW and the same sentence."""
    lo = i
    while lo > 0 and i - lo < NEAR_WINDOW and sentence_of[lo - 1] == sentence_of[i]:
        lo -= 1
    hi = j
    while hi < len(sentence_of) and hi - j < NEAR_WINDOW and sentence_of[hi] == sentence_of[j - 1]:
        hi += 1
    return lo, hi
