"""Answers to coaching questions, built from retrieved passages.

An answer leads with one plain sentence saying what the best passage advises (its
takeaway), then quotes the sentence or two that support it, with citations. A second or
third passage is cited only when nearly as relevant as the first. Bare headings and cut
fragments are never quoted. A decline says what was not covered and offers questions the
texts answer well. `bot.service.Coach.ask` is the entry point every adapter calls; a
model may phrase the answer later (`bot.llm.grounded`), always from these citations.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.asks import Ask
from bot.retrieval import Hit, SearchResult, SentenceScore
from bot.text import (
    clip,
    content_stems,
    follow_up_words,
    load_word_list,
    retrieval_data,
    squash,
    stem,
    stopwords,
    words,
)

MAX_QUOTES = 3
MAX_QUOTE_CHARS = 320
NEARLY_AS_RELEVANT = 0.7  # a further passage is cited only at this share of the best score
FOLLOW_UP_SHARE = 0.9  # a follow-up stays with the passages nearest the thread's topic
SECOND_SENTENCE_GAP = 0.05
# A further passage is quoted only when its best sentence is nearly as apt as the first's.
SECONDARY_SENTENCE_SHARE = 0.6  # chosen on the real-style sets (bench/bench_answers.py)
VAGUE_FOLLOW_UP_CONCEPTS = 2
FOLLOW_UP_TOPIC_WORDS = 2  # "a concrete example of that": too little topic to stand alone
EXAMPLES_OFFERED = 3
_EXAMPLE_CUES = ("for example", "example", "for instance", "i once", "such as")


@dataclass
class Citation:
    source: str  # file name inside the knowledge folder
    title: str  # document title
    locator: str  # "Title › Section › ¶N": something a person can follow
    text: str  # the passage text
    score: float
    passage_id: int = 0
    quote: str = ""  # the sentences quoted from this passage in the answer
    takeaway: str = ""  # what the passage advises, in one plain sentence

    def to_json(self) -> dict[str, Any]:
        data = {"source": self.source, "title": self.title, "locator": self.locator,
                "text": self.text, "score": round(self.score, 4)}
        if self.takeaway:
            data["takeaway"] = self.takeaway
        return data


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
    takeaway: str = ""  # the plain statement the answer leads with
    # "answer", "decline", "small_talk", "needs_context" (a follow-up with no thread),
    # "nothing_more" (a follow-up with nothing left to show)
    kind: str = "answer"
    not_covered: list[str] = field(default_factory=list)  # asks of the post left unanswered

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "question": self.question,
            "answered": self.answered,
            "answer": self.answer,
            "citations": [c.to_json() for c in self.citations],
            "generated_by": self.generated_by,
            "takeaway": self.takeaway or None,
            "kind": self.kind,
        }
        if self.guard:
            data["guard"] = self.guard
        if self.not_covered:
            data["not_covered"] = self.not_covered
        return data


def is_follow_up(question: str, result: SearchResult, knowledge_dir: Path) -> bool:
    """Too vague to stand alone, or worded as a follow-up ("an example of that") with
    little topic of its own, or not covered alone and worded as a follow-up."""
    if len(result.concepts) < VAGUE_FOLLOW_UP_CONCEPTS:
        return True
    marks = follow_up_words(knowledge_dir)
    if marks.isdisjoint(words(question)):
        return False
    topic = set(content_stems(question, stopwords(knowledge_dir))) - {
        stem(w) for w in marks}
    return len(topic) <= FOLLOW_UP_TOPIC_WORDS or not result.confident


def shown_in(history: list[Turn]) -> set[str]:
    """The sentences earlier answers quoted (normalised), so a follow-up shows new ones."""
    quotes = re.findall(r"“([^”]*)”", "\n".join(t.answer for t in history))
    return {_norm(part).rstrip("…").rstrip() for q in quotes for part in q.split(" … ")
            if part.strip()}


def wants_example(question: str) -> bool:
    return any(w in ("example", "examples", "instance", "illustrate") for w in words(question))


# --- quoting ----------------------------------------------------------------------------

def _norm(text: str) -> str:
    return squash(text).lower()


def _was_shown(sentence: str, shown: set[str]) -> bool:
    """Shown whole, or shown clipped (a quote cut to length is a prefix of it)."""
    return sentence in shown or any(q and sentence.startswith(q) for q in shown)


def _choose_sentences(hit: Hit, shown: set[str], prefer_example: bool) -> list[SentenceScore]:
    candidates = [s for s in hit.sentences if s.quotable
                  and not _was_shown(_norm(hit.text[s.start:s.end]), shown)]
    if prefer_example:
        candidates.sort(key=lambda s: not any(
            cue in hit.text[s.start:s.end].lower() for cue in _EXAMPLE_CUES))
    if not candidates:
        return []
    keep = [candidates[0]]
    if len(candidates) > 1 and candidates[1].score >= candidates[0].score - SECOND_SENTENCE_GAP:
        keep.append(candidates[1])
    return sorted(keep, key=lambda s: s.start)


def _quote(hit: Hit, chosen: list[SentenceScore]) -> str:
    text = " … ".join(clip(squash(hit.text[s.start:s.end]), MAX_QUOTE_CHARS) for s in chosen)
    return clip(text, MAX_QUOTE_CHARS * 2 if len(chosen) > 1 else MAX_QUOTE_CHARS)


def quoted_answer(result: SearchResult, examples: list[str], *,
                  shown: set[str] | None = None, prefer_example: bool = False) -> Answer:
    """The takeaway and quotes of the best passages, or a decline. `shown`: sentences
    already shown in the conversation (normalised): never quoted again, and the answer
    stays with the passages nearest the thread's topic."""
    if not result.confident:
        return decline(result.ask, examples)
    share = FOLLOW_UP_SHARE if shown else NEARLY_AS_RELEVANT
    shown = shown or set()
    best = result.hits[0].score
    citations, lines = [], []
    lead_sentence = 0.0
    for hit in result.hits:
        if len(citations) == MAX_QUOTES or hit.score < share * best:
            break
        chosen = _choose_sentences(hit, shown, prefer_example)
        if not chosen or (citations and max(c.score for c in chosen) <
                          SECONDARY_SENTENCE_SHARE * lead_sentence):
            continue
        if not citations:
            lead_sentence = max(c.score for c in chosen)
        quote = _quote(hit, chosen)
        citations.append(Citation(source=hit.source, title=hit.title, locator=hit.locator,
                                  text=hit.text, score=hit.score, passage_id=hit.passage_id,
                                  quote=quote, takeaway=hit.takeaway))
        lines.append(f"“{quote}” [{len(citations)}]")
    if not citations:
        return nothing_more(result.question, examples)
    takeaway = citations[0].takeaway
    lines += [f"The texts don't cover “{clip(squash(ask), 120)}”, so that part is left out."
              for ask in result.not_covered]
    text = "\n".join(([takeaway] if takeaway else []) + lines)
    return Answer(result.question, True, text, citations, takeaway=takeaway,
                  not_covered=list(result.not_covered))


# --- when there is no answer ----------------------------------------------------------------

def example_questions(knowledge_dir: Path) -> list[str]:
    """Questions the texts answer well (data; tests check each one is answered)."""
    return list(_example_questions(knowledge_dir))


@lru_cache(maxsize=4)
def _example_questions(knowledge_dir: Path) -> tuple[str, ...]:
    return tuple(load_word_list(retrieval_data(knowledge_dir, "example-questions.txt")))


def pick_examples(examples: list[str], seed: str, n: int = EXAMPLES_OFFERED) -> list[str]:
    """`n` of the examples, varied by `seed` so a person does not see the same three."""
    if len(examples) <= n:
        return list(examples)
    start = hashlib.sha1(seed.lower().encode("utf-8")).digest()[0] % len(examples)
    return [examples[(start + i) % len(examples)] for i in range(n)]


def _bullets(questions: list[str]) -> str:
    return "\n".join(f"• {q}" for q in questions)


def decline(ask: Ask, examples: list[str]) -> Answer:
    asked = clip(squash(ask.focus), 120)
    lines = [f"The coaching texts don't cover “{asked}”, so I won't guess."]
    if ask.long or ask.focus.count("?") > 1:
        lines.append("Your message asks several things at once: ask me one at a time and I "
                     "can point you to the passage that fits.")
    lines.append("Questions I can answer, for example:\n"
                 + _bullets(pick_examples(examples, ask.text)))
    return Answer(ask.text, False, "\n".join(lines), kind="decline")


SMALL_TALK = {
    "greeting": "Hi! I coach IT leaders from two advice texts on being a good CIO, and I "
                "quote the passage behind every answer.",
    "thanks": "Glad to help. Ask me another one whenever you like.",
    "capabilities": "I answer questions on leading IT from two advice texts on being a good "
                    "CIO, quoting the passage behind every answer, and I can check a draft "
                    "for IT jargon before it goes to non-technical colleagues.",
}


def small_talk(ask: Ask, examples: list[str]) -> Answer:
    text = SMALL_TALK[ask.small_talk] + "\nFor example:\n" + _bullets(
        pick_examples(examples, ask.text))
    return Answer(ask.text, False, text, kind="small_talk")


def needs_context(question: str, examples: list[str]) -> Answer:
    text = (f"“{clip(squash(question), 60)}” follows up on something, but here there is no "
            "earlier question to follow: the command line keeps no conversation. Ask the "
            "whole question, for example:\n" + _bullets(pick_examples(examples, question)))
    return Answer(question, False, text, kind="needs_context")


def nothing_more(question: str, examples: list[str]) -> Answer:
    text = ("That is all the texts say on this: I have shown you every passage that fits. "
            "Ask me about something else, for example:\n"
            + _bullets(pick_examples(examples, question)))
    return Answer(question, False, text, kind="nothing_more")
