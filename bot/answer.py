"""Answers to coaching questions, built from retrieved passages: quotes and citations.

`bot.service.ask` is the entry point every adapter calls; this module only turns a
search result into a quoted answer or a decline. A model may phrase the answer later
(`bot.llm.grounded`), always from these citations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.retrieval import Hit, SearchResult
from bot.text import clip, follow_up_words, squash, words


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


# --- building answers -------------------------------------------------------------------

MAX_QUOTES = 3
MAX_QUOTE_CHARS = 320
RELATIVE_CUTOFF = 0.6  # further passages are cited only when nearly as good as the best
VAGUE_FOLLOW_UP_CONCEPTS = 2


def is_follow_up(question: str, result: SearchResult, knowledge_dir: Path) -> bool:
    """Too vague to stand alone, or not covered alone and worded as a follow-up."""
    if len(result.concepts) < VAGUE_FOLLOW_UP_CONCEPTS:
        return True
    return not result.confident and not follow_up_words(knowledge_dir).isdisjoint(
        words(question))


def quoted_answer(result: SearchResult, topics: list[str]) -> Answer:
    """An answer made only of quotations from the best passages; `topics` (section
    names) are offered when the question is declined."""
    if not result.confident:
        return Answer(result.question, False, decline_message(topics))
    best = result.hits[0].score
    chosen = [h for h in result.hits if h.score >= RELATIVE_CUTOFF * best][:MAX_QUOTES]
    citations = []
    lines = []
    for n, hit in enumerate(chosen, 1):
        quote = _quote(hit)
        citations.append(Citation(source=hit.source, title=hit.title, locator=hit.locator,
                                  text=hit.text, score=hit.score, passage_id=hit.passage_id,
                                  quote=quote))
        lines.append(f"“{quote}” [{n}]")
    return Answer(result.question, True, "\n".join(lines), citations)


def _quote(hit: Hit) -> str:
    """The one or two best sentences of a passage, in text order, trimmed to a length."""
    sentences = [s for s in hit.sentences if s.coverage > 0][:2] or hit.sentences[:1]
    top = sentences[0]
    keep = [top]
    if len(sentences) > 1 and sentences[1].coverage >= 0.5 * top.coverage:
        keep.append(sentences[1])
    keep.sort(key=lambda s: s.start)
    text = " … ".join(clip(squash(hit.text[s.start:s.end]), MAX_QUOTE_CHARS) for s in keep)
    return clip(text, MAX_QUOTE_CHARS * 2 if len(keep) > 1 else MAX_QUOTE_CHARS)


def decline_message(sections: list[str]) -> str:
    topics = topic_names(sections)
    msg = ("The coaching texts don't cover that, so I won't guess. "
           "I can help with questions on being a CIO")
    if topics:
        msg += ", for example: " + "; ".join(topics) + "."
    else:
        msg += "."
    return msg


def topic_names(sections: list[str], limit: int = 6) -> list[str]:
    """Section names as topics a person could ask about."""
    out: list[str] = []
    for section in sections:
        label = re.sub(r"^\d+[.)]\s*", "", section).rstrip(".")
        if label and label.lower() not in (t.lower() for t in out):
            out.append(label[0].lower() + label[1:])
    return out[:limit]
