"""A plain-language rewrite of a draft by the model, checked by the rewrite guard.

The deterministic substitution rewrite (`report.rewrite`, from `bot.jargon`) is the
fallback whenever there is no model, the model fails, or its rewrite fails the guard.
"""

from __future__ import annotations

import logging
import re
from typing import NamedTuple

from bot.config import Settings
from bot.jargon import Checker, Finding, Report, check
from bot.llm import OnText, StreamingModel, get_model
from bot.llm.calls import attempt
from bot.llm.guard import check_rewrite
from bot.llm.prompts import REWRITE, PromptError, render_prompt

log = logging.getLogger("cio_coach.llm")

MODEL = "model"
SUBSTITUTION = "substitution"
_LABEL = re.compile(r"^\s*(?:here is the )?rewritten draft:?\s*\n", re.IGNORECASE)


class RewriteResult(NamedTuple):
    text: str
    generated_by: str  # "model" or "substitution"
    guard: str | None  # why the model's rewrite was not used, when it was not


def format_terms(findings: list[Finding]) -> str:
    lines: dict[str, str] = {}
    for f in findings:
        key = f.term.lower()
        if key in lines:
            continue
        parts = [f"- {f.term}"]
        if f.suggestion:
            parts.append(f": suggested plain words: {f.suggestion}")
        if f.explanation:
            parts.append(f" (meaning: {f.explanation})")
        lines[key] = "".join(parts)
    return "\n".join(lines.values())


def max_tokens_for(draft: str) -> int:
    # The guard allows twice the draft's length; about four characters a token.
    return min(2048, max(64, len(draft) // 2 + 32))


def _clean(text: str) -> str:
    return _LABEL.sub("", text.strip(), count=1).strip()


def rewrite_draft(report: Report, settings: Settings, *, model: StreamingModel | None = None,
                  checker: Checker | None = None, on_text: OnText | None = None
                  ) -> RewriteResult:
    """The model's plain rewrite of `report.text` from the findings in `report` (the ones
    the person was shown) when it passes the guard, else `report.rewrite` with the reason
    in `guard`. `checker` re-checks the rewrite (team terms included), for the report's
    audience."""
    fallback = report.rewrite
    if not report.findings:
        return RewriteResult(fallback, SUBSTITUTION, None)
    model = model or get_model(settings)
    if model is None:
        return RewriteResult(fallback, SUBSTITUTION, None)
    try:
        prompt = render_prompt(settings, REWRITE, draft=report.text,
                               terms=format_terms(report.findings))
    except PromptError as exc:
        log.error("rewrite prompt unusable: %s", exc)
        return RewriteResult(fallback, SUBSTITUTION, "prompt error")
    result = attempt(model, prompt, what="a rewrite", max_tokens=max_tokens_for(report.text),
                     timeout=settings.model.timeout,
                     max_chars=2 * len(report.text.strip()) + 80, on_text=on_text)
    if result.failure:
        return RewriteResult(fallback, SUBSTITUTION, result.failure)
    text = _clean(result.text)
    reason = _guard(report, text, checker, result.finish_reason)
    if reason:
        log.warning("model rewrite rejected (%s) from %s: %r", reason, model.name, text[:500])
        return RewriteResult(fallback, SUBSTITUTION, reason)
    return RewriteResult(text, MODEL, None)


def _guard(report: Report, text: str, checker: Checker | None,
           finish_reason: str | None) -> str | None:
    try:
        # For the readers the draft was checked for: a term they know stays allowed.
        still_flagged = [f.term for f in check(text, checker=checker,
                                               audience=report.audience or None).findings]
    except Exception:
        log.exception("jargon re-check of a model rewrite failed")
        return "jargon re-check failed"
    return check_rewrite(report.text, text, [f.term for f in report.findings], still_flagged,
                         finish_reason=finish_reason)
