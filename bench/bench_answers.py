"""Answer quality on every question set, beside textbook BM25 and a dense baseline.

    .venv/bin/python -m bench.bench_answers [--set NAME] [--misses]

For each set: hit@1 and hit@3 (a cited passage holds a gold phrase, as ../shared/eval/
score.py counts it), off-topic questions declined, in-scope questions declined, and the
in-scope declines by question length. Systems: cio-coach with every signal, with one
signal switched off at a time, rank_bm25 over the same stems (never declines) and
all-MiniLM-L6-v2 alone (passage vectors, never declines). The blind sets (questions_blind3
and questions_blind4, each written by someone who saw only the source texts and the style
brief) are printed last and were not tuned on.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from bot.answer import example_questions, quoted_answer
from bot.asks import read_ask
from bot.config import DEFAULT_KNOWLEDGE_DIR
from bot.embedding import load_embedder
from bot.knowledge import KnowledgeIndex
from bot.lexical import LexicalSignals
from bot.retrieval import Retriever, Signals
from bot.text import content_stems, stopwords

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
SETS = {
    "dev": REPO.parent / "shared" / "eval" / "questions_dev.jsonl",
    "real-style": DATA / "questions_real.jsonl",
    "real-style 2": DATA / "questions_real2.jsonl",
    "real-style 5": DATA / "questions_real5.jsonl",
    "real-style 6": DATA / "questions_real6.jsonl",
    "real-style 7": DATA / "questions_real7.jsonl",
    "real-style 8": DATA / "questions_real8.jsonl",
    "real-style 9": DATA / "questions_real9.jsonl",
    "paraphrased": DATA / "questions_paraphrased.jsonl",
    "blind (old)": DATA / "questions_blind.jsonl",
    "blind2 (old)": DATA / "questions_blind2.jsonl",
    "blind3 (never tuned)": DATA / "questions_blind3.jsonl",
    "blind4 (never tuned)": DATA / "questions_blind4.jsonl",
    "blind5 (never tuned)": DATA / "questions_blind5.jsonl",
}
LENGTHS = ((0, 15), (15, 30), (30, 60), (60, 10_000))
Ranker = Callable[[str], tuple[bool, list[str]]]  # question -> (answered, cited texts)


def load_set(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s.lower().replace("\u2019", "'")).strip()


@dataclass
class Score:
    hit1: float
    hit3: float
    off_topic_declined: str
    in_scope_declined: str
    declined_by_length: str
    misses: list[str]


def score(rank: Ranker, rows: list[dict]) -> Score:
    n = h1 = h3 = 0
    off = off_declined = declined = 0
    by_length = {b: [0, 0] for b in LENGTHS}
    misses = []
    for row in rows:
        answered, texts = rank(row["question"])
        if row.get("abstain"):
            off += 1
            off_declined += not answered
            if answered:
                misses.append(f"{row['id']} answered off-topic")
            continue
        n += 1
        bucket = next(b for b in LENGTHS if b[0] <= len(row["question"].split()) < b[1])
        by_length[bucket][1] += 1
        if not answered:
            declined += 1
            by_length[bucket][0] += 1
        gold = [_norm(g) for g in row["gold"]]
        rank_ = next((i for i, t in enumerate(texts) if any(g in _norm(t) for g in gold)), None)
        h1 += answered and rank_ == 0
        h3 += answered and rank_ is not None and rank_ < 3
        if not (answered and rank_ == 0):
            misses.append(f"{row['id']} {'declined' if not answered else f'rank={rank_}'}")
    lengths = " ".join(f"{a}-{b if b < 10_000 else ''}:{d}/{t}" for (a, b), (d, t)
                       in by_length.items())
    return Score(h1 / max(n, 1), h3 / max(n, 1), f"{off_declined}/{off}", f"{declined}/{n}",
                 lengths, misses)


# --- systems ------------------------------------------------------------------------------

def ours(index: KnowledgeIndex, signals: Signals | None = None) -> Ranker:
    retriever = Retriever(index, signals or Signals())
    examples = example_questions(index.knowledge_dir)

    def rank(question: str) -> tuple[bool, list[str]]:
        answer = quoted_answer(retriever.search(question), examples)
        return answer.answered, [c.text for c in answer.citations]

    return rank


def textbook_bm25(index: KnowledgeIndex) -> Ranker:
    from rank_bm25 import BM25Okapi

    rows = index.conn.execute("SELECT text, stems FROM passages WHERE quotable").fetchall()
    bm25 = BM25Okapi([stems.split() for _, stems in rows])
    stop = stopwords(index.knowledge_dir)

    def rank(question: str) -> tuple[bool, list[str]]:
        scores = bm25.get_scores(content_stems(question, stop))
        return True, [rows[i][0] for i in np.argsort(-scores)[:3]]

    return rank


def dense_only(index: KnowledgeIndex) -> Ranker:
    rows = index.conn.execute("SELECT text FROM passages WHERE quotable").fetchall()
    embedder = load_embedder()
    matrix = embedder.encode([r[0] for r in rows])

    def rank(question: str) -> tuple[bool, list[str]]:
        scores = matrix @ embedder.encode([question])[0]
        return True, [rows[i][0] for i in np.argsort(-scores)[:3]]

    return rank


def systems(index: KnowledgeIndex) -> dict[str, Ranker]:
    full = Signals()
    return {
        "cio-coach": ours(index, full),
        "- semantic": ours(index, replace(full, semantic=False)),
        "- ask focus": ours(index, replace(full, focus=False)),
        "- passage questions": ours(index, replace(full, questions=False)),
        "- related terms": ours(index, replace(full, lexical=LexicalSignals(related=False))),
        "- passage model": ours(index, replace(full, passage_model=False)),
        "- scope classifier": ours(index, replace(full, scope_classifier=False)),
        "- scope (never declines)": ours(index, replace(full, scope=False)),
        "textbook BM25": textbook_bm25(index),
        "MiniLM alone": dense_only(index),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", help="only these sets (names as printed)")
    parser.add_argument("--misses", action="store_true", help="list each miss of cio-coach")
    parser.add_argument("--only-ours", action="store_true", help="skip the other systems")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        index = KnowledgeIndex.open(Path(tmp) / "bench.db", DEFAULT_KNOWLEDGE_DIR)
        index.refresh()
        ranked = systems(index)
        if args.only_ours:
            ranked = {"cio-coach": ranked["cio-coach"]}
        for name, path in SETS.items():
            if (args.set and name not in args.set) or not path.is_file():
                continue
            rows = load_set(path)
            print(f"\n{name}: {len(rows)} questions ({path.name})")
            print(f"  {'system':26} {'hit@1':>6} {'hit@3':>6} {'off-topic declined':>19} "
                  f"{'in-scope declined':>18}  in-scope declined by length (words)")
            for system, rank in ranked.items():
                s = score(rank, rows)
                print(f"  {system:26} {s.hit1:6.3f} {s.hit3:6.3f} {s.off_topic_declined:>19} "
                      f"{s.in_scope_declined:>18}  {s.declined_by_length}")
                if args.misses and system == "cio-coach":
                    print("    misses: " + ", ".join(s.misses))
        _ask_focus_examples(index)


def _ask_focus_examples(index: KnowledgeIndex) -> None:
    rows = [r for r in load_set(SETS["real-style"]) if len(r["question"].split()) > 60][:2]
    for row in rows:
        ask = read_ask(row["question"], index.knowledge_dir)
        print(f"\nask found in a {ask.words}-word post: {ask.focus[:160]!r}")


if __name__ == "__main__":
    main()
