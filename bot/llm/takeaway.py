"""A passage's advice in one plain sentence, written by the model when a text has no
takeaways kept as data (the built-in texts do), and kept only when it passes the guard:
one complete sentence, short, not repetitive, and made of the passage's own words.
Without a model, or when the guard refuses, the passage has no takeaway and its quote
stands alone.
"""

from __future__ import annotations

import logging

from bot.config import Settings
from bot.llm import StreamingModel, get_model
from bot.llm.calls import attempt
from bot.llm.guard import is_cut_off, is_repetitive
from bot.llm.prompts import TAKEAWAY, PromptError, render_prompt
from bot.text import clip, content_stems, sentences, squash, stopwords

log = logging.getLogger("cio_coach.llm")

TAKEAWAY_MAX_TOKENS = 80
TAKEAWAY_MAX_CHARS = 300
PASSAGE_MAX_CHARS = 2000
MIN_GROUNDED_SHARE = 0.6  # of the takeaway's content words, this share must be the passage's


def grounding_problem(takeaway: str, passage: str, settings: Settings) -> str | None:
    """Why `takeaway` must not stand for `passage`, or None."""
    if not takeaway or len(takeaway) > TAKEAWAY_MAX_CHARS:
        return "empty or too long"
    if len(sentences(takeaway)) != 1 or is_cut_off(takeaway) or is_repetitive(takeaway):
        return "not one complete sentence"
    stop = stopwords(settings.knowledge_dir)
    own = set(content_stems(passage, stop))
    words = set(content_stems(takeaway, stop))
    if not words or len(words & own) / len(words) < MIN_GROUNDED_SHARE:
        return "words the passage does not use"
    return None


def write_takeaway(passage: str, settings: Settings, *,
                   model: StreamingModel | None = None) -> str:
    """The guarded takeaway of `passage`, or "" (logged) when there is none to trust."""
    model = model or get_model(settings)
    if model is None:
        return ""
    try:
        prompt = render_prompt(settings, TAKEAWAY,
                               passage=clip(squash(passage), PASSAGE_MAX_CHARS))
    except PromptError as exc:
        log.error("takeaway prompt unusable: %s", exc)
        return ""
    result = attempt(model, prompt, what="a takeaway", max_tokens=TAKEAWAY_MAX_TOKENS,
                     timeout=settings.model.timeout, max_chars=2 * TAKEAWAY_MAX_CHARS)
    text = squash(result.text)
    problem = result.failure or grounding_problem(text, passage, settings)
    if problem:
        log.info("no takeaway for a passage (%s): %r", problem, text[:200])
        return ""
    return text
