"""A rewrite you can send, or none: plain alternatives substituted only where the sentence
stays grammatical, then the whole rewrite checked again.

The rewrite is offered only when every high-severity finding is gone and nothing new
appears. A sentence whose findings cannot be replaced safely is left as the writer wrote it
and named in the note; when no safe rewrite exists, or it would equal the draft,
`Rewrite.text` is "" and `Rewrite.note` says why.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from bot.jargon.findings import Finding
from bot.jargon.placement import (
    CLAUSE_WORDS,
    DETERMINERS,
    LOOKBACK,
    PRODUCT_KINDS,
    TERM_WORD_RE,
    agreeing,
    bare_name,
    fits,
    is_plural,
    said_after,
    stem,
)
from bot.jargon.tokens import inflect_word, plural

AN_EXCEPTIONS = ("uni", "use", "usu", "usa", "one", "once", "eu", "ute")
ARTICLE_BEFORE_RE = re.compile(r"\b(an?|An?)(\s+)$")
PREV_DETERMINER_RE = re.compile(rf"\b(?:{DETERMINERS})\s+$", re.I)
AN_SILENT_H = ("hour", "honest", "honou", "heir")
OBJECT_WORDS = frozenset(["the", "a", "an", "your", "our", "its", "their"])
NOTHING_FOUND = "nothing to change: no jargon found"


@dataclass(frozen=True)
class Rewrite:
    text: str  # "" when none is offered
    note: str = ""  # why there is none, or which sentences the writer must redo
    held_back: tuple[tuple[int, int], ...] = ()  # sentences left for the writer


def _sentence_start(before: str) -> bool:
    """Does a term preceded by `before` (a bounded slice) start a sentence?"""
    stripped = before.rstrip()
    return not stripped or stripped[-1] in ".!?\n:" or before.endswith("\n")


def _article_for(phrase: str) -> str:
    low = phrase.lower()
    if low.startswith(AN_SILENT_H):
        return "an"
    if low[:1] in "aeiou" and not low.startswith(AN_EXCEPTIONS):
        return "an"
    return "a"


def substitutable(finding: Finding) -> bool:
    """Only alternatives for the entry's own term, decided on firm evidence, or for a
    product the entry lists as its kind ("Jamf Pro": "device management tool")."""
    return finding.kind != "acronym" and not finding.uncertain and bool(finding.suggestion) \
        and (finding.canonical or _a_product_of_its_kind(finding))


def _a_product_of_its_kind(finding: Finding) -> bool:
    """A product's name listed under an entry whose alternative names a kind of product
    ("SIMS": "pupil records software"); other listed synonyms may be a related thing with
    another meaning ("Patch Tuesday" under "patch", "P2" under "P1")."""
    return any(ch.isupper() for ch in finding.term) and not finding.tag and \
        finding.suggestion.rsplit(" ", 1)[-1].lower() in PRODUCT_KINDS


@lru_cache(maxsize=4096)  # the lists' alternatives come back draft after draft
def usable_alternative(alt: str) -> bool:
    """A listed synonym may be another part of speech, and an alternative with a clause or
    a preposition rarely fits where the term stood, so those are left for the writer."""
    words = alt.lower().split()
    return (len(words) <= 4 and not CLAUSE_WORDS.intersection(words) and alt[0] != "("
            and not words[0].endswith(("'s", "’s")))  # "the Amazon's service"


def _inflected(finding: Finding, alt: str) -> str | None:
    """`alt` inflected like the matched form, or None when it cannot be."""
    return _inflected_as(alt, finding.pos, finding.tag, finding.word)


@lru_cache(maxsize=4096)
def _inflected_as(alt: str, pos: str, tag: str, word: int) -> str | None:
    parts = alt.split(" ")
    if "v" in pos and OBJECT_WORDS.intersection(p.lower() for p in parts[1:]):
        return None  # a verb with its own object: "re-IP the printers" takes no second one
    if pos == "nv" and len(parts) > 1:
        return None  # noun or verb? a longer alternative fits only one of them
    if not tag:
        return alt
    if word == -1 and "n" in pos:
        if tag == "s" and is_plural(parts[-1]):
            return alt  # "synergies" -> "savings"
        parts[-1] = inflect_word(parts[-1], tag, noun=True)
    elif word == 0 and "v" in pos:
        parts[0] = inflect_word(parts[0], tag, noun=False)
    else:
        return None
    return " ".join(parts)


def substitute(finding: Finding) -> str | None:
    """The first of the entry's alternatives that is simple enough to stand where the term
    stood, inflected like the matched form; None when none is ("cutover": "switch to the
    new system" has a clause, "changeover" fits)."""
    if not substitutable(finding):
        return None
    for alt in finding.alternatives or (finding.suggestion,):
        if usable_alternative(alt) and (inflected := _inflected(finding, alt)) is not None:
            return inflected
    return None


def rewrite(text: str, findings: list[Finding], start: int = 0, end: int | None = None) -> str:
    """Substitute alternatives left to right, looking back only a few characters; the
    result is text[start:end] rewritten (findings outside it are ignored)."""
    pieces: list[str] = []
    pos = start
    stop = len(text) if end is None else end
    for finding, finding_end, alt in _replacements(text, findings, start, stop):
        head = text[pos:finding.start]
        context = (pieces[-1][-LOOKBACK:] if pieces else "") + head[-LOOKBACK:] \
            if len(head) < LOOKBACK else head[-LOOKBACK:]
        if bare_name(text, finding, alt, context):
            alt = "the " + alt
        if text[finding.start].isupper() and (
                _sentence_start(text[max(0, finding.start - LOOKBACK):finding.start])):
            alt = alt[:1].upper() + alt[1:]
        if alt.lower().startswith("the ") and PREV_DETERMINER_RE.search(context):
            alt = alt[4:]
        article = ARTICLE_BEFORE_RE.search(head[-LOOKBACK:])
        if article:
            new = _article_for(alt)
            if article.group(1)[0].isupper():
                new = new.capitalize()
            cut = len(head) - len(head[-LOOKBACK:]) + article.start()
            head = head[:cut] + new + article.group(2)
        pieces.append(head)
        pieces.append(alt)
        pos = finding_end
    pieces.append(text[pos:stop])
    return "".join(pieces)


def _replacements(text: str, findings: list[Finding], start: int, stop: int
                  ) -> list[tuple[Finding, int, str]]:
    """(first finding, end, alternative) left to right. A term and the next one that say
    the same thing in plain words become one phrase: "VPN gateway" is "secure remote
    connection point", not "secure remote connection connection point"."""
    found: list[tuple[Finding, int, str]] = []
    for finding in sorted(findings, key=lambda f: f.start):
        alt = substitute(finding) if start <= finding.start and finding.end <= stop else None
        if alt is None or (found and finding.start < found[-1][1]):
            continue  # no alternative, or a word the one before took ("Veeam backup")
        alt = agreeing(text, finding, alt) or alt
        if said := said_after(text, finding, alt):
            found.append((finding, said.end(1), _saying(alt, said.group(1))))
            continue
        joined = _joined(found[-1][2], alt) if found and \
            not text[found[-1][1]:finding.start].strip() else None
        if joined:
            found[-1] = (found[-1][0], finding.end, joined)
        else:
            found.append((finding, finding.end, alt))
    return found


def _saying(alt: str, word: str) -> str:
    """What stands for a name and the next word that says part of its plain words: the
    plain words ending on that word when it is their head ("HTTP 429 errors" -> "overload
    errors"), else the word alone ("Veeam backup job" -> "backup job")."""
    head, _, last = alt.rpartition(" ")
    if head and word.lower() in (last.lower(), plural(last.lower())):
        return f"{head} {word}"
    return word


def _joined(modifier: str, head: str) -> str | None:
    """One phrase for two plain alternatives side by side that share a word, else None:
    "secure remote connection" + "connection point" -> "secure remote connection point";
    "phone system" + "office phone exchange" -> "office phone exchange"."""
    first, second = modifier.split(), head.split()
    if first[-1].lower() == second[0].lower():
        return " ".join(first + second[1:])
    shared = {w.lower() for w in first if len(w) > 2} & {w.lower() for w in second}
    return head if shared else None


def planned(text: str, findings: list[Finding]) -> tuple[list[Finding], list[Finding]]:
    """(findings to substitute, high-severity findings nothing safe replaces)."""
    ordered = sorted(findings, key=lambda f: f.start)
    chosen, stuck = [], []
    alts = _distinct([substitute(f) for f in ordered], ordered)
    hopeless = [f for f, alt in zip(ordered, alts, strict=True)
                if alt is None and f.severity == "high"]
    if hopeless:  # no rewrite can be offered: spare the grammar tests
        return [], hopeless
    for n, finding in enumerate(ordered):
        alt = alts[n]
        neighbours = ((ordered[n - 1], alts[n - 1]) if n else None,
                      (ordered[n + 1], alts[n + 1]) if n + 1 < len(ordered) else None)
        if alt is not None and fits(text, finding, alt, neighbours):
            chosen.append(finding)
        elif finding.severity == "high":
            stuck.append(finding)
    return chosen, stuck


def _distinct(alts: list[str | None], findings: list[Finding]) -> list[str | None]:
    """None for plain words that two different terms share: "from Mimecast to Proofpoint"
    is no move "from the email security service to the email security service"; the writer
    must say what tells them apart. Terms sharing a word are one thing ("iManage Work",
    "iManage"), and so are spellings of one term ("exit code", "exit-code")."""
    named: dict[str, list[Finding]] = {}
    for alt, finding in zip(alts, findings, strict=True):
        for plain in (p for p in {alt, finding.suggestion} if p):
            named.setdefault(plain.lower(), []).append(finding)

    def shared(alt: str) -> bool:
        names = named[alt.lower()]
        if len(names) == 1:  # most plain words name one term: spare the stemming
            return TERM_WORD_RE.search(names[0].term) is None
        words = [{stem(w) for w in TERM_WORD_RE.findall(f.term.lower())} for f in names]
        return any(not a & b for a in words for b in words)

    return [None if alt is not None and shared(alt) else alt for alt in alts]


def _sentence_number(sentences: list[tuple[int, int]], position: int) -> int:
    return next((n for n, (a, b) in enumerate(sentences, 1) if a <= position < b), 0)


def _names(findings: list[Finding], limit: int = 4) -> str:
    unique = list(dict.fromkeys(f"'{f.term}'" for f in findings))
    more = f" and {len(unique) - limit} more" if len(unique) > limit else ""
    return ", ".join(unique[:limit]) + more


def _key(finding: Finding) -> str:
    return (finding.entry or finding.term).lower()


def _changed_sentences(text: str, chosen: list[Finding],
                       sentences: list[tuple[int, int]]) -> str:
    """The rewritten sentences alone, one a line: the others were checked with the draft."""
    changed = sorted({s for f in chosen for s in sentences if s[0] <= f.start < s[1]})
    return "\n".join(rewrite(text, chosen, a, b) for a, b in changed)


def safe_rewrite(text: str, findings: list[Finding], sentences: list[tuple[int, int]],
                 recheck: Callable[[str], list[Finding]] | None) -> Rewrite:
    """The draft with plain alternatives, offered only if it checks clean of high findings."""
    if not findings:
        return Rewrite("", NOTHING_FOUND)
    chosen, stuck = planned(text, findings)
    if stuck:
        held = tuple(sorted({s for f in stuck for s in sentences if s[0] <= f.start < s[1]}))
        numbers = sorted({_sentence_number(sentences, f.start) for f in stuck})
        where = ", ".join(str(n) for n in numbers if n)
        verb = "needs" if len({f.term for f in stuck}) == 1 else "need"
        return Rewrite("", f"no safe rewrite: {_names(stuck)} {verb} your own words"
                           + (f" (sentence {where})" if where else ""), held)
    candidate = rewrite(text, chosen)
    if candidate == text:
        return Rewrite("", "no rewrite: no finding has a plain word that fits where it stands; "
                           "explain them in your own words")
    if recheck is not None:
        known = {_key(f) for f in findings}
        probe = _changed_sentences(text, chosen, sentences) or candidate
        left = [f for f in recheck(probe) if f.severity == "high" or _key(f) not in known]
        if left:
            return Rewrite("", f"no safe rewrite: the plain version would still hold "
                               f"{_names(left)}")
    remaining = [f for f in findings if f not in chosen]
    note = f"still to explain in your own words: {_names(remaining)}" if remaining else ""
    return Rewrite(candidate, note)
