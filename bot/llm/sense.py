"""Jargon sense judgement: is a word used in its IT sense in this sentence?

For words the jargon check cannot decide from context ("cloud", "migrate"). The answer
is advisory: None whenever there is no model, it fails, or it answers neither yes nor no,
and the caller then keeps its own decision.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from bot.llm import ModelError, get_model
from bot.llm.prompts import JARGON_SENSE, PromptError, render_prompt

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.llm import Model

log = logging.getLogger("cio_coach.llm")

SENSE_MAX_TOKENS = 4
_VERDICT = re.compile(r"^\W*(yes|no)\b", re.IGNORECASE)


def judge_sense(term: str, meaning: str, sentence: str, settings: Settings, *,
                model: Model | None = None) -> bool | None:
    """True: IT sense; False: everyday sense; None: no usable judgement."""
    model = model or get_model(settings)
    if model is None:
        return None
    try:
        prompt = render_prompt(settings, JARGON_SENSE, term=term, meaning=meaning,
                               sentence=sentence)
        reply = model.complete(prompt, max_tokens=SENSE_MAX_TOKENS,
                               timeout=settings.llm_timeout)
    except (PromptError, ModelError) as exc:
        log.warning("jargon sense judgement failed for %r: %s", term, exc)
        return None
    match = _VERDICT.match(reply)
    if match is None:
        log.info("jargon sense judgement for %r unclear: %r", term, reply[:80])
        return None
    return match.group(1).lower() == "yes"
