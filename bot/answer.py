"""Answers to coaching questions, built from retrieved passages.

`answer_question` is the one entry point every adapter (CLI, Slack) calls. Without a
model the answer quotes the best sentences of the best passages; with a model
configured, `bot.llm.grounded.generate_answer` may phrase it, under the grounding guard.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Citation:
    source: str  # file name inside the knowledge folder
    title: str  # document title
    locator: str  # "Title › Section › ¶N": something a person can follow
    text: str  # the passage text
    score: float
    passage_id: int = 0
    quote: str = ""  # the sentences quoted from this passage in the answer

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "title": self.title, "locator": self.locator,
                "text": self.text, "score": round(self.score, 4)}


@dataclass
class Turn:
    """One earlier exchange of a conversation (DM thread), oldest first."""

    question: str
    answer: str


@dataclass
class Answer:
    question: str
    answered: bool
    answer: str
    citations: list[Citation] = field(default_factory=list)
    generated_by: str = "quotes"  # "quotes" or "model"
    guard: str | None = None  # why a model answer was rejected, when it was

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "question": self.question,
            "answered": self.answered,
            "answer": self.answer,
            "citations": [c.to_json() for c in self.citations],
            "generated_by": self.generated_by,
        }
        if self.guard:
            data["guard"] = self.guard
        return data
