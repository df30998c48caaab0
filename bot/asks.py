"""What a message asks: the ask sentences of a long post (not its backstory), small talk
(greetings, thanks, "what can you do?"), and bare follow-ups ("why?").

People write backstory first and ask last, or ask several things in one post. Retrieval
weighs the ask sentences above the backstory, and the scope decision looks at the ask
alone, so a long post is answered when its ask is covered and declined when it is not.
The words that mark each kind are data (`knowledge/retrieval/*.tsv`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.text import follow_up_words, load_word_list, retrieval_data, split_sentences, words

# A question mark ends an ask even without a space after it ("what now??Thanks").
_QUESTION_MARKS = re.compile(r"\?+")
_LEADING_FILLER = ("so", "and", "but", "anyway", "basically", "ok", "okay", "also", "tldr",
                   "tl", "dr", "q", "question", "edit", "update", "ps", "then", "now")
LONG_POST_WORDS = 60
BARE_FOLLOW_UP_WORDS = 4


@dataclass(frozen=True)
class Ask:
    text: str  # the whole message
    focus: str  # the ask sentences, or the whole message when none stands out
    backstory: str  # everything else
    small_talk: str = ""  # "greeting", "thanks", "capabilities" or ""
    bare_follow_up: bool = False  # "why?", "an example?": meaningless without a thread
    asks: tuple[str, ...] = ()  # the ask sentences one by one (several in a multi-ask post)

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def long(self) -> bool:
        return self.words > LONG_POST_WORDS

    @property
    def has_backstory(self) -> bool:
        return bool(self.backstory.strip())


@lru_cache(maxsize=4)
def _ask_openers(knowledge_dir: Path) -> tuple[tuple[str, ...], ...]:
    """Word sequences that open an ask ("how do", "any advice", "should i")."""
    return tuple(tuple(line.lower().split())
                 for line in load_word_list(retrieval_data(knowledge_dir, "ask-openers.tsv")))


@lru_cache(maxsize=4)
def _small_talk(knowledge_dir: Path) -> dict[tuple[str, ...], str]:
    """Whole messages that are small talk, by kind: "hi there" -> "greeting"."""
    kinds: dict[tuple[str, ...], str] = {}
    for line in load_word_list(retrieval_data(knowledge_dir, "small-talk.tsv")):
        kind, _, phrase = line.partition("\t")
        kinds[tuple(words(phrase))] = kind.strip()
    return kinds


def _without_filler(tokens: list[str]) -> list[str]:
    start = 0
    while start < len(tokens) and tokens[start] in _LEADING_FILLER:
        start += 1
    return tokens[start:]


def _is_ask(sentence: str, openers: tuple[tuple[str, ...], ...]) -> bool:
    if sentence.rstrip().endswith("?"):
        return True
    tokens = _without_filler(words(sentence))
    return any(tuple(tokens[:len(o)]) == o for o in openers)


def _sentences(text: str) -> list[str]:
    """Sentences, with a question mark always ending one."""
    out: list[str] = []
    for a, b in split_sentences(text):
        chunk = text[a:b]
        pieces = _QUESTION_MARKS.split(chunk)
        marks = _QUESTION_MARKS.findall(chunk)
        for n, piece in enumerate(pieces):
            piece = piece.strip()
            if piece:
                out.append(piece + ("?" if n < len(marks) else ""))
    return out


def small_talk_kind(text: str, knowledge_dir: Path) -> str:
    """"greeting", "thanks" or "capabilities" when the whole message is that, else ""."""
    tokens = tuple(words(text))
    if not tokens or len(tokens) > 8:
        return ""
    return _small_talk(knowledge_dir).get(tokens, "")


def read_ask(text: str, knowledge_dir: Path) -> Ask:
    """Split `text` into what it asks and the backstory around it."""
    sentences = _sentences(text)
    openers = _ask_openers(knowledge_dir)
    asks = [s for s in sentences if _is_ask(s, openers)]
    if not asks or len(asks) == len(sentences):
        focus, backstory = text.strip(), ""
    else:
        focus = " ".join(asks)
        backstory = " ".join(s for s in sentences if s not in asks)
    tokens = words(text)
    bare = 0 < len(tokens) <= BARE_FOLLOW_UP_WORDS and set(tokens) <= (
        follow_up_words(knowledge_dir) | {"that", "this", "it", "more", "a", "an", "the"})
    return Ask(text=text, focus=focus, backstory=backstory,
               small_talk=small_talk_kind(text, knowledge_dir), bare_follow_up=bare,
               asks=tuple(asks))
