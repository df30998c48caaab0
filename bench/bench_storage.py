"""Shared state on SQLite and on PostgreSQL under the Slack app, side by side in one run:
time to acknowledge (p50, p99) and answers per second for 1, 2 and 4 gunicorn workers.

    .venv/bin/python -m bench.bench_storage [--requests 600] [--concurrency 50]
                                            [--workers 1,2,4]

Requests are signed, half `/cio` commands (acknowledged without touching the database)
and half direct messages (de-duplicated in the database before the acknowledgement), fired
N at a time at `cio-coach serve --http`; answers go to the fake Slack Web API in its own
process. Every answer writes the database two or three times (question log, answer, DM
turn). PostgreSQL: BENCH_DATABASE_URL or TEST_DATABASE_URL when set, else a throwaway
server started in a temporary folder (tests/kit/postgres.py), with its default settings
(a commit waits for its WAL flush). Prints figures and where more workers stop paying off;
asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bench.bench_slack import FakeSlackProcess, command_body, fire, percentile
from tests.kit import postgres
from tests.kit.slackapp import event_body, post_signed, start_app

QUESTION = "How do I get department heads involved in choosing the ERP?"
KNEE_GAIN = 0.10  # a worker count pays off when it adds at least this much throughput


@dataclass
class Result:
    backend: str
    workers: int
    ack_p50: float
    ack_p99: float
    dm_ack_p99: float
    answers_per_second: float
    lost: int
    unanswered: int


def dm_body(n: int, tag: str) -> str:
    event = {"type": "message", "channel": f"D{tag}{n}", "channel_type": "im",
             "user": f"U{n:05d}", "text": QUESTION, "ts": f"{time.time():.6f}"}
    return json.dumps(event_body(event, event_id=f"Ev{tag}{n}"))


def fire_event(port: int, body: str) -> tuple[int, float]:
    return post_signed(port, body, "application/json")


def measure(port: int, fake: FakeSlackProcess, requests: int, concurrency: int,
            tag: str) -> tuple[list[tuple[str, int, float]], int, float]:
    """Fire the mix; returns ([(kind, status, seconds)], answers delivered, seconds from
    the first request to the last answer)."""
    def one(n: int) -> tuple[str, int, float]:
        if n % 2:
            return ("dm", *fire_event(port, dm_body(n, tag)))
        body = command_body(n, fake).replace("bench-", f"bench{tag}-")
        return ("command", *fire(port, body))

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(one, range(requests)))
    commands = sum(1 for kind, status, _ in results if kind == "command" and status == 200)
    dms = sum(1 for kind, status, _ in results if kind == "dm" and status == 200)
    answered = fake.wait_for("response_url", f"bench{tag}-", commands, timeout=300)
    answered += wait_for_dm_answers(fake, f"D{tag}", dms, timeout=300)
    return results, answered, time.perf_counter() - started


def wait_for_dm_answers(fake: FakeSlackProcess, prefix: str, count: int,
                        timeout: float) -> int:
    """DMs that got their final answer: a placeholder replaced, or (under load) the answer
    posted when ready; either way a message carrying the answer's buttons."""
    deadline = time.monotonic() + timeout
    while True:
        seen = len({c["channel"] for c in fake.calls() if c["final"] and not c["error"]
                    and c["channel"].startswith(prefix)})
        if seen >= count or time.monotonic() > deadline:
            return seen
        time.sleep(0.5)


def run_one(fake: FakeSlackProcess, backend: str, url: str, workers: int, requests: int,
            concurrency: int) -> Result:
    env = {"DATABASE_URL": url} if url else {}
    tag = f"{backend[:2]}{workers}x"
    with tempfile.TemporaryDirectory() as tmp:
        app_iter = start_app(fake, Path(tmp), "--workers", str(workers), **env)
        app = next(app_iter)
        try:
            port = int(app.url.rsplit(":", 1)[1])
            fire(port, command_body(-1, fake))  # warm up: the index, the pool, imports
            fake.wait_for("response_url", "warm", 1, timeout=60)
            results, answered, seconds = measure(port, fake, requests, concurrency, tag)
        finally:
            app_iter.close()
    acked = [s for _, status, s in results if status == 200]
    dm_acked = [s for kind, status, s in results if kind == "dm" and status == 200]
    return Result(backend, workers, statistics.median(acked), percentile(acked, 99),
                  percentile(dm_acked, 99), answered / seconds, len(results) - len(acked),
                  len(acked) - answered)


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """A PostgreSQL URL: the configured one, else a throwaway server; "" when neither."""
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if url:
        yield url
        return
    try:
        postgres.binaries()
    except postgres.NoPostgres:
        yield ""
        return
    folder = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    try:
        yield postgres.start(folder)
    finally:
        postgres.stop(folder)
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


def knee(results: list[Result], backend: str) -> str:
    rows = sorted((r for r in results if r.backend == backend), key=lambda r: r.workers)
    if len(rows) < 2:
        return f"{backend}: measure more than one worker count to find it"
    best = rows[0]
    for row in rows[1:]:
        if row.answers_per_second < best.answers_per_second * (1 + KNEE_GAIN):
            break
        best = row
    return (f"{backend}: {best.workers} worker(s) ({best.answers_per_second:.0f} answers/s); "
            f"more adds less than {KNEE_GAIN:.0%}" if best is not rows[-1] else
            f"{backend}: still gaining at {best.workers} workers")


def report(results: list[Result], requests: int, concurrency: int) -> None:
    cores = os.cpu_count()
    print(f"storage: {requests} signed requests per run (half /cio, half DMs), {concurrency} "
          f"concurrent, {cores} cores, no model")
    print(f"  {'workers':>7}  {'backend':<10}  {'ack p50':>8}  {'ack p99':>8}  "
          f"{'DM ack p99':>10}  {'answers/s':>9}  {'lost':>4}  {'unanswered':>10}")
    for r in sorted(results, key=lambda r: (r.workers, r.backend)):
        print(f"  {r.workers:>7}  {r.backend:<10}  {r.ack_p50 * 1000:>6.1f}ms  "
              f"{r.ack_p99 * 1000:>6.1f}ms  {r.dm_ack_p99 * 1000:>8.1f}ms  "
              f"{r.answers_per_second:>9.0f}  {r.lost:>4}  {r.unanswered:>10}")
    for backend in sorted({r.backend for r in results}):
        print(f"  knee on this {cores}-core machine, {knee(results, backend)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--workers", default="1,2,4",
                        help="comma-separated worker counts, each measured on each backend")
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    counts = [int(w) for w in args.workers.split(",")]
    backends = args.backends.split(",")
    fake = FakeSlackProcess()
    results: list[Result] = []
    try:
        with postgres_server() as server_url:
            if not server_url and "postgresql" in backends:
                print("storage: no PostgreSQL server (set BENCH_DATABASE_URL or install "
                      "postgresql); SQLite only")
            for workers in counts:
                if "sqlite" in backends:
                    results.append(run_one(fake, "sqlite", "", workers, args.requests,
                                           args.concurrency))
                if server_url and "postgresql" in backends:
                    with postgres.fresh_schema(server_url, prefix="bench") as url:
                        results.append(run_one(fake, "postgresql", url, workers,
                                               args.requests, args.concurrency))
    finally:
        fake.stop()
    report(results, args.requests, args.concurrency)


if __name__ == "__main__":
    main()
