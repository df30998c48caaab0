"""Embedding benchmark: model load, one-question latency, indexing throughput, memory.

    .venv/bin/python -m bench.bench_embedding [--sizes 1000,10000] [--batch-sizes 16,32,64]
                                              [--quick]

Load and one-question figures come from fresh interpreters (medians of several), with one
BLAS thread (bot.embedding's default) and with two: on a machine whose cores other work
also wants, threads that wait for each other make multiplications far slower. Throughput
is measured in this process (one thread), and once more with two threads. A reference
matrix product (one thread) before and after says how much CPU the machine gave: other
tenants share it. Passages are synthesised from the sentences of knowledge/*.txt, 1 to 8
sentences each, about the length of the real passages. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bot.config import DEFAULT_KNOWLEDGE_DIR
from bot.embedding import load_embedder

REPO = Path(__file__).resolve().parent.parent
DEFAULT_BATCH = 32  # Embedder.encode's default
QUESTION_FILES = sorted((REPO / "tests" / "data").glob("questions_*.jsonl"))

# Run in a fresh interpreter: what `cio-coach ask` pays before its first vector.
_LOAD_PROBE = """
import json, time
t0 = time.perf_counter()
from bot.embedding import load_embedder
t1 = time.perf_counter()
e = load_embedder()
t2 = time.perf_counter()
def rss(field="VmRSS"):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
rss_load = rss()
e.encode(["What should I do in my first 90 days as a new CIO?"])
t3 = time.perf_counter()
print(json.dumps({"import_ms": (t1 - t0) * 1e3, "load_ms": (t2 - t1) * 1e3,
                  "first_query_ms": (t3 - t2) * 1e3, "rss_load_mb": rss_load,
                  "rss_query_mb": rss(), "anon_query_mb": rss("RssAnon"),
                  "file_query_mb": rss("RssFile")}))
"""


def synthetic_passages(count: int, seed: int = 7) -> list[str]:
    sentences = []
    for src in sorted(DEFAULT_KNOWLEDGE_DIR.glob("*.txt")):
        sentences += [s for s in re.split(r"(?<=[.!?])\s+", src.read_text()) if len(s) > 20]
    rng = random.Random(seed)
    return [" ".join(rng.choice(sentences) for _ in range(rng.randint(1, 8)))
            for _ in range(count)]


def questions() -> list[str]:
    rows = [json.loads(line) for path in QUESTION_FILES
            for line in path.read_text().splitlines() if line.strip()]
    return [row["question"] for row in rows]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _fresh(args: list[str], threads: str | None) -> dict[str, float]:
    env = dict(os.environ)
    if threads:
        env["OPENBLAS_NUM_THREADS"] = threads
    out = subprocess.run([sys.executable, *args], cwd=REPO, env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def load_figures(runs: int, threads: str | None) -> dict[str, float]:
    load_embedder()  # unpack the model once, outside the timings
    samples = [_fresh(["-c", _LOAD_PROBE], threads) for _ in range(runs)]
    return {key: statistics.median(s[key] for s in samples) for key in samples[0]}


def gemm_gflops() -> float:
    import numpy as np

    a = np.ones((2048, 384), dtype=np.float32)
    b = np.ones((1536, 384), dtype=np.float32).T
    a @ b
    start = time.perf_counter()
    for _ in range(20):
        a @ b
    return 20 * 2 * 2048 * 384 * 1536 / (time.perf_counter() - start) / 1e9


def query_latency(texts: list[str], repeat: int) -> dict[str, float]:
    embedder = load_embedder()
    embedder.encode(texts[:8])
    times = []
    for _ in range(repeat):
        for text in texts:
            start = time.perf_counter()
            embedder.encode([text])
            times.append((time.perf_counter() - start) * 1e3)
    return {"p50": _pct(times, 0.5), "p99": _pct(times, 0.99)}


def throughput(passages: list[str], batch_size: int) -> float:
    embedder = load_embedder()
    shown = [0.0]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - shown[0] > 5 or done == total:
            shown[0] = time.perf_counter()
            print(f"  batch {batch_size}: {done}/{total}", file=sys.stderr, flush=True)

    start = time.perf_counter()
    embedder.encode(passages, batch_size=batch_size, progress=progress)
    return len(passages) / (time.perf_counter() - start)


def _print_fresh(label: str, load: dict[str, float], query: dict[str, float]) -> None:
    print(f"{label}: import {load['import_ms']:.0f} ms, load {load['load_ms']:.0f} ms, "
          f"first question {load['first_query_ms']:.1f} ms; then one question p50 "
          f"{query['p50']:.1f} ms, p99 {query['p99']:.1f} ms")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--batch-sizes", default="16,32,64")
    parser.add_argument("--quick", action="store_true", help="1,000 passages, fewer repeats")
    parser.add_argument("--probe-queries", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--probe-throughput", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe_queries:
        print(json.dumps(query_latency(questions(), repeat=2)))
        return
    if args.probe_throughput:
        rate = throughput(synthetic_passages(args.probe_throughput), DEFAULT_BATCH)
        print(json.dumps({"rate": rate}))
        return
    sizes = [1000] if args.quick else [int(s) for s in args.sizes.split(",")]
    batch_sizes = [int(b) for b in args.batch_sizes.split(",")]

    print("# Embedding benchmark (all-MiniLM-L6-v2 in numpy)")
    print(f"reference matrix product, one thread: {gemm_gflops():.0f} GFLOPS")
    print(f"fresh processes, medians; one question = each of {len(questions())} "
          "real-style questions")
    runs = 3 if args.quick else 7
    for threads in ("2", "1"):
        load = load_figures(runs, threads)
        query = _fresh(["-m", "bench.bench_embedding", "--probe-queries"], threads)
        _print_fresh(f"OPENBLAS_NUM_THREADS={threads}", load, query)
    print(f"RSS {load['rss_load_mb']:.0f} MB after load, {load['rss_query_mb']:.0f} MB after "
          f"the first question (private {load['anon_query_mb']:.0f} MB; "
          f"{load['file_query_mb']:.0f} MB of mapped files, the weights among them, shared "
          "between processes)")
    print(f"\n{'passages':>9} " + " ".join(f"{'batch ' + str(b):>10}" for b in batch_sizes)
          + "   (passages/s, one BLAS thread)")
    for size in sizes:
        passages = synthetic_passages(size)
        rates = [throughput(passages, b) for b in batch_sizes]
        words = statistics.mean(len(p.split()) for p in passages)
        print(f"{size:>9} " + " ".join(f"{r:>10.1f}" for r in rates)
              + f"   ({words:.0f} words a passage)", flush=True)
    two = _fresh(["-m", "bench.bench_embedding", "--probe-throughput", str(sizes[0])], "2")
    print(f"{sizes[0]:>9} passages, batch {DEFAULT_BATCH}, OPENBLAS_NUM_THREADS=2: "
          f"{two['rate']:.1f} passages/s")
    print(f"reference matrix product, one thread: {gemm_gflops():.0f} GFLOPS")


if __name__ == "__main__":
    main()
