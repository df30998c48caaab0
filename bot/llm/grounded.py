"""Model-phrased answers, grounded in the retrieved passages and checked by the guard.

The quoted answer (passages already retrieved, best first) is the input and the
fallback: whatever goes wrong, the person gets the quoted answer and the log says why.
"""

from __future__ import annotations

import dataclasses
import logging
import re

from bot.answer import Answer, Citation, Turn
from bot.config import Settings
from bot.llm import OnText, StreamingModel, get_model
from bot.llm.calls import attempt
from bot.llm.guard import ANSWER_MAX_CHARS, CITATION, check_answer, cited_passages
from bot.llm.prompts import ANSWER, FOLLOWUP, PromptError, render_prompt
from bot.text import clip, squash

log = logging.getLogger("cio_coach.llm")

ANSWER_MAX_TOKENS = 256  # two to four sentences need about half
MAX_PASSAGES = 5
PASSAGE_MAX_CHARS = 700
HISTORY_TURNS = 3
HISTORY_MAX_CHARS = 400
# Reasoning models may write their deliberation inline before the answer.
_THINKING = re.compile(r"^\s*<think>.*?</think>", re.DOTALL)


def format_passages(citations: list[Citation]) -> str:
    return "\n\n".join(f"[{n}] ({c.locator or c.title}) {clip(squash(c.text), PASSAGE_MAX_CHARS)}"
                       for n, c in enumerate(citations, 1))


def format_history(history: list[Turn]) -> str:
    return "\n".join(f"Q: {clip(squash(t.question), HISTORY_MAX_CHARS)}\n"
                     f"A: {clip(squash(t.answer), HISTORY_MAX_CHARS)}"
                     for t in history[-HISTORY_TURNS:])


def build_prompt(question: str, citations: list[Citation], settings: Settings,
                 history: list[Turn] | None = None) -> str:
    passages = format_passages(citations)
    if history:
        return render_prompt(settings, FOLLOWUP, question=question, passages=passages,
                             history=format_history(history))
    return render_prompt(settings, ANSWER, question=question, passages=passages)


def renumber(text: str, cited: list[int]) -> str:
    """Rewrite [n] markers so they count 1, 2, ... over the cited passages only."""
    new_number = {old: new for new, old in enumerate(sorted(cited), 1)}

    def replace(match: re.Match[str]) -> str:
        numbers = cited_passages(match.group(0))
        return "[" + ", ".join(str(new_number[n]) for n in numbers) + "]"

    return CITATION.sub(replace, text)


def _fallback(quoted: Answer, reason: str) -> Answer:
    return dataclasses.replace(quoted, generated_by="quotes", guard=reason)


def generate_answer(quoted: Answer, settings: Settings, *,
                    model: StreamingModel | None = None, history: list[Turn] | None = None,
                    on_text: OnText | None = None) -> Answer:
    """A model-phrased answer citing the quoted answer's passages, or the quoted answer
    (with `guard` set to the reason) when the model fails or the guard rejects it."""
    if not quoted.answered or not quoted.citations:
        return quoted
    model = model or get_model(settings)
    if model is None:
        return quoted
    citations = quoted.citations[:MAX_PASSAGES]
    try:
        prompt = build_prompt(quoted.question, citations, settings, history)
    except PromptError as exc:
        log.error("answer prompt unusable: %s", exc)
        return _fallback(quoted, "prompt error")
    result = attempt(model, prompt, what="an answer", max_tokens=ANSWER_MAX_TOKENS,
                     timeout=settings.model.timeout, max_chars=ANSWER_MAX_CHARS,
                     on_text=on_text)
    if result.failure:
        return _fallback(quoted, result.failure)
    text = _THINKING.sub("", result.text).strip()
    reason = check_answer(text, len(citations), finish_reason=result.finish_reason)
    if reason:
        log.warning("model answer rejected (%s) from %s: %r", reason, model.name, text[:500])
        return _fallback(quoted, reason)
    cited = cited_passages(text)
    kept = [c for n, c in enumerate(citations, 1) if n in cited]
    return dataclasses.replace(quoted, answer=renumber(text, cited), citations=kept,
                               generated_by="model", guard=None)
