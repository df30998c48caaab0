"""Turning a scan into a report: density, reading grade, style notes, one verdict and a
rewrite you can send (or a note saying why there is none)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from bot.jargon.audiences import load_audiences
from bot.jargon.findings import Finding, Scan
from bot.jargon.rewrite import safe_rewrite
from bot.jargon.style import StyleNote, style_notes, verdict
from bot.text import split_sentences

VOWEL_GROUPS_RE = re.compile(r"[aeiouy]+")


@dataclass
class Report:
    text: str
    findings: list[Finding]
    density: float  # findings per word of prose
    grade: float  # Flesch-Kincaid grade level of the prose
    rewrite: str  # "" when no safe rewrite exists or it would equal the draft
    words: int = 0
    considered: list[Finding] = field(default_factory=list)  # dropped on weak cues
    note: str = ""  # e.g. "no prose to check"
    rewrite_note: str = ""  # why there is no rewrite, or what is still to explain
    style: list[StyleNote] = field(default_factory=list)  # long sentences, passive voice
    verdict: str = ""  # "Ready to send." or what to fix first
    audience: str = "general"
    sentences: list[tuple[int, int]] = field(default_factory=list, repr=False)
    recheck: Callable[[str], list[Finding]] | None = field(default=None, repr=False,
                                                            compare=False)

    @property
    def clean(self) -> bool:
        return not self.findings

    def to_json(self) -> dict:
        data = {"text": self.text, "findings": [f.to_json() for f in self.findings],
                "density": self.density, "grade": self.grade, "rewrite": self.rewrite or None,
                "words": self.words, "rewrite_note": self.rewrite_note,
                "style": [n.to_json() for n in self.style], "verdict": self.verdict,
                "ready": self.ready, "audience": self.audience}
        if self.note:
            data["note"] = self.note
        return data

    @property
    def ready(self) -> bool:
        """Ready to send: no jargon and no very long sentence."""
        return not self.findings and not any(n.kind == "long sentence" for n in self.style)


LETTER_WORD_RE = re.compile(r"[^\W\d_][^\W_]*")


@lru_cache(maxsize=65536)
def syllables(word: str) -> int:
    """Vowel groups, less a silent final e, at least one (memoised: words repeat)."""
    word = word.lower()
    count = len(VOWEL_GROUPS_RE.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    return max(1, count)


def fk_grade(prose: str, sentences: list[tuple[int, int]] | None = None,
             words: list[str] | None = None) -> float:
    """Flesch-Kincaid grade level (0 for text without words); `words`: the prose's words,
    when already known."""
    words = LETTER_WORD_RE.findall(prose) if words is None else \
        [w for w in words if not w[0].isdigit()]
    if not words:
        return 0.0
    sentence_count = max(1, len(split_sentences(prose) if sentences is None else sentences))
    syl = sum(map(syllables, words))
    grade = 0.39 * len(words) / sentence_count + 11.8 * syl / len(words) - 15.59
    return round(max(0.0, grade), 1)


def build_report(scan: Scan, checker=None) -> Report:
    """The report of one scan; with the checker, the rewrite is checked again with it."""
    audience = scan.audience
    recheck = None
    if checker is not None:
        reader = load_audiences(checker.lists.data_dir).get(audience)
        recheck = lambda text: checker.scan(text, reader).findings  # noqa: E731
    note = "" if scan.words else "no prose to check (only markup, code, links or emoji)"
    report = Report(text=scan.text, findings=scan.findings, density=0.0,
                    grade=fk_grade(scan.prose, scan.sentences, scan.word_list), rewrite="",
                    words=scan.words,
                    considered=scan.considered, note=note,
                    style=style_notes(scan.prose, scan.sentences, scan.sentence_words),
                    audience=audience,
                    sentences=scan.sentences, recheck=recheck)
    return _finish(report)


def _finish(report: Report) -> Report:
    """Density, rewrite and verdict from the report's findings."""
    findings = report.findings
    report.density = round(len(findings) / report.words, 3) if report.words else 0.0
    fixed = safe_rewrite(report.text, findings, report.sentences, report.recheck)
    report.rewrite, report.rewrite_note = fixed.text, fixed.note
    report.verdict = verdict(findings, report.style) if report.words else ""
    return report


def with_findings(report: Report, findings: list[Finding],
                  considered: list[Finding]) -> Report:
    """The same report after another judge (a model) kept or dropped some findings."""
    findings = sorted(findings, key=lambda f: (f.start, f.end))
    return _finish(replace(report, findings=findings, considered=considered))


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
              f"Reading grade: {report.grade:g}.", "", report.verdict, "",
              "Plainer version:", report.rewrite or f"none offered ({report.rewrite_note})"]
    return "\n".join(lines)
