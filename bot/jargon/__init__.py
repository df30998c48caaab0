"""The jargon check: point at every term a non-technical reader would stumble on.

    from bot.jargon import check, format_text
    report = check("The ERP go-live slipped.", audience="finance")
    report.findings, report.style, report.verdict, report.rewrite, report.to_json()

Team terms live in the shared state: `bot.storage` compiles a checker that includes
them; pass it as `check(text, checker=...)`. The lists come from a knowledge folder:
`default_checker(knowledge_dir)` (the repository's by default).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from bot.jargon.compiled import use_compiled_modules

use_compiled_modules(__path__)  # before the modules below are imported

from bot.config import DEFAULT_KNOWLEDGE_DIR  # noqa: E402
from bot.jargon.audiences import AUDIENCES, AudienceError  # noqa: E402
from bot.jargon.findings import Finding  # noqa: E402
from bot.jargon.matcher import Checker  # noqa: E402
from bot.jargon.report import Report, build_report, format_text  # noqa: E402
from bot.jargon.terms import Term, default_lists  # noqa: E402

__all__ = ["AUDIENCES", "AudienceError", "Checker", "Finding", "Report", "Term", "check",
           "default_checker", "format_text"]


@cache
def default_checker(knowledge_dir: Path = DEFAULT_KNOWLEDGE_DIR) -> Checker:
    """The built-in lists of `knowledge_dir`, compiled once per process."""
    return Checker(default_lists(knowledge_dir))


def check(text: str, *, checker: Checker | None = None, audience: str | None = None) -> Report:
    """Check a draft for `audience` (general, finance, operations, sales, executive; None:
    the readers the opening line names, or the trade whose words the draft uses, else
    general). Raises AudienceError for an unknown audience."""
    checker = checker or default_checker()
    return build_report(checker.scan(text, audience), checker)
