"""Which passage a question is about, learned from examples: one linear model per passage
of the built-in texts over the question's vector (`passage-classifier.json`, made by
scripts/train_passage_classifier.py from the questions each passage answers and the
labelled real-style sets).

The retriever adds its score, a little (W_LEARNED in bot/retrieval.py), to what the
similarities say: people ask about a passage in ways no single example sentence is near,
and the model sees them all at once. Columns are tied to passages by source, locator and
first words, so an edited text leaves its changed passages without a column, not with a
wrong one.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.knowledge import KnowledgeIndex
from bot.knowledge.index import source_files
from bot.learned import read_learned
from bot.text import squash

log = logging.getLogger(__name__)

MODEL_FILE = "passage-classifier.json"
FIRST_CHARS = 60


def passage_key(source: str, locator: str, text: str) -> str:
    return f"{source}|{locator}|{squash(text)[:FIRST_CHARS].lower()}"


@dataclass(frozen=True)
class PassageModel:
    weights: np.ndarray  # (vector dimension + 1 for the bias, passages)
    columns: dict[str, int]  # passage_key -> column

    def scores(self, full: np.ndarray, focus: np.ndarray) -> np.ndarray:
        """Per column: how much the question is about that passage (about -1 to 1), the
        whole post and its ask sentences weighing alike."""
        both = (full + focus) / 2
        return both @ self.weights[:-1] + self.weights[-1]

    def column(self, row: dict) -> int | None:
        return self.columns.get(passage_key(row["source"], row["locator"], row["text"]))


def load_passage_model(knowledge_dir: Path, texts: list[str], model: str
                       ) -> PassageModel | None:
    data = read_learned(knowledge_dir, MODEL_FILE, texts, model)
    if data is None:
        return None
    try:
        weights = np.asarray(data["weights"], dtype=np.float32)
        columns = {key: n for n, key in enumerate(data["passages"])}
        if weights.ndim != 2 or weights.shape[1] != len(columns):
            raise ValueError(f"weights {weights.shape} for {len(columns)} passages")
    except (KeyError, TypeError, ValueError) as exc:
        log.warning("%s: no usable weights (%s); answers are found without it", MODEL_FILE, exc)
        return None
    return PassageModel(weights, columns)


_models: dict[tuple[Path, str], PassageModel | None] = {}
_lock = threading.Lock()


def passage_model(index: KnowledgeIndex, model: str) -> PassageModel | None:
    """The passage model for the index's texts and embedding `model` (the one its vectors
    come from), loaded once per knowledge folder and process."""
    key = (index.knowledge_dir, model)
    with _lock:
        if key not in _models:
            texts = [p.name for p in source_files(index.knowledge_dir)]
            _models[key] = load_passage_model(index.knowledge_dir, texts, key[1])
        return _models[key]
