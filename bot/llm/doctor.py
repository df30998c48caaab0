"""`cio-coach doctor` section "model": which backend, whether it answers, how fast.

Never prints the API key: only whether one is set.
"""

from __future__ import annotations

import time

from bot.config import Settings
from bot.health import Check
from bot.llm import ModelError, get_model
from bot.llm.openai_compat import display_url

SECTION = "model"
PING_PROMPT = "Reply with the single word: ready"
PING_MAX_TOKENS = 8
PING_TIMEOUT = 30.0


def _redact(text: str, secret: str) -> str:
    return text.replace(secret, "***") if secret else text


def _backend_check(settings: Settings) -> Check:
    config = settings.model
    if config.model_path:
        return Check(SECTION, "backend", True,
                     f"local llama-cpp-python, LLM_MODEL_PATH={config.model_path}")
    key = "API key set" if config.api_key else "no API key"
    return Check(SECTION, "backend", True,
                 f"OpenAI-compatible {display_url(config.base_url)}, "
                 f"model {config.model}, {key}")


def _load_check(model) -> Check:
    if model.loaded:
        return Check(SECTION, "load", True, f"already loaded in {model.load_seconds:.2f} s")
    started = time.perf_counter()
    try:
        model.load()
    except ModelError as exc:
        return Check(SECTION, "load", False, str(exc))
    return Check(SECTION, "load", True, f"loaded in {time.perf_counter() - started:.2f} s")


def checks(settings: Settings) -> list[Check]:
    if not settings.model_configured:
        detail = "none configured: answers quote their sources"
        if settings.model.base_url and not settings.model.model:
            detail = "LLM_BASE_URL is set but LLM_MODEL is not: " + detail
        return [Check(SECTION, "backend", None, detail)]
    result = [_backend_check(settings)]
    timeout = min(settings.model.timeout, PING_TIMEOUT)
    model = get_model(settings)
    if getattr(model, "load", None) is not None:  # time the load apart from the completion
        load_check = _load_check(model)
        result.append(load_check)
        if not load_check.ok:
            return result
    try:
        started = time.perf_counter()
        reply = model.complete(PING_PROMPT, max_tokens=PING_MAX_TOKENS, timeout=timeout)
        elapsed = time.perf_counter() - started
    except ModelError as exc:
        message = _redact(str(exc), settings.model.api_key)
        result.append(Check(SECTION, "answers", False, message))
        return result
    reply = " ".join(reply.split())
    if not reply:
        result.append(Check(SECTION, "answers", False, f"empty reply after {elapsed:.2f} s"))
    else:
        shown = _redact(reply[:40], settings.model.api_key)
        result.append(Check(SECTION, "answers", True,
                            f"short completion in {elapsed:.2f} s: {shown!r}"))
    return result
