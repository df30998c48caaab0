"""The jargon report as a person reads it on a terminal: one entry per term with its
count, wrapped to the terminal's width, in colour on a terminal unless NO_COLOR is set,
and `path:line:col` positions for files, like Vale.
"""

from __future__ import annotations

import os
import shutil
import textwrap
from dataclasses import dataclass

from bot.jargon import Finding, Report

SEVERITY_COLOUR = {"high": "31", "medium": "33", "low": "36"}  # red, yellow, cyan
MIN_WIDTH, MAX_WIDTH = 40, 100


@dataclass(frozen=True)
class Style:
    width: int = 80
    colour: bool = False

    def paint(self, text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.colour and code else text


def terminal_style(stream) -> Style:
    """Width of the terminal (80 when not one), colour only on a terminal without NO_COLOR."""
    width = shutil.get_terminal_size((80, 24)).columns
    tty = hasattr(stream, "isatty") and stream.isatty()
    colour = tty and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
    return Style(max(MIN_WIDTH, min(MAX_WIDTH, width)), colour)


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def grouped(findings: list[Finding]) -> list[list[Finding]]:
    """Findings of the same term (by its list entry, else its text), first seen first."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.entry or f.term).lower(), []).append(f)
    return list(groups.values())


def _wrap(text: str, style: Style, indent: str = "", first: str | None = None) -> list[str]:
    lead = indent if first is None else first
    return textwrap.wrap(text, style.width, initial_indent=lead, subsequent_indent=indent,
                         break_long_words=False, break_on_hyphens=False) or [lead.rstrip()]


def _marked(report: Report, style: Style) -> str:
    out, pos = [], 0
    for f in report.findings:
        out.append(report.text[pos:f.start])
        out.append(style.paint(f"[{report.text[f.start:f.end]}]",
                               SEVERITY_COLOUR.get(f.severity, "")))
        pos = f.end
    out.append(report.text[pos:])
    return "".join(out)


def _draft_lines(report: Report, style: Style) -> list[str]:
    """The draft with each finding in [brackets], wrapped; colour added after wrapping."""
    lines: list[str] = []
    for paragraph in _marked(report, Style(style.width, False)).rstrip().split("\n"):
        lines += _wrap(paragraph, style) if paragraph.strip() else [""]
    return [_recolour(line, report, style) for line in lines] if style.colour else lines


def _recolour(line: str, report: Report, style: Style) -> str:
    for f in report.findings:
        bracketed = f"[{report.text[f.start:f.end]}]"
        line = line.replace(bracketed, style.paint(bracketed, SEVERITY_COLOUR[f.severity]))
    return line


def _term_entry(n: int, group: list[Finding], report: Report, style: Style,
                path: str | None) -> list[str]:
    f = group[0]
    label = f.category or f.kind
    maybe = ", maybe" if f.uncertain else ""
    count = f" ×{len(group)}" if len(group) > 1 else ""
    where = ""
    if path is not None:
        line, col = position(report.text, f.start)
        where = f"{path}:{line}:{col}: "
    head = f"{n:>3}. {where}{style.paint(f.term, SEVERITY_COLOUR.get(f.severity, ''))}" \
           f"{count}  ({label}, {f.severity}{maybe})"
    lines = [head]
    if path is not None and len(group) > 1:
        also = ", ".join("{}:{}".format(*position(report.text, g.start)) for g in group[1:])
        lines += _wrap(f"also at {also}", style, "     ")
    if f.explanation:
        lines += _wrap(f.explanation, style, " " * 10, "     why: ")
    if f.suggestion:
        lines += _wrap(f.suggestion, style, " " * 14, "     instead: ")
    return lines


def render(report: Report, style: Style, path: str | None = None) -> str:
    """The full report of one draft (`path` names the file it came from)."""
    if report.note:
        return f"{path + ': ' if path else ''}Nothing to check: {report.note}."
    lines: list[str] = []
    if path is None:
        lines += _draft_lines(report, style) + [""]
    groups = grouped(report.findings)
    if groups:
        lines.append(f"{len(groups)} term{'s' if len(groups) != 1 else ''} to look at "
                     f"({len(report.findings)} in all):")
        for n, group in enumerate(groups, 1):
            lines += _term_entry(n, group, report, style, path)
    else:
        lines.append(f"{path + ': ' if path else ''}No jargon found.")
    lines += _style_lines(report, style, path)
    lines += [""] + _wrap(f"Jargon density: {report.density:.1%} of {report.words} words. "
                          f"Reading grade: {report.grade:g}. Reader: {report.audience}.", style)
    lines += _wrap(report.verdict, style, "  ", style.paint("Verdict: ", "1"))
    if report.findings:
        lines += ["", "Plainer version:"]
        if report.rewrite:
            for paragraph in report.rewrite.split("\n"):
                lines += _wrap(paragraph, style, "  ") if paragraph.strip() else [""]
            if report.rewrite_note:
                lines += _wrap(f"({report.rewrite_note})", style, "  ")
        else:
            lines += _wrap(f"none offered: {report.rewrite_note}", style, "  ")
    return "\n".join(lines)


def _style_lines(report: Report, style: Style, path: str | None) -> list[str]:
    if not report.style:
        return []
    lines = ["", "Style:"]
    for note in report.style:
        line, col = position(report.text, note.start)
        where = f"{path}:{line}:{col}: " if path else f"line {line}: " if "\n" in report.text \
            else ""
        lines += _wrap(f"{where}{note.kind}: {note.message}", style, "     ", "   - ")
    return lines
