"""Turning a scan into a report: density, reading grade, plain rewrite, text output."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from bot.jargon.findings import Finding, Scan
from bot.jargon.tokens import WORD_RE, inflect_word

SENTENCE_RE = re.compile(r"[.!?]+(?=\s|$)|\n\s*\n")
VOWEL_GROUPS_RE = re.compile(r"[aeiouy]+")
AN_EXCEPTIONS = ("uni", "use", "usu", "usa", "one", "once", "eu", "ute")
CLAUSE_WORDS = frozenset(["that", "which", "who", "to", "from", "of", "for", "with", "in", "on",
                          "by", "as", "between", "into", "after", "before", "than", "when",
                          "while", "where", "if", "so", "because", "e.g.", "or", "and"])
ARTICLE_BEFORE_RE = re.compile(r"\b(an?|An?)(\s+)$")
PREV_DETERMINER_RE = re.compile(
    r"\b(?:the|a|an|our|your|their|its|my|this|that|his|her|each|every|any|no)\s+$", re.I)
AN_SILENT_H = ("hour", "honest", "honou", "heir")


@dataclass
class Report:
    text: str
    findings: list[Finding]
    density: float  # findings per word of prose
    grade: float  # Flesch-Kincaid grade level of the prose
    rewrite: str
    words: int = 0
    considered: list[Finding] = field(default_factory=list)  # dropped on weak cues
    note: str = ""  # e.g. "no prose to check"

    @property
    def clean(self) -> bool:
        return not self.findings

    def to_json(self) -> dict:
        data = {"text": self.text, "findings": [f.to_json() for f in self.findings],
                "density": self.density, "grade": self.grade, "rewrite": self.rewrite,
                "words": self.words}
        if self.note:
            data["note"] = self.note
        return data


LETTER_WORD_RE = re.compile(r"[^\W\d_][^\W_]*")


@lru_cache(maxsize=65536)
def syllables(word: str) -> int:
    """Vowel groups, less a silent final e, at least one (memoised: words repeat)."""
    word = word.lower()
    count = len(VOWEL_GROUPS_RE.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    return max(1, count)


def fk_grade(prose: str) -> float:
    """Flesch-Kincaid grade level (0 for text without words)."""
    words = LETTER_WORD_RE.findall(prose)
    if not words:
        return 0.0
    ends = [m.end() for m in SENTENCE_RE.finditer(prose)]
    tail = prose[ends[-1]:] if ends else prose
    sentences = max(1, len(ends) + (1 if WORD_RE.search(tail) else 0))
    syl = sum(map(syllables, words))
    grade = 0.39 * len(words) / sentences + 11.8 * syl / len(words) - 15.59
    return round(max(0.0, grade), 1)


LOOKBACK = 40  # characters of context the rewrite looks at before a term


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
    """Only simple alternatives for the entry's own term, decided on firm evidence.

    A listed synonym may be another part of speech, and an alternative with a clause or
    a preposition rarely fits where the term stood, so those are left for the writer.
    """
    alt = finding.suggestion
    if finding.kind == "acronym" or finding.uncertain or not finding.canonical or not alt:
        return False
    words = alt.lower().split()
    return (len(words) <= 4 and not CLAUSE_WORDS.intersection(words) and alt[0] != "("
            and not words[0].endswith(("'s", "’s")))  # "the Amazon's service"


def substitute(finding: Finding) -> str | None:
    """The alternative inflected like the matched form, or None when not substitutable."""
    if not substitutable(finding):
        return None
    alt = finding.suggestion
    parts = alt.split(" ")
    if finding.pos == "nv" and len(parts) > 1:
        return None  # noun or verb? a longer alternative fits only one of them
    if not finding.tag:
        return alt
    if finding.word == -1 and "n" in finding.pos:
        if finding.tag == "s" and parts[-1].endswith("s"):
            return alt  # "synergies" -> "savings"
        parts[-1] = inflect_word(parts[-1], finding.tag, noun=True)
    elif finding.word == 0 and "v" in finding.pos:
        parts[0] = inflect_word(parts[0], finding.tag, noun=False)
    else:
        return None
    return " ".join(parts)


def rewrite(text: str, findings: list[Finding]) -> str:
    """Substitute alternatives left to right, looking back only a few characters."""
    pieces: list[str] = []
    pos = 0
    for finding in sorted(findings, key=lambda f: f.start):
        alt = substitute(finding)
        if alt is None:
            continue
        head = text[pos:finding.start]
        context = (pieces[-1][-LOOKBACK:] if pieces else "") + head[-LOOKBACK:] \
            if len(head) < LOOKBACK else head[-LOOKBACK:]
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
        pos = finding.end
    pieces.append(text[pos:])
    return "".join(pieces)


def build_report(scan: Scan, checker=None) -> Report:
    density = round(len(scan.findings) / scan.words, 3) if scan.words else 0.0
    note = "" if scan.words else "no prose to check (only markup, code, links or emoji)"
    return Report(text=scan.text, findings=scan.findings, density=density,
                  grade=fk_grade(scan.prose), rewrite=rewrite(scan.text, scan.findings),
                  words=scan.words, considered=scan.considered, note=note)


def with_findings(report: Report, findings: list[Finding],
                  considered: list[Finding]) -> Report:
    """The same report after another judge (a model) kept or dropped some findings."""
    findings = sorted(findings, key=lambda f: (f.start, f.end))
    density = round(len(findings) / report.words, 3) if report.words else 0.0
    return Report(text=report.text, findings=findings, density=density, grade=report.grade,
                  rewrite=rewrite(report.text, findings), words=report.words,
                  considered=considered, note=report.note)


def marked_text(report: Report) -> str:
    """The draft with each finding in [brackets] followed by its number."""
    out, pos = [], 0
    for n, f in enumerate(report.findings, 1):
        out.append(report.text[pos:f.start])
        out.append(f"[{report.text[f.start:f.end]}]{_superscript(n)}")
        pos = f.end
    out.append(report.text[pos:])
    return "".join(out)


def _superscript(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


def format_text(report: Report) -> str:
    if report.note:
        return f"Nothing to check: {report.note}."
    if not report.findings:
        return (f"No jargon found. Reading grade {report.grade:g} "
                f"({report.words} words).")
    lines = [marked_text(report), "", f"{len(report.findings)} to look at:"]
    for n, f in enumerate(report.findings, 1):
        label = f.kind if f.kind != "term" else f.category or "term"
        maybe = ", maybe" if f.uncertain else ""
        lines.append(f"{n:>3}. {f.term}  ({label}, {f.severity}{maybe})")
        if f.explanation:
            lines.append(f"     why: {f.explanation}")
        if f.suggestion:
            lines.append(f"     instead: {f.suggestion}")
    lines += ["", f"Jargon density: {report.density:.1%} of {report.words} words. "
              f"Reading grade: {report.grade:g}.", "", "Plainer version:", report.rewrite]
    return "\n".join(lines)
