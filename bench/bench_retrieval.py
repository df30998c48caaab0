"""Retrieval benchmark: quality per signal, index build time, query latency and its growth
with the corpus, beside rank_bm25 on the same passages and queries, and CLI wall time.

    .venv/bin/python -m bench.bench_retrieval [--sizes 1000,10000,100000] [--quick]

Prints figures (medians, p99, ratios measured side by side in one run); asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot.config import DEFAULT_KNOWLEDGE_DIR
from bot.knowledge import KnowledgeIndex
from bot.retrieval import Retriever, Signals
from bot.text import content_stems, stopwords

REPO = Path(__file__).resolve().parent.parent
QUESTION_SETS = [REPO.parent / "shared" / "eval" / "questions_dev.jsonl",
                 REPO / "tests" / "data" / "questions_paraphrased.jsonl",
                 REPO / "tests" / "data" / "questions_blind.jsonl",
                 REPO / "tests" / "data" / "questions_blind2.jsonl"]


def _rows() -> list[dict]:
    rows = []
    for path in QUESTION_SETS:
        if path.is_file():
            rows += [json.loads(line) for line in path.read_text().splitlines() if line]
    return rows


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s.lower()).strip()


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --- quality: what each signal adds -------------------------------------------------------

def _quality(rank_fn, rows: list[dict]) -> dict[str, float]:
    """rank_fn(question) -> (answered, [passage texts best first])."""
    n = h1 = h3 = abst = abst_ok = false_abst = 0
    for row in rows:
        answered, texts = rank_fn(row["question"])
        if row.get("abstain"):
            abst += 1
            abst_ok += not answered
            continue
        n += 1
        gold = [_norm(g) for g in row["gold"]]
        rank = next((i for i, t in enumerate(texts) if any(g in _norm(t) for g in gold)), None)
        false_abst += not answered
        h1 += answered and rank == 0
        h3 += answered and rank is not None and rank < 3
    return {"hit@1": h1 / n, "hit@3": h3 / n, "abstain_acc": abst_ok / max(abst, 1),
            "false_abstain": false_abst}


def quality_table(db, kb: Path) -> None:
    from rank_bm25 import BM25Okapi

    rows = _rows()
    stop = stopwords(kb)
    passages = [t for (t,) in db.conn.execute("SELECT text FROM passages ORDER BY id")]
    bm25 = BM25Okapi([content_stems(t, stop) for t in passages])

    def textbook(question: str):
        scores = bm25.get_scores(content_stems(question, stop))
        order = sorted(range(len(passages)), key=lambda i: -scores[i])
        return scores[order[0]] > 0, [passages[i] for i in order[:10]]

    variants = {
        "textbook BM25 (rank_bm25, stemmed)": textbook,
        "all signals": Signals(),
        "  without related terms": Signals(related=False),
        "  without word specificity": Signals(specificity=False),
        "  without sentence coverage": Signals(sentences=False),
        "  without section headings": Signals(section=False),
    }
    print(f"\n## Quality on {sum(1 for r in rows if not r.get('abstain'))} answerable and "
          f"{sum(1 for r in rows if r.get('abstain'))} out-of-scope questions "
          "(dev set + tests/data/questions_*.jsonl)")
    print(f"{'variant':40} {'hit@1':>6} {'hit@3':>6} {'abstain':>8} {'false-abst':>10}")
    for name, variant in variants.items():
        if isinstance(variant, Signals):
            retriever = Retriever(db, signals=variant)

            def fn(q, r=retriever):
                res = r.search(q, k=10)
                return res.confident, [h.text for h in res.hits]
        else:
            fn = variant
        m = _quality(fn, rows)
        print(f"{name:40} {m['hit@1']:6.3f} {m['hit@3']:6.3f} {m['abstain_acc']:8.3f} "
              f"{m['false_abstain']:10d}")


# --- speed --------------------------------------------------------------------------------

def synthetic_kb(target: Path, passages: int, seed: int = 7) -> None:
    """Knowledge files whose paragraphs mix the real texts' sentences with everyday words,
    so term statistics resemble a real, larger corpus. 500 passages per file."""
    from wordfreq import top_n_list

    rng = random.Random(seed)
    sentences = []
    for src in sorted(DEFAULT_KNOWLEDGE_DIR.glob("*.txt")):
        sentences += [s for s in re.split(r"(?<=[.!?])\s+", src.read_text()) if len(s) > 30]
    vocab = top_n_list("en", 20000)
    target.mkdir(parents=True, exist_ok=True)
    per_file = 500
    for f in range(0, passages, per_file):
        paras = [f"Synthetic handbook {f // per_file}"]
        for i in range(min(per_file, passages - f)):
            body = " ".join(rng.choice(sentences) for _ in range(2))
            filler = " ".join(rng.choice(vocab) for _ in range(40))
            paras.append(f"Section {f + i}\n{body} {filler.capitalize()}.")
        (target / f"synthetic-{f // per_file:05d}.txt").write_text("\n\n".join(paras))


def latency(db, kb: Path, questions: list[str], repeat: int) -> list[float]:
    retriever = Retriever(db)
    for q in questions:  # warm caches (stems, word frequencies, SQLite pages)
        retriever.search(q)
    times = []
    for _ in range(repeat):
        for q in questions:
            t = time.perf_counter()
            retriever.search(q)
            times.append((time.perf_counter() - t) * 1000)
    return times


def bm25_latency(db, kb: Path, questions: list[str], limit_s: float) -> tuple[float, list[float]]:
    from rank_bm25 import BM25Okapi

    stop = stopwords(kb)
    t = time.perf_counter()
    corpus = [s.split() for (s,) in db.conn.execute("SELECT stems FROM passages")]
    bm25 = BM25Okapi([[w for w in doc if w not in stop] for doc in corpus])
    build = time.perf_counter() - t
    times = []
    deadline = time.perf_counter() + limit_s
    for q in questions:
        t = time.perf_counter()
        scores = bm25.get_scores(content_stems(q, stop))
        sorted(range(len(scores)), key=scores.__getitem__, reverse=True)[:5]
        times.append((time.perf_counter() - t) * 1000)
        if time.perf_counter() > deadline:
            break
    return build, times


def speed_table(sizes: list[int], repeat: int) -> None:
    questions = [r["question"] for r in _rows()]
    print("\n## Query latency in process vs corpus size (ms; ours: FTS5 candidates + rerank; "
          "rank_bm25: BM25Okapi.get_scores + sort)")
    print(f"{'passages':>9} {'index s':>8} {'ours p50':>9} {'ours p99':>9} "
          f"{'bm25 build s':>12} {'bm25 p50':>9} {'bm25/ours':>9}")
    for size in sizes:
        work = Path(tempfile.mkdtemp(prefix="cio-bench-"))
        try:
            kb = work / "kb"
            synthetic_kb(kb, size)
            shutil.copytree(DEFAULT_KNOWLEDGE_DIR / "retrieval", kb / "retrieval")
            db = KnowledgeIndex.open(work / "bench.db", kb)
            t = time.perf_counter()
            report = db.refresh()
            build = time.perf_counter() - t
            ours = latency(db, kb, questions, repeat)
            bm_build, bm = bm25_latency(db, kb, questions, limit_s=60)
            p50, bp50 = statistics.median(ours), statistics.median(bm)
            print(f"{report.passages:>9} {build:8.1f} {p50:9.2f} {_pct(ours, .99):9.2f} "
                  f"{bm_build:12.1f} {bp50:9.1f} {bp50 / p50:9.1f}x")
        finally:
            shutil.rmtree(work, ignore_errors=True)


def cli_wall(runs: int) -> None:
    cli = Path(sys.executable).with_name("cio-coach")
    work = Path(tempfile.mkdtemp(prefix="cio-bench-cli-"))
    env = {"CIO_COACH_DB": str(work / "cli.db"), "PATH": "/usr/bin:/bin"}
    try:
        subprocess.run([str(cli), "index"], env=env, capture_output=True, check=True)
        walls = []
        questions = ["How do I treat my boss?", "What is pragmatic?", "How do I reduce turnover?",
                     "Who is my customer?", "Why do users complain about ERP?"]
        for _ in range(runs):
            for q in questions:
                t = time.perf_counter()
                subprocess.run([str(cli), "ask", q], env=env, capture_output=True, check=True)
                walls.append(time.perf_counter() - t)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], capture_output=True, check=True)
        bare = time.perf_counter() - t
        print(f"\n## CLI: `cio-coach ask` wall time over {len(walls)} calls, interpreter start "
              f"included: median {statistics.median(walls) * 1000:.0f} ms, p99 "
              f"{_pct(walls, .99) * 1000:.0f} ms (bare `python -c pass`: {bare * 1000:.0f} ms)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--quick", action="store_true", help="small corpora, few repeats")
    args = parser.parse_args(argv)
    sizes = [1000, 10000] if args.quick else [int(s) for s in args.sizes.split(",")]
    work = Path(tempfile.mkdtemp(prefix="cio-bench-q-"))
    try:
        db = KnowledgeIndex.open(work / "q.db", DEFAULT_KNOWLEDGE_DIR)
        t = time.perf_counter()
        report = db.refresh()
        build_ms = (time.perf_counter() - t) * 1000
        questions = [r["question"] for r in _rows()]
        p50 = statistics.median(latency(db, DEFAULT_KNOWLEDGE_DIR, questions, 5))
        print(f"# Retrieval benchmark\nreal knowledge base: {report.passages} passages indexed "
              f"in {build_ms:.0f} ms; query p50 {p50:.2f} ms")
        quality_table(db, DEFAULT_KNOWLEDGE_DIR)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    speed_table(sizes, repeat=2 if args.quick else 5)
    cli_wall(runs=2 if args.quick else 4)


if __name__ == "__main__":
    main()
