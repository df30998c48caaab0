"""Train the scope classifier: knowledge/retrieval/scope-classifier.json.

    .venv/bin/python scripts/train_scope_classifier.py

A linear classifier (ridge regression to +1 answered / -1 declined, classes weighted
equally) over all-MiniLM-L6-v2 vectors of what is asked. It learns the direction that
separates asks the two built-in texts answer from asks they do not, from:
- answered: the questions each passage answers (knowledge/questions/*.tsv);
- declined: the unanswered asks (knowledge/retrieval/out-of-scope.tsv);
- both: the labelled real-style question sets (tests/data/questions_real*.jsonl), each
  question as its ask sentences and as the whole post.
The blind sets (questions_blind3, 4 and 5) are never read. Before writing, it
prints what each real-style set declines when the classifier is trained without it
(leave one set out), beside the nearest-neighbour rule alone.

The file names the texts it was trained for; a knowledge folder with other texts does
not use it (bot/scope.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench_answers import load_set  # noqa: E402
from bot.asks import read_ask  # noqa: E402
from bot.config import DEFAULT_KNOWLEDGE_DIR  # noqa: E402
from bot.embedding import load_embedder  # noqa: E402
from bot.knowledge.index import source_files  # noqa: E402
from bot.knowledge.takeaways import load_questions  # noqa: E402
from bot.learned import write_learned  # noqa: E402
from bot.scope import CLASSIFIER_FILE, THRESHOLD, LinearScope  # noqa: E402
from bot.text import load_word_list, retrieval_data  # noqa: E402

RIDGE = 1.0  # chosen leaving one real-style set out at a time (see the printout)
SETS = sorted((REPO / "tests" / "data").glob("questions_real*.jsonl"))


def fit(vectors: np.ndarray, answered: np.ndarray, ridge: float) -> np.ndarray:
    """Weights (last one the bias) of a class-balanced ridge regression to +1 / -1."""
    x = np.hstack([vectors, np.ones((len(vectors), 1), dtype=np.float32)]).astype(np.float64)
    target = np.where(answered, 1.0, -1.0)
    share = answered.mean()
    weight = np.where(answered, 0.5 / share, 0.5 / (1 - share))
    penalty = ridge * np.eye(x.shape[1])
    penalty[-1, -1] = 0.0  # the bias is not shrunk
    return np.linalg.solve(x.T @ (x * weight[:, None]) + penalty, x.T @ (weight * target))


def labelled_sets(embed) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per set: (vectors of the ask sentences, of the whole posts, answered?)."""
    out = {}
    for path in SETS:
        rows = load_set(path)
        asks = [read_ask(r["question"], DEFAULT_KNOWLEDGE_DIR) for r in rows]
        answered = np.array([not r.get("abstain") for r in rows])
        out[path.stem] = (embed([a.focus for a in asks]), embed([a.text for a in asks]), answered)
    return out


def training_data(base: tuple[np.ndarray, np.ndarray], sets: dict, leave_out: str = ""
                  ) -> tuple[np.ndarray, np.ndarray]:
    inside, outside = base
    vectors = [inside, outside]
    answered = [np.ones(len(inside), bool), np.zeros(len(outside), bool)]
    for name, (focus, full, labels) in sets.items():
        if name != leave_out:
            vectors += [focus, full]
            answered += [labels, labels]
    return np.vstack(vectors), np.concatenate(answered)


def report_held_out(base, sets) -> None:
    print(f"leave one set out (ridge {RIDGE}, threshold {THRESHOLD}):")
    for name, (focus, full, labels) in sets.items():
        weights = fit(*training_data(base, sets, leave_out=name), RIDGE)
        model = LinearScope(weights.astype(np.float32), THRESHOLD)
        declined = np.array([model.declines(f, w) for f, w in zip(focus, full, strict=True)])
        print(f"  {name}: off-topic declined {int((declined & ~labels).sum())}/"
              f"{int((~labels).sum())}, in-scope declined {int((declined & labels).sum())}/"
              f"{int(labels.sum())} (the classifier alone)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, help="write here instead of knowledge/retrieval/")
    args = parser.parse_args(argv)
    embedder = load_embedder()
    embed = embedder.encode
    knowledge = DEFAULT_KNOWLEDGE_DIR
    sources = source_files(knowledge)
    texts = [p.name for p in sources]
    inside = [q for source in sources for _, qs in (load_questions(source) or {}).values()
              for q in qs]
    outside = list(load_word_list(retrieval_data(knowledge, "out-of-scope.tsv")))
    base = (embed(inside), embed(outside))
    sets = labelled_sets(embed)
    report_held_out(base, sets)
    vectors, answered = training_data(base, sets)
    weights = fit(vectors, answered, RIDGE)
    target = args.output or knowledge / "retrieval" / CLASSIFIER_FILE
    about = {
        "about": "Made by scripts/train_scope_classifier.py; see its docstring.",
        "model": embedder.name, "texts": texts, "ridge": RIDGE,
        "trained_on": {"answered": int(answered.sum()), "declined": int((~answered).sum()),
                       "sets": sorted(sets)},
    }
    write_learned(target, about, {"weights": [round(float(w), 6) for w in weights]})
    print(f"wrote {target} ({len(vectors)} examples)")


if __name__ == "__main__":
    main()
