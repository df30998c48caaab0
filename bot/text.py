"""Words, stems, sentences and trimming: the text processing every part shares.

`split_sentences` is the program's one sentence splitter and `clip` its one way of
shortening text for display.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import Stemmer

from bot.config import DEFAULT_KNOWLEDGE_DIR

_WORD = re.compile(r"[a-z0-9]+")
# A sentence ends at . ! ? ; or a line break, followed by space; quotes may close it.
_SENTENCE_END = re.compile(r"(?<=[.!?;])([\"'”’)]*)\s+|\n\s*")
_LIST_NUMBER = re.compile(r"\d{1,3}[.)]")
_stemmer = Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'"))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


def stems(text: str) -> list[str]:
    return [stem(w) for w in words(text)]


def load_word_list(path: Path) -> list[str]:
    """Lines of a data file, without comments (#) and blank lines."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(line)
    return out


def retrieval_data(knowledge_dir: Path, name: str) -> Path:
    """A data file of `knowledge/retrieval/`; a knowledge folder without one (a deployment
    that only brings its own texts) falls back to the repository's."""
    path = knowledge_dir / "retrieval" / name
    return path if path.is_file() else DEFAULT_KNOWLEDGE_DIR / "retrieval" / name


@lru_cache(maxsize=4)
def stopwords(knowledge_dir: Path = DEFAULT_KNOWLEDGE_DIR) -> frozenset[str]:
    """Stems of words that carry no topic (function words and question words)."""
    path = retrieval_data(knowledge_dir, "stopwords.tsv")
    items: set[str] = set()
    for line in load_word_list(path):
        for w in line.split():
            items.add(stem(w.lower()))
            items.add(w.lower())
    return frozenset(items)


@lru_cache(maxsize=4)
def follow_up_words(knowledge_dir: Path = DEFAULT_KNOWLEDGE_DIR) -> frozenset[str]:
    path = retrieval_data(knowledge_dir, "follow-up-words.tsv")
    return frozenset(w.lower() for line in load_word_list(path) for w in line.split())


@lru_cache(maxsize=4)
def _frequency_table_text(knowledge_dir: Path) -> str:
    """The word-frequency file, read once a process for the table and for `zipf_of`."""
    return "\n" + retrieval_data(knowledge_dir, "word-frequency.tsv").read_text("utf-8")


@lru_cache(maxsize=4)
def word_frequencies(knowledge_dir: Path = DEFAULT_KNOWLEDGE_DIR) -> dict[str, float]:
    """How common English words are (Zipf scale: 7 "the", 3 rare), from the data file."""
    freqs = {}
    for line in _frequency_table_text(knowledge_dir).splitlines():
        if line and not line.startswith("#"):
            word, _, zipf = line.partition("\t")
            freqs[word] = float(zipf)
    return freqs


def zipf_of(word: str, knowledge_dir: Path = DEFAULT_KNOWLEDGE_DIR) -> float:
    """One word's figure in `word_frequencies` (0.0 when absent), found in the file's text
    without building the whole table: a question needs a handful of words, and parsing
    29,000 lines costs a one-shot `ask` tens of milliseconds."""
    if word_frequencies.cache_info().currsize:  # built already: the dict is cheaper
        return word_frequencies(knowledge_dir).get(word, 0.0)
    if not word or "\n" in word or "\t" in word:
        return 0.0
    text = _frequency_table_text(knowledge_dir)
    at = text.find(f"\n{word}\t")
    if at < 0:
        return 0.0
    figure = at + len(word) + 2
    return float(text[figure:text.find("\n", figure)])


def is_common_word(word: str, min_zipf: float = 3.5) -> bool:
    """An everyday English word ("urgent", "note"), whatever its case."""
    return word_frequencies().get(word.lower(), 0.0) >= min_zipf


def content_stems(text: str, stop: frozenset[str]) -> list[str]:
    return [s for s in stems(text) if s not in stop]


ELLIPSIS = "…"


def squash(text: str) -> str:
    """Whitespace runs (line breaks included) folded to single spaces."""
    return " ".join(text.split())


def clip(text: str, limit: int) -> str:
    """`text` in at most `limit` characters: cut at a word boundary when one lies in the
    last half, and marked with an ellipsis."""
    if len(text) <= limit:
        return text
    room = max(0, limit - len(ELLIPSIS))
    cut = text.rfind(" ", 0, room + 1)
    head = text[:cut] if cut > room // 2 else text[:room]
    return head.rstrip(" ,;:") + ELLIPSIS


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence of `text` that holds [start, end) (several, if the span crosses)."""
    spans = split_sentences(text)
    first = next((a for a, b in spans if b > start), start)
    last = next((b for a, b in reversed(spans) if a < end), end)
    return text[min(first, start):max(last, end)].strip()


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of `text` (whitespace trimmed)."""
    spans = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        closing = m.group(1)
        spans.append((start, m.start() + len(closing) if closing is not None else m.start()))
        start = m.end()
    spans.append((start, len(text)))
    out: list[tuple[int, int]] = []
    for a, b in spans:
        chunk = text[a:b]
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk.rstrip())
        if trail <= lead:
            continue
        if out and _LIST_NUMBER.fullmatch(text[out[-1][0]:out[-1][1]]):
            out[-1] = (out[-1][0], a + trail)  # "3." numbers the sentence after it
        else:
            out.append((a + lead, a + trail))
    return out
