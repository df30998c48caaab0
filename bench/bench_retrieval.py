"""Retrieval speed and memory: the real knowledge base, `cio-coach ask` wall time, a Slack
worker's memory, embedding throughput while indexing, and query latency at 100k passages
with the semantic signal on.

    .venv/bin/python -m bench.bench_retrieval [--quick] [--sizes 1000,10000] [--query-size N]

Quality per set and per signal is bench/bench_answers.py. Prints figures (medians, p99,
side by side in one run); asserts nothing. The 100k-passage index gets its vectors from a
pool: each synthetic passage's vector is the normalised sum of its sentences' vectors,
embedded once (embedding 100k passages here would take an hour); the question path, the
one being timed, is the production one.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

import bot.knowledge.vectors as vectors_module
from bot.config import DEFAULT_KNOWLEDGE_DIR
from bot.db import transaction
from bot.embedding import load_embedder
from bot.knowledge import KnowledgeIndex
from bot.retrieval import CANDIDATES, Retriever

REPO = Path(__file__).resolve().parent.parent
REAL_QUESTIONS = REPO / "tests" / "data" / "questions_real.jsonl"
QUESTIONS = [
    "My former manager now reports to me, how do I treat him?",
    "How do I get department heads involved in choosing the ERP?",
    "Users never hear back when my techs close a ticket, what should change?",
    "My CFO wants the finance module first but the plant is drowning in late orders.",
    "How do I talk to the sales VP without drowning him in tech terms?",
    "What's a typical CIO salary at a 500 person company?",
]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _show_progress(done: int, total: int, name: str) -> None:
    print(f"\r  {name}: {done}/{total}   ", end="", file=sys.stderr, flush=True)


# --- the real knowledge base ------------------------------------------------------------------

@contextmanager
def cold_cache(folder: Path) -> Iterator[None]:
    """Index with an empty embedding cache: every vector computed, as on a new machine."""
    import bot.knowledge.vectors as vectors_module

    real = vectors_module.embedding_cache
    vectors_module.embedding_cache = lambda: vectors_module.EmbeddingCache(
        folder / "embeddings.db")
    try:
        yield
    finally:
        vectors_module.embedding_cache = real


def real_kb(runs: int) -> None:
    builds = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp, cold_cache(Path(tmp)):
            index = KnowledgeIndex.open(Path(tmp) / "k.db", DEFAULT_KNOWLEDGE_DIR)
            started = time.perf_counter()
            report = index.refresh()
            builds.append(time.perf_counter() - started)
    print(f"real knowledge base: {report.passages} passages with vectors indexed in "
          f"{statistics.median(builds):.2f} s (median of {runs}, embedding cache empty)")


def cli_wall(runs: int) -> None:
    cli = Path(sys.executable).with_name("cio-coach")
    with tempfile.TemporaryDirectory() as tmp:
        env = {"CIO_COACH_DB": str(Path(tmp) / "cli.db"), "PATH": "/usr/bin:/bin",
               "HOME": str(Path.home())}
        subprocess.run([str(cli), "index"], env=env, capture_output=True, check=True)
        walls = []
        for _ in range(runs):
            for q in QUESTIONS:
                started = time.perf_counter()
                subprocess.run([str(cli), "ask", q], env=env, capture_output=True, check=True)
                walls.append(time.perf_counter() - started)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], capture_output=True, check=True)
        bare = time.perf_counter() - started
    print(f"`cio-coach ask` wall time, interpreter start and model load included: median "
          f"{statistics.median(walls) * 1000:.0f} ms, p99 {_pct(walls, .99) * 1000:.0f} ms over "
          f"{len(walls)} calls (bare `python -c pass`: {bare * 1000:.0f} ms)")


WORKER_RSS = """
import resource, tempfile
from pathlib import Path
from bot.config import load_settings
from bot.service import Coach
import bot.slack.app  # what a Slack worker imports
with tempfile.TemporaryDirectory() as tmp:
    coach = Coach(load_settings({"CIO_COACH_DB": str(Path(tmp) / "w.db")}))
    coach.ask("How do I get department heads involved in choosing the ERP?")
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def worker_memory() -> None:
    out = subprocess.run([sys.executable, "-c", WORKER_RSS], capture_output=True, text=True,
                         check=True, cwd=REPO).stdout
    print(f"a Slack worker's memory after its first answer: {int(out.split()[-1]) / 1024:.0f} MB "
          "peak RSS (the model's weights are memory-mapped and shared between workers)")


# --- synthetic knowledge bases ----------------------------------------------------------------

def _sentence_pool() -> list[str]:
    pool = []
    for src in sorted(DEFAULT_KNOWLEDGE_DIR.glob("*.txt")):
        pool += [s for s in re.split(r"(?<=[.!?])\s+", src.read_text()) if len(s) > 30]
    return pool


def synthetic_kb(target: Path, passages: int, seed: int = 7) -> None:
    """Knowledge files whose paragraphs mix the real texts' sentences with everyday words,
    so term statistics resemble a real, larger corpus. 500 passages per file."""
    from wordfreq import top_n_list

    rng = random.Random(seed)
    sentences = _sentence_pool()
    vocab = top_n_list("en", 20000)
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR / "retrieval", target / "retrieval",
                    dirs_exist_ok=True)
    per_file = 500
    for f in range(0, passages, per_file):
        paras = [f"Synthetic handbook {f // per_file}"]
        for i in range(min(per_file, passages - f)):
            body = " ".join(rng.choice(sentences) for _ in range(2))
            filler = " ".join(rng.choice(vocab) for _ in range(12))
            paras.append(f"Section {f + i}\n{body} {filler.capitalize()}.")
        (target / f"synthetic-{f // per_file:05d}.txt").write_text("\n\n".join(paras))


def embedding_throughput(sizes: list[int]) -> None:
    print("\nembedding while indexing (passage, sentence and takeaway vectors, cache empty; "
          "a synthetic passage reuses the texts' sentences, and a repeated text is embedded "
          "once; progress on stderr):")
    print(f"  {'passages':>9} {'index s':>8} {'passages/s':>11} {'re-index one file':>18}")
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp, cold_cache(Path(tmp)):
            kb = Path(tmp) / "kb"
            synthetic_kb(kb, size)
            index = KnowledgeIndex.open(Path(tmp) / "s.db", kb)
            started = time.perf_counter()
            report = index.refresh(_show_progress)
            built = time.perf_counter() - started
            first = sorted(kb.glob("synthetic-*.txt"))[0]
            first.write_text(first.read_text() + "\n\nOne more paragraph about users.\n")
            started = time.perf_counter()
            again = index.refresh(_show_progress)
            changed = time.perf_counter() - started
            print(f"\r  {report.passages:>9} {built:8.1f} {report.passages / built:11.1f} "
                  f"{changed:9.1f} s ({len(again.updated)} file)")


def _pool_vectors(index: KnowledgeIndex) -> None:
    """Vectors for a large synthetic index without embedding every passage: sentences
    are embedded once each and a passage's vector is the normalised sum of its own."""
    embedder = load_embedder()
    pool = _sentence_pool()
    by_text = dict(zip(pool, embedder.encode(pool), strict=True))
    rows = index.conn.execute("SELECT id, text FROM passages").fetchall()
    with transaction(index.conn):
        for pid, text in rows:
            parts = [v for s, v in by_text.items() if s in text] or [next(iter(by_text.values()))]
            vector = np.sum(parts, axis=0)
            vector = (vector / np.linalg.norm(vector)).astype(np.float32)
            index.conn.execute("INSERT OR REPLACE INTO vectors VALUES (?, 'passage', 0, ?)",
                               [pid, vector.tobytes()])
            for n, part in enumerate(parts):
                index.conn.execute("INSERT OR REPLACE INTO vectors VALUES (?, 'sentence', ?, ?)",
                                   [pid, n, part.astype(np.float32).tobytes()])
        index.conn.execute("UPDATE kb_meta SET value = value || '+pool' WHERE key = 'generation'")


def query_latency(size: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        kb = Path(tmp) / "kb"
        synthetic_kb(kb, size)
        index = KnowledgeIndex.open(Path(tmp) / "q.db", kb)
        started = time.perf_counter()
        import bot.knowledge.index as index_module

        real_embed, index_module.embed_missing = index_module.embed_missing, \
            lambda conn, progress=None: load_embedder().name
        try:
            report = index.refresh()
        finally:
            index_module.embed_missing = real_embed
        _pool_vectors(index)
        print(f"\nquery latency at {report.passages} passages (lexical index built in "
              f"{time.perf_counter() - started:.0f} s, vectors from the pool):")
        retriever = Retriever(index)
        embedder = load_embedder()
        for q in QUESTIONS:  # warm caches (matrices, stems, SQLite pages)
            retriever.search(q)
        totals, embeds = [], []
        for _ in range(repeat):
            for q in QUESTIONS:
                started = time.perf_counter()
                embedder.encode([q])
                embeds.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                retriever.search(q)
                totals.append((time.perf_counter() - started) * 1000)
        print(f"  search with the semantic signal: p50 {statistics.median(totals):.1f} ms, "
              f"p99 {_pct(totals, .99):.1f} ms; of which embedding the question: p50 "
              f"{statistics.median(embeds):.1f} ms")
        nearest_passages_figures(index, embedder, repeat)


def nearest_passages_figures(index: KnowledgeIndex, embedder, repeat: int) -> None:
    """The exact scan beside the sign-bit shortlist: time, and how many of the exact
    scan's nearest passages the shortlist finds."""
    vectors = index.vectors()
    if vectors is None or vectors.passage_bits is None:
        return
    exact_ms, shortlist_ms, found = [], [], []
    for q in QUESTIONS:
        query = embedder.encode([q])[0]
        for _ in range(repeat):
            started = time.perf_counter()
            exact = np.argpartition(-(vectors.passage @ query), CANDIDATES)[:CANDIDATES]
            exact_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            near = vectors.nearest_passages(query, CANDIDATES)
            shortlist_ms.append((time.perf_counter() - started) * 1000)
        # Tie-aware: the synthetic passages share sentences, so many are exactly as near.
        nth_nearest = float((vectors.passage[exact] @ query).min())
        found.append(float(np.mean(vectors.passage[near] @ query >= nth_nearest - 1e-6)))
    same = _same_top_three(index)
    print(f"  nearest {CANDIDATES} passages: exact scan p50 {statistics.median(exact_ms):.1f} ms, "
          f"sign-bit shortlist + exact rescoring p50 {statistics.median(shortlist_ms):.1f} ms "
          f"({statistics.median(exact_ms) / statistics.median(shortlist_ms):.1f}x); the "
          f"shortlist's passages are as near as the exact scan's for "
          f"{statistics.mean(found):.3f} of them")
    print(f"  the answer's top 3 passages (by score) with the shortlist are those of the exact "
          f"scan for {same[0]} of {same[1]} real-style questions")


def _same_top_three(index: KnowledgeIndex, count: int = 40) -> tuple[int, int]:
    questions = [json.loads(line)["question"] for line in
                 REAL_QUESTIONS.read_text(encoding="utf-8").splitlines()[:count]]
    retriever, same = Retriever(index), 0
    for question in questions:
        scores = []
        for exact_up_to in (10**12, vectors_module.EXACT_SCAN_ROWS):
            vectors_module.EXACT_SCAN_ROWS, saved = exact_up_to, vectors_module.EXACT_SCAN_ROWS
            try:
                scores.append([round(h.score, 5) for h in retriever.search(question, k=3).hits])
            finally:
                vectors_module.EXACT_SCAN_ROWS = saved
        same += scores[0] == scores[1]
    return same, len(questions)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1k passages only, few repeats")
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--query-size", type=int, default=100_000)
    args = parser.parse_args(argv)
    real_kb(runs=1 if args.quick else 3)
    cli_wall(runs=1 if args.quick else 3)
    worker_memory()
    embedding_throughput([1000] if args.quick else [int(s) for s in args.sizes.split(",")])
    query_latency(10_000 if args.quick else args.query_size, repeat=2 if args.quick else 5)
    print(f"\n(peak RSS of this benchmark: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")


if __name__ == "__main__":
    main()
