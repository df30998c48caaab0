"""The Slack load run and the size-limits run (`python -m bench.bench_slack --load` or
`--limits`); see bench/bench_slack.py."""

from __future__ import annotations

import statistics
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.bench_slack import FakeSlackProcess, fire_json, percentile
from tests.kit.fakemodel import ERP_QUESTION, ERP_REPLY, FakeModel
from tests.kit.fakeslack import TEAM_ID
from tests.kit.slackapp import event_body, start_app, unique
from tests.kit.slacklimits import most_in_any_minute

QUESTION = ERP_QUESTION
MODEL_REPLY = ERP_REPLY
JARGON = ("We will leverage the API and migrate the ERP to the cloud during the go-live. "
          "Our SSO and MFA rollout on the SaaS CRM needs a VPN, a new SLA and a DR plan. "
          "The CI/CD pipeline deploys microservices to Kubernetes with zero downtime. "
          "The data lake feeds the BI dashboards through an ETL job on the ESB. "
          "We must patch the endpoints, harden the firewall and run a pen test on the LAN. ")
PLAIN = ("We will meet the team leads next week to agree on the plan for the office move, "
         "and we will write to everyone with the dates once they are settled. "
         "The new laptops arrive on Monday; please bring your old one to the front desk. "
         "If the ERP go-live slips, we will tell the finance team first. ")
REFUSALS = {"msg_blocks_too_long", "invalid_blocks", "msg_too_long", "invalid_arguments"}


def dm(channel: str) -> dict:
    now = f"{time.time():.6f}"
    return event_body({"type": "message", "channel": channel, "channel_type": "im",
                       "user": unique("U"), "text": QUESTION, "ts": now, "event_ts": now})


def run_load(answers: int, workers: int = 1) -> None:
    fake = FakeSlackProcess("chat.update=10")
    model = FakeModel(MODEL_REPLY, pause=0.05).start()
    with tempfile.TemporaryDirectory() as tmp:
        extra = ("--workers", str(workers)) if workers > 1 else ()
        app_iter = start_app(fake, Path(tmp), *extra, LLM_BASE_URL=model.url,
                             LLM_MODEL="canned", LLM_TIMEOUT="60")
        app = next(app_iter)
        port = int(app.url.rsplit(":", 1)[1])
        channels = [unique("D") for _ in range(answers)]
        started = time.monotonic()
        with ThreadPoolExecutor(answers) as pool:
            acks = list(pool.map(lambda ch: fire_json(port, dm(ch)), channels))
        calls = _wait_for_finals(fake, set(channels), timeout=600)
        finished = time.monotonic() - started
        app_iter.close()
    model.stop()
    fake.stop()
    _report_load(answers, workers, acks, calls, set(channels), finished)


def _finals(calls: list[dict], channels: set[str]) -> Counter:
    return Counter(c["channel"] for c in calls if c["final"] and c["error"] is None
                   and c["channel"] in channels)


def _wait_for_finals(fake: FakeSlackProcess, channels: set[str], timeout: float) -> list:
    deadline = time.monotonic() + timeout
    calls = fake.calls()
    while len(_finals(calls, channels)) < len(channels) and time.monotonic() < deadline:
        time.sleep(1)
        calls = fake.calls()
    time.sleep(2)
    return fake.calls()


def _report_load(answers: int, workers: int, acks: list, calls: list[dict],
                 channels: set[str], finished: float) -> None:
    seconds = [s for status, s in acks if status == 200]
    finals = _finals(calls, channels)
    updates = sorted(c["at"] for c in calls if c["method"] == "chat.update"
                     and c["team"] == TEAM_ID)
    by_method = Counter(c["method"] for c in calls if c["channel"] in channels)
    print(f"slack load: {answers} DM answers at once, {workers} worker(s), streaming with "
          "a model, a 429 for every 10th chat.update")
    print(f"  ack: p50 {statistics.median(seconds) * 1000:.1f} ms, p99 "
          f"{percentile(seconds, 99) * 1000:.1f} ms, max {max(seconds) * 1000:.1f} ms; "
          f"{len(acks) - len(seconds)} not acknowledged")
    print(f"  final answers: {len(finals)}/{answers} people, "
          f"{sum(1 for n in finals.values() if n == 1)} exactly once, "
          f"{sum(1 for n in finals.values() if n > 1)} more than once; last after "
          f"{finished:.1f} s")
    print(f"  chat.update in the workspace: {len(updates)} calls, at most "
          f"{most_in_any_minute(updates)} in any 60 s (Tier 3 allows 50)")
    print(f"  429s: {sum(1 for c in calls if c['error'] == 'ratelimited')}; refused: "
          f"{sum(1 for c in calls if c['error'] in REFUSALS)}; calls by method: "
          + ", ".join(f"{m} {n}" for m, n in by_method.most_common()))


def run_limits(code: Path | None) -> None:
    """The issue's refused messages: DM checks of long drafts and a 41-term list."""
    fake = FakeSlackProcess()
    with tempfile.TemporaryDirectory() as tmp:
        app_iter = start_app(fake, Path(tmp), code=code, SLACK_TERM_EDITORS="everyone")
        app = next(app_iter)
        port = int(app.url.rsplit(":", 1)[1])
        drafts = [(JARGON * 60)[:3500], (PLAIN * 60)[:5800], (JARGON * 200)[:12000],
                  (PLAIN * 200)[:12000]]
        channels = []
        for draft in drafts:
            channels.append(unique("D"))
            event = dm(channels[-1])
            event["event"]["text"] = "check " + draft
            fire_json(port, event)
        _terms_list(app)
        time.sleep(8)
        calls = fake.calls()
        app_iter.close()
    fake.stop()
    refused = [c for c in calls if c["error"] in REFUSALS]
    print(f"slack limits ({code or 'this checkout'}): 4 DM checks (3,500 jargon-heavy, "
          "5,800 plain, 12,000 of each) and /jargon list of 41 terms")
    print(f"  refused by Slack's limits: {len(refused)} "
          f"({', '.join(sorted({c['method'] + ' ' + c['error'] for c in refused})) or '-'})")


def _terms_list(app) -> None:
    for n in range(41):
        app.command("/jargon", f"add Project Name {n:02d} = plain name {n:02d}",
                    user="U0ADMIN")
    app.command("/jargon", "list", user="U0ADMIN")
