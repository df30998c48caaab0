"""One model call as a feature makes it: streamed through the guard's watch, with every
failure turned into a short reason and a log line, never an exception.

Grounded answers, rewrites and word-sense judgements all call the model through
`attempt`, so a model can never take the answer or the check down with it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.llm.base import ModelError, ModelTimeout, OnText, StreamingModel
from bot.llm.guard import GuardRejected, StreamWatch
from bot.text import clip, squash

log = logging.getLogger("cio_coach.llm")

REASON_CHARS = 120


@dataclass(frozen=True)
class Attempt:
    text: str  # what the model wrote ("" when it failed)
    finish_reason: str | None = None
    failure: str | None = None  # why there is no usable text, when there is none


def attempt(model: StreamingModel, prompt: str, *, what: str, max_tokens: int,
            timeout: float, max_chars: int | None = None,
            on_text: OnText | None = None) -> Attempt:
    """Run `model` on `prompt`; the text, or the reason it failed (logged with `what`)."""
    watch = StreamWatch(on_text, max_chars=max_chars) if max_chars else on_text
    try:
        raw = model.complete(prompt, max_tokens=max_tokens, timeout=timeout, on_text=watch)
    except GuardRejected as exc:
        shown = watch.text[-300:] if isinstance(watch, StreamWatch) else ""
        log.warning("model %s rejected while streaming (%s) from %s: %r",
                    what, exc, model.name, shown)
        return Attempt("", failure=str(exc))
    except ModelTimeout as exc:
        log.warning("model timed out on %s (%s): %s", what, model.name, exc)
        return Attempt("", failure="timeout")
    except ModelError as exc:
        log.warning("model error on %s (%s): %s", what, model.name, exc, exc_info=True)
        return Attempt("", failure=f"model error: {short_reason(exc)}")
    except Exception as exc:
        log.exception("unexpected model failure on %s (%s)", what, model.name)
        return Attempt("", failure=f"model error: {type(exc).__name__}")
    return Attempt(str(raw), getattr(raw, "finish_reason", None))


def short_reason(exc: Exception) -> str:
    return clip(squash(str(exc)) or type(exc).__name__, REASON_CHARS)
