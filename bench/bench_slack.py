"""Slack HTTP app benchmark against the fake Slack Web API used by the tests (run in its
own process, so answers arriving at it do not slow down the requests being timed). The
fake answers like Slack: 429 past each method tier's rate, refusals past the size limits.

    .venv/bin/python -m bench.bench_slack [--requests 1000] [--concurrency 50] [--workers 1,2]
    .venv/bin/python -m bench.bench_slack --load [--answers 50]
    .venv/bin/python -m bench.bench_slack --limits [--code DIR]

- default: signed /cio commands, N at a time, no model: time to acknowledge (median, p99,
  max), requests per second, requests lost, answers that never reached their response_url.
- --load: N DM answers at once with a configured model (the fake model, streaming) while
  the Web API answers 429 to one chat.update in ten: acknowledgement times, final answers
  per person, chat.update per minute in the workspace, 429s, refusals.
- --limits: the messages the issue found refused (long DM checks, /jargon list with 41
  terms): how many Slack would refuse. --code runs another checkout (before/after).
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

from tests.kit.fakeslack import TEAM_ID
from tests.kit.slackapp import post_signed, start_app

REPO = Path(__file__).resolve().parent.parent

QUESTIONS = [
    "How do I get department heads involved in choosing the ERP?",
    "What should a new CIO do first?",
    "How do I talk to the board about IT spending?",
    "How should I handle a failed project?",
    "What makes a good IT team?",
]


class FakeSlackProcess:
    """tests/kit/fakeslack.py served by a separate Python process."""

    def __init__(self, *scripts: str) -> None:
        import subprocess

        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.kit.fakeslack", *scripts],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.url = self.process.stdout.readline().strip()
        self.api_url = self.url + "/api/"

    def response_url(self, name: str) -> str:
        return f"{self.url}/response/{name}"

    def count(self, method: str, prefix: str) -> int:
        import json
        import urllib.request

        query = urlencode({"method": method, "prefix": prefix})
        with urllib.request.urlopen(f"{self.url}/_count?{query}", timeout=10) as response:
            return json.load(response)["count"]

    def wait_for(self, method: str, prefix: str, count: int, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        seen = self.count(method, prefix)
        while seen < count and time.monotonic() < deadline:
            time.sleep(0.2)
            seen = self.count(method, prefix)
        return seen

    def calls(self) -> list[dict]:
        import json
        import urllib.request

        with urllib.request.urlopen(f"{self.url}/_calls", timeout=30) as response:
            return json.load(response)["calls"]

    def stop(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=10)


def command_body(n: int, fake: FakeSlackProcess) -> str:
    return urlencode({"token": "legacy", "team_id": TEAM_ID, "team_domain": "fake",
                      "channel_id": "C0BENCH", "user_id": f"U{n:05d}", "command": "/cio",
                      "text": QUESTIONS[n % len(QUESTIONS)], "api_app_id": "A0APP",
                      "response_url": fake.response_url(f"bench-{n}" if n >= 0 else "warm"),
                      "trigger_id": f"trig-{n}"})


def fire(port: int, body: str) -> tuple[int, float]:
    """One signed slash command on a fresh connection; (status, seconds)."""
    return post_signed(port, body, "application/x-www-form-urlencoded")


def fire_json(port: int, body: dict) -> tuple[int, float]:
    """One signed Events API request on a fresh connection; (status, seconds)."""
    import json

    return post_signed(port, json.dumps(body), "application/json")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run(requests: int, concurrency: int, workers: int) -> None:
    fake = FakeSlackProcess()
    with tempfile.TemporaryDirectory() as tmp:
        extra = ("--workers", str(workers)) if workers > 1 else ()
        app_iter = start_app(fake, Path(tmp), *extra)
        app = next(app_iter)
        port = int(app.url.rsplit(":", 1)[1])
        fire(port, command_body(-1, fake))  # warm up
        fake.wait_for("response_url", "warm", 1, timeout=60)
        bodies = [command_body(n, fake) for n in range(requests)]
        started = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            results = list(pool.map(lambda b: fire(port, b), bodies))
        elapsed = time.perf_counter() - started
        acked = [s for status, s in results if status == 200]
        lost = len(results) - len(acked)
        answered = fake.wait_for("response_url", "bench-", len(acked), timeout=120)
        answer_seconds = time.perf_counter() - started
        app_iter.close()  # stops the server process
    fake.stop()
    print(f"slack http: {requests} signed /cio commands, {concurrency} concurrent, "
          f"{workers} worker(s), no model")
    if acked:
        print(f"  ack time: median {statistics.median(acked) * 1000:.1f} ms, "
              f"p99 {percentile(acked, 99) * 1000:.1f} ms, max {max(acked) * 1000:.1f} ms")
    print(f"  throughput: {len(acked) / elapsed:.0f} requests/s acknowledged "
          f"({elapsed:.2f} s for all)")
    print(f"  lost (no 200 ack): {lost}")
    print(f"  answers delivered to response_url: {answered}/{len(acked)} "
          f"({answer_seconds:.1f} s after the first request)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--workers", default="1,2",
                        help="comma-separated worker counts, each measured in turn")
    parser.add_argument("--load", action="store_true", help="the streaming load run")
    parser.add_argument("--answers", type=int, default=50)
    parser.add_argument("--limits", action="store_true", help="messages Slack refuses")
    parser.add_argument("--code", type=Path, help="with --limits: run this checkout")
    args = parser.parse_args()
    if args.load:
        from bench.bench_slack_load import run_load

        for workers in (int(w) for w in args.workers.split(",")):
            run_load(args.answers, workers)
        return
    if args.limits:
        from bench.bench_slack_load import run_limits

        run_limits(args.code)
        return
    for workers in (int(w) for w in args.workers.split(",")):
        run(args.requests, args.concurrency, workers)


if __name__ == "__main__":
    main()
