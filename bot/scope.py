"""Is this ask one the texts answer? A nearest-neighbour decision in meaning.

On one side, what the texts say (their takeaways and the sentences of the best passages);
on the other, asks they do not answer, kept as data by kind (`out-of-scope.tsv`: pay,
certifications, titles, budgets and ratios, vendor choice, contracts, org charts,
technical how-to, interviews and policies). An ask nearer to the second side than to the
first, by a margin, is declined, even when its topic words (CIO, ERP, team) fill the
texts. The ask sentences decide; the whole post must agree, so a backstory that is on
topic can keep a short ask in. An ask too vague to judge alone ("how do I stop this?")
is judged by the whole post. A post that is near nothing in the texts is declined too.

The margins were calibrated on tests/data/questions_real.jsonl and the older sets
(bench/bench_retrieval.py prints what each setting declines); the blind sets were not used.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.asks import Ask
from bot.knowledge import KnowledgeIndex
from bot.text import content_stems, follow_up_words, load_word_list, retrieval_data, stopwords

MARGIN = 0.03  # how much nearer to an unanswered ask the ask sentences must be
WHOLE_POST_SLACK = 0.1  # the whole post may lean less far, but must not lean the other way
MIN_RELEVANCE = 0.12  # below this best semantic score nothing in the texts is near
VAGUE_WORDS = 2  # an ask with this few content words is judged by the whole post


@dataclass(frozen=True)
class ScopeModel:
    unanswered: np.ndarray  # one row per ask the texts do not answer
    asks: tuple[str, ...]
    knowledge_dir: Path

    def lean(self, vector: np.ndarray, said: list[np.ndarray]) -> float:
        """How much nearer `vector` is to an unanswered ask than to what the texts say."""
        outside = float((self.unanswered @ vector).max()) if len(self.unanswered) else -1.0
        inside = max((float((m @ vector).max()) for m in said if len(m)), default=-1.0)
        return outside - inside

    def is_vague(self, ask: Ask) -> bool:
        stop = stopwords(self.knowledge_dir) | follow_up_words(self.knowledge_dir)
        return len(set(content_stems(ask.focus, stop))) <= VAGUE_WORDS

    def decline_reason(self, ask: Ask, full: np.ndarray, focus: np.ndarray,
                       said: list[np.ndarray], *, best: float) -> str:
        """"off_topic", "unrelated" or "" (answer it)."""
        whole = self.lean(full, said)
        if ask.focus == ask.text or self.is_vague(ask):
            off_topic = whole > MARGIN
        else:
            off_topic = self.lean(focus, said) > MARGIN and whole > MARGIN - WHOLE_POST_SLACK
        if off_topic:
            return "off_topic"
        return "unrelated" if best < MIN_RELEVANCE else ""


@lru_cache(maxsize=4)
def unanswered_asks(knowledge_dir: Path) -> tuple[str, ...]:
    """The data file, read once per process (like the other retrieval data)."""
    return tuple(load_word_list(retrieval_data(knowledge_dir, "out-of-scope.tsv")))


_models: dict[tuple[Path, tuple[str, ...]], ScopeModel] = {}
_lock = threading.Lock()


def scope_model(index: KnowledgeIndex) -> ScopeModel:
    """The unanswered asks of the index's knowledge folder, embedded once (kept in the
    index) and held per process."""
    knowledge_dir = index.knowledge_dir
    asks = unanswered_asks(knowledge_dir)
    with _lock:
        model = _models.get((knowledge_dir, asks))
        if model is None:
            model = ScopeModel(index.text_vectors(list(asks)), asks, knowledge_dir)
            _models[(knowledge_dir, asks)] = model
        return model
