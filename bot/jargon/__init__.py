"""The jargon check: point at every term a non-technical reader would stumble on.

    from bot.jargon import check, format_text
    report = check("The ERP go-live slipped.")
    report.findings, report.density, report.grade, report.rewrite, report.to_json()

Team terms live in the shared state: `bot.storage` compiles a checker that includes
them; pass it as `check(text, checker=...)`.
"""

from __future__ import annotations

from functools import cache

from bot.jargon.matcher import Checker, Finding
from bot.jargon.report import Report, build_report, format_text
from bot.jargon.terms import Term, default_lists

__all__ = ["Checker", "Finding", "Report", "Term", "check", "default_checker", "format_text"]


@cache
def default_checker() -> Checker:
    """The built-in lists, compiled once per process."""
    return Checker(default_lists())


def check(text: str, *, checker: Checker | None = None) -> Report:
    return build_report((checker or default_checker()).scan(text))
