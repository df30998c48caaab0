"""A plain-language rewrite of a draft by the model, checked by the rewrite guard.

The deterministic substitution rewrite (`report.rewrite`, from `bot.jargon`) is the
fallback whenever there is no model, the model fails, or its rewrite fails the guard.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, NamedTuple

from bot.llm import ModelError, ModelTimeout, get_model
from bot.llm.guard import GuardRejected, StreamWatch, check_rewrite
from bot.llm.prompts import REWRITE, PromptError, render_prompt

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.llm import Model, OnText

log = logging.getLogger("cio_coach.llm")

MODEL = "model"
SUBSTITUTION = "substitution"
_LABEL = re.compile(r"^\s*(?:here is the )?rewritten draft:?\s*\n", re.IGNORECASE)


class RewriteResult(NamedTuple):
    text: str
    generated_by: str  # "model" or "substitution"
    guard: str | None  # why the model's rewrite was not used, when it was not


def format_terms(findings: list[Any]) -> str:
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


def rewrite_draft(report: Any, settings: Settings, *, model: Model | None = None,
                  checker: Any = None, on_text: OnText | None = None) -> RewriteResult:
    """The model's plain rewrite of `report.text` (a `bot.jargon.Report`) when it passes
    the guard, else `report.rewrite` with the reason in `guard`.

    `checker`: the jargon checker to re-check the rewrite with (team terms included);
    by default `bot.jargon`'s built-in lists.
    """
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
    watch = StreamWatch(on_text, max_chars=2 * len(report.text.strip()) + 80)
    try:
        raw = model.complete(prompt, max_tokens=max_tokens_for(report.text),
                             timeout=settings.llm_timeout, on_text=watch)
    except GuardRejected as exc:
        log.warning("model rewrite rejected while streaming (%s) from %s: %r",
                    exc, model.name, watch.text[-300:])
        return RewriteResult(fallback, SUBSTITUTION, str(exc))
    except ModelTimeout as exc:
        log.warning("model timed out on a rewrite (%s): %s", model.name, exc)
        return RewriteResult(fallback, SUBSTITUTION, "timeout")
    except ModelError as exc:
        log.warning("model error on a rewrite (%s): %s", model.name, exc, exc_info=True)
        return RewriteResult(fallback, SUBSTITUTION, f"model error: {exc}"[:140])
    except Exception as exc:  # a model must never take the check down with it
        log.exception("unexpected model failure on a rewrite (%s)", model.name)
        return RewriteResult(fallback, SUBSTITUTION, f"model error: {type(exc).__name__}")
    text = _clean(raw)
    reason = _guard(report, text, checker, getattr(raw, "finish_reason", None))
    if reason:
        log.warning("model rewrite rejected (%s) from %s: %r", reason, model.name, text[:500])
        return RewriteResult(fallback, SUBSTITUTION, reason)
    return RewriteResult(text, MODEL, None)


def _guard(report: Any, text: str, checker: Any, finish_reason: str | None) -> str | None:
    import bot.jargon

    try:
        still_flagged = [f.term for f in bot.jargon.check(text, checker=checker).findings]
    except Exception:
        log.exception("jargon re-check of a model rewrite failed")
        return "jargon re-check failed"
    return check_rewrite(report.text, text, [f.term for f in report.findings], still_flagged,
                         finish_reason=finish_reason)
