"""Answers to coaching questions, built from retrieved passages.

`answer_question` is the one entry point every adapter (CLI, Slack) calls. Without a
model the answer quotes the best sentences of the best passages; with a model
configured, `bot.llm.grounded.generate_answer` may phrase it, under the grounding guard.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.db import AnyDb


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


def answer_question(question: str, settings: Settings, *, db: AnyDb | None = None,
                    history: list[Turn] | None = None, k: int = 5) -> Answer:
    """The cited answer to `question` (quotes; phrased by a model when one is configured)."""
    from bot.db import connect
    from bot.knowledge import ensure_index
    from bot.retrieval import Retriever

    if db is None:
        db = connect(settings.db_path)
    ensure_index(db, settings.knowledge_dir)
    retriever = Retriever(db, settings.knowledge_dir)
    result = retriever.search(question, k=k)
    if history and _is_follow_up(question, result, settings.knowledge_dir):
        # "why?", "can you give me an example of that?": the earlier question carries the
        # topic.
        result = retriever.search(f"{history[-1].question} {question}", k=k)
        result.question = question
    quoted = quoted_answer(result, db)
    if settings.model_configured and quoted.answered:
        from bot.llm.grounded import generate_answer

        return generate_answer(quoted, settings, history=history)
    return quoted


def _is_follow_up(question: str, result, knowledge_dir) -> bool:
    """Too vague to stand alone, or not covered alone and worded as a follow-up."""
    from bot.text import follow_up_words, words

    if len(result.concepts) < VAGUE_FOLLOW_UP_CONCEPTS:
        return True
    return not result.confident and not follow_up_words(knowledge_dir).isdisjoint(
        words(question))


def quoted_answer(result, db=None) -> Answer:
    """An answer made only of quotations from the best passages."""
    if not result.confident:
        return Answer(result.question, False, decline_message(db))
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


def _quote(hit) -> str:
    """The one or two best sentences of a passage, in text order, trimmed to a length."""
    sentences = [s for s in hit.sentences if s.coverage > 0][:2] or hit.sentences[:1]
    top = sentences[0]
    keep = [top]
    if len(sentences) > 1 and sentences[1].coverage >= 0.5 * top.coverage:
        keep.append(sentences[1])
    keep.sort(key=lambda s: s.start)
    text = " … ".join(_trim(hit.text[s.start:s.end]) for s in keep)
    return _trim(text, MAX_QUOTE_CHARS * 2 if len(keep) > 1 else MAX_QUOTE_CHARS)


def _trim(text: str, limit: int = MAX_QUOTE_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(",;: ") + " …"


def decline_message(db=None) -> str:
    topics = _topics(db) if db is not None else []
    msg = ("The coaching texts don't cover that, so I won't guess. "
           "I can help with questions on being a CIO")
    if topics:
        msg += ", for example: " + "; ".join(topics) + "."
    else:
        msg += "."
    return msg


def _topics(db: AnyDb, limit: int = 6) -> list[str]:
    """Section names of the knowledge base: what the texts are about."""
    rows = db.execute("SELECT DISTINCT section FROM passages WHERE section != '' "
                      "ORDER BY source, ord").fetchall()
    out = []
    for (section,) in rows:
        label = re.sub(r"^\d+[.)]\s*", "", section).rstrip(".")
        if label and label.lower() not in (t.lower() for t in out):
            out.append(label[0].lower() + label[1:])
    return out[:limit]
