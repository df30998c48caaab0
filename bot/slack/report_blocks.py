"""Jargon reports in Block Kit: the full report when it fits one Slack message, else a
condensed one (the summary and the plain alternatives) with a button that opens the full
report (the draft with each term marked, and the suggested rewrite) in a modal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.slack.blocks import (
    ACTION_REWRITE,
    ACTION_SHOW_ALL,
    BLOCK_TEXT_LIMIT,
    MORE,
    Block,
    actions,
    block_text_size,
    button,
    context,
    escape,
    full_text_modal,
    section,
    sections,
)
from bot.text import clip

QUOTE_CHARS = 2800
CONDENSED_NOTE = ("The whole report (your draft with each term marked, and a suggested "
                  "rewrite) is too long for one Slack message: *Show the full report* "
                  "opens it.")


def _quote(text: str) -> str:
    return "\n".join("> " + line for line in escape(text.strip()).splitlines() if line.strip())


def highlight(draft: str, findings: Sequence[Any]) -> str:
    """The draft, escaped, with each finding's span in bold."""
    out: list[str] = []
    at = 0
    for f in sorted(findings, key=lambda f: (f.start, -f.end)):
        if f.start < at or f.end <= f.start:
            continue
        out.append(escape(draft[at:f.start]))
        span = escape(draft[f.start:f.end]).strip()
        out.append(f"*{span}*" if span else "")
        at = f.end
    out.append(escape(draft[at:]))
    return "".join(out)


def _finding_line(f: Any) -> str:
    line = f"• *{escape(f.term)}*"
    if getattr(f, "suggestion", ""):
        line += f" → {escape(f.suggestion)}"
    if getattr(f, "explanation", ""):
        line += f" — _{escape(f.explanation)}_"
    return line


def _unique_terms(findings: Sequence[Any]) -> list[Any]:
    seen: set[str] = set()
    unique = []
    for f in findings:
        key = f.term.lower()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def _summary(findings: Sequence[Any], report: Any) -> str:
    grade = getattr(report, "grade", "")
    density = getattr(report, "density", None)
    summary = f"*{len(findings)} jargon term{'s' if len(findings) != 1 else ''} found*"
    if isinstance(grade, int | float) and grade > 0:
        summary += f" · reading grade {grade:.0f}"
    if isinstance(density, int | float) and 0 < density <= 1:
        summary += f" · {density * 100:.0f} per 100 words"
    return summary


def full_report_mrkdwn(draft: str, report: Any) -> str:
    """The whole report as one mrkdwn text (for the modal)."""
    findings = list(getattr(report, "findings", []))
    parts = [_summary(findings, report), highlight(draft, findings),
             "*Plain alternatives*\n" + "\n".join(_finding_line(f)
                                                   for f in _unique_terms(findings))]
    rewrite = getattr(report, "rewrite", "") or ""
    if rewrite.strip():
        parts.append("*Suggested rewrite*\n" + _quote(rewrite))
    return "\n\n".join(parts)


def _noted(note: str) -> list[Block]:
    return [context(note)] if note else []


def jargon_blocks(draft: str, report: Any, *, rewrite_ref: str = "",
                  note: str = "") -> list[Block]:
    """The full report, with a rewrite button when `rewrite_ref` names the stored report,
    and `note` (mrkdwn, escaped: who it was checked for) under its first line. It may
    not fit a message: check with `fits` and use `condensed_blocks` then."""
    findings = list(getattr(report, "findings", []))
    if not findings:
        return [section(":white_check_mark: No IT jargon found. This reads plainly."),
                *_noted(note), section(_quote(clip(draft, QUOTE_CHARS)))]
    blocks = [section(_summary(findings, report)), *_noted(note)]
    blocks.extend(sections(highlight(draft, findings)))
    blocks.extend(sections("*Plain alternatives*\n" + "\n".join(
        _finding_line(f) for f in _unique_terms(findings))))
    rewrite = getattr(report, "rewrite", "") or ""
    if rewrite.strip():
        blocks.extend(sections("*Suggested rewrite*\n" + _quote(rewrite)))
    if rewrite_ref:
        blocks.append(actions(button("Rewrite in plain words", ACTION_REWRITE, rewrite_ref)))
    return blocks


def condensed_blocks(report: Any, *, full_ref: str, rewrite_ref: str = "",
                     note: str = "") -> list[Block]:
    """The summary (and `note`) and as many plain alternatives as fit, with "Show the full
    report"."""
    findings = list(getattr(report, "findings", []))
    buttons = [button("Show the full report", ACTION_SHOW_ALL, f"check:{full_ref}")]
    if rewrite_ref:
        buttons.append(button("Rewrite in plain words", ACTION_REWRITE, rewrite_ref))
    head = [section(_summary(findings, report)), *_noted(note)]
    tail = [context(CONDENSED_NOTE), actions(*buttons)]
    room = BLOCK_TEXT_LIMIT - block_text_size(head + tail) - 200
    lines, terms = ["*Plain alternatives*"], _unique_terms(findings)
    for f in terms:
        line = _finding_line(f)
        if len(line) + 1 > room:
            lines.append(f"{MORE} and {len(terms) - len(lines) + 1} more in the full report.")
            break
        lines.append(line)
        room -= len(line) + 1
    return head + sections("\n".join(lines))[:40] + tail


def full_report_modal(draft: str, report: Any) -> dict[str, Any]:
    view = full_text_modal("Jargon report", full_report_mrkdwn(draft, report))
    view["callback_id"] = "full_report"
    return view


def jargon_text(report: Any) -> str:
    n = len(getattr(report, "findings", []))
    return f"{n} jargon term{'s' if n != 1 else ''} found" if n else "No IT jargon found."
