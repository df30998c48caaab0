"""`serve --http --workers 2`: two processes share the database; a retried event that
reaches both at once is still answered once, and every command is acknowledged."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.kit.slackapp import start_app, unique


@pytest.fixture(scope="module")
def two_workers(fake, tmp_path_factory):
    yield from start_app(fake, tmp_path_factory.mktemp("slack-workers"), "--workers", "2")


def test_concurrent_retries_across_workers_are_answered_once(two_workers):
    fake, channel = two_workers.fake, unique("D")
    event = {"type": "message", "channel": channel, "channel_type": "im", "user": unique("U"),
             "text": "How do I get department heads involved in choosing the ERP?",
             "ts": f"{time.time():.6f}"}
    event_id = unique("EvBoth")
    with ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(
            lambda n: two_workers.event(event, event_id=event_id,
                                        headers={"X-Slack-Retry-Num": str(n)} if n else {}),
            range(8)))
    assert [r.status for r in replies] == [200] * 8
    fake.wait_for("chat.update", lambda c: c.params.get("channel") == channel)
    time.sleep(1.0)
    assert len(fake.find("chat.postMessage", lambda c: c.params.get("channel") == channel)) == 1


def test_every_command_is_acknowledged_and_answered(two_workers):
    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(lambda _: two_workers.command("/cio", "What makes a good CIO?"),
                                range(60)))
    assert all(reply.status == 200 for reply, _ in results)
    ids = {response_id for _, response_id in results}
    two_workers.fake.wait_for("response_url", lambda c: c.params["_response_id"] in ids,
                              count=len(ids))
