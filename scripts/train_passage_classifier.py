"""Train the passage model: knowledge/retrieval/passage-classifier.json.

    .venv/bin/python scripts/train_passage_classifier.py

One ridge regression per quotable passage of the built-in texts (+1 when a question is
about the passage, -1 otherwise) over all-MiniLM-L6-v2 vectors, trained on:
- the questions each passage answers (knowledge/questions/*.tsv);
- the in-scope questions of the labelled real-style sets (tests/data/questions_real*.jsonl),
  as the whole post and as its ask sentences, about every passage that holds one of their
  gold phrases.
The blind sets (questions_blind3, 4 and 5) and the development set are never
read. Before writing, it prints what the retriever reaches on each real-style set and on
the development set with the model trained without that set (leave one set out), beside
the retriever without the model.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench_answers import _norm, load_set, ours, score  # noqa: E402
from bot.asks import read_ask  # noqa: E402
from bot.config import DEFAULT_KNOWLEDGE_DIR  # noqa: E402
from bot.embedding import load_embedder  # noqa: E402
from bot.knowledge import KnowledgeIndex  # noqa: E402
from bot.knowledge.index import source_files  # noqa: E402
from bot.knowledge.takeaways import QUESTIONS, load_questions, rows_for  # noqa: E402
from bot.learned import write_learned  # noqa: E402
from bot.passage_model import MODEL_FILE, PassageModel, passage_key  # noqa: E402

RIDGE = 0.1  # chosen with W_LEARNED leaving one real-style set out at a time (0.03-0.3 alike)
SETS = sorted((REPO / "tests" / "data").glob("questions_real*.jsonl"))
DEV = REPO.parent / "shared" / "eval" / "questions_dev.jsonl"


def fit(vectors: np.ndarray, about: np.ndarray) -> np.ndarray:
    """Weights (last row the bias), one column per passage."""
    x = np.hstack([vectors, np.ones((len(vectors), 1))]).astype(np.float64)
    penalty = RIDGE * np.eye(x.shape[1])
    penalty[-1, -1] = 0.0
    return np.linalg.solve(x.T @ x + penalty, x.T @ (2.0 * about - 1.0))


class Examples:
    def __init__(self, index: KnowledgeIndex) -> None:
        self.embed = load_embedder().encode
        self.passages = index.conn.execute(
            "SELECT source, locator, text, ord FROM passages WHERE quotable ORDER BY id").fetchall()
        self.keys = [passage_key(s, loc, t) for s, loc, t, _ in self.passages]

    def passage_questions(self) -> tuple[np.ndarray, np.ndarray]:
        texts, about = [], []
        for source in source_files(DEFAULT_KNOWLEDGE_DIR):
            rows = load_questions(source) or {}
            for n, (name, _, text, ord_) in enumerate(self.passages):
                if name != source.name:
                    continue
                for question in rows_for(rows, ord_, text, source, QUESTIONS):
                    texts.append(question)
                    about.append(np.eye(len(self.passages))[n])
        return self.embed(texts), np.array(about)

    def labelled(self, path: Path) -> tuple[np.ndarray, np.ndarray]:
        """Whole posts and ask sentences of the in-scope questions, about their gold passages."""
        posts, about = [], []
        for row in load_set(path):
            if row.get("abstain"):
                continue
            gold = [_norm(g) for g in row["gold"]]
            target = np.array([any(g in _norm(t) for g in gold) for _, _, t, _ in self.passages],
                              dtype=float)
            if target.any():
                posts.append(row["question"])
                about.append(target)
        asks = [read_ask(p, DEFAULT_KNOWLEDGE_DIR) for p in posts]
        vectors = np.vstack([self.embed([a.text for a in asks]),
                             self.embed([a.focus for a in asks])])
        return vectors, np.vstack([np.array(about)] * 2)


def train(base: tuple[np.ndarray, np.ndarray], sets: dict, leave_out: str = "") -> np.ndarray:
    vectors, about = [base[0]], [base[1]]
    for name, (v, a) in sets.items():
        if name != leave_out:
            vectors.append(v)
            about.append(a)
    return fit(np.vstack(vectors), np.vstack(about))


def hits(index: KnowledgeIndex, path: Path, model: PassageModel | None) -> str:
    """hit@1 and hit@3 of the retriever on `path`, scored as bench/bench_answers.py does,
    with `model` (None: none) in place of the shipped passage model."""
    import bot.passage_model as module

    key = (index.knowledge_dir, index.model_name())
    module._models[key] = model
    try:
        result = score(ours(index), load_set(path))
    finally:
        del module._models[key]
    return f"hit@1 {result.hit1:.3f}, hit@3 {result.hit3:.3f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, help="write here instead of knowledge/retrieval/")
    parser.add_argument("--quiet", action="store_true", help="skip the leave-one-out report")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        index = KnowledgeIndex.open(Path(tmp) / "train.db", DEFAULT_KNOWLEDGE_DIR)
        index.refresh()
        examples = Examples(index)
        base = examples.passage_questions()
        sets = {p.stem: examples.labelled(p) for p in SETS}
        if not args.quiet:
            print("leave one set out (without the model -> with it):")
            for path in SETS + ([DEV] if DEV.is_file() else []):
                model = PassageModel(train(base, sets, path.stem).astype(np.float32),
                                     {k: n for n, k in enumerate(examples.keys)})
                print(f"  {path.stem}: {hits(index, path, None)} -> {hits(index, path, model)}")
        weights = train(base, sets)
    texts = [p.name for p in source_files(DEFAULT_KNOWLEDGE_DIR)]
    about = {"about": "Made by scripts/train_passage_classifier.py; see its docstring.",
             "model": load_embedder().name, "texts": texts, "ridge": RIDGE,
             "trained_on": {"passage questions": len(base[0]), "sets": sorted(sets)},
             "passages": examples.keys}
    rounded = [[round(float(w), 5) for w in row] for row in weights]
    target = args.output or DEFAULT_KNOWLEDGE_DIR / "retrieval" / MODEL_FILE
    write_learned(target, about, {"weights": rounded})
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
