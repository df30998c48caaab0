"""The load run, small: DM answers streaming at once with a configured model while the Web
API answers 429 to one chat.update in ten. Every person gets their final answer once, the
workspace stays within its budget, acknowledgements stay quick, nothing is refused.
`python -m bench.bench_slack --load` runs it with 50 answers and prints the figures."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.kit.fakemodel import FakeModel
from tests.kit.slackapp import start_app, unique
from tests.kit.slacklimits import TIER_PER_MINUTE, most_in_any_minute
from tests.slack.test_slack_assistant import MODEL_REPLY
from tests.slack.test_slack_http import QUESTION, dm_event

ANSWERS = 12


@pytest.fixture(scope="module")
def loaded_app(fake, tmp_path_factory):
    model = FakeModel(MODEL_REPLY, pause=0.03).start()
    fake.rate_limit_every("chat.update", 10)
    yield from start_app(fake, tmp_path_factory.mktemp("slack-load"), LLM_BASE_URL=model.url,
                         LLM_MODEL="canned", LLM_TIMEOUT="30")
    model.stop()


def finals(fake, channel: str) -> list:
    return [c for c in fake.calls if c.params.get("channel") == channel and c.ok
            and c.method in ("chat.update", "chat.postMessage", "chat.stopStream")
            and "feedback_helpful" in c.all_text()]


def test_answers_streaming_at_once_under_429s(loaded_app):
    fake = loaded_app.fake
    channels = [unique("D") for _ in range(ANSWERS)]
    with ThreadPoolExecutor(ANSWERS) as pool:
        replies = list(pool.map(lambda ch: loaded_app.event(dm_event(ch, unique("U"),
                                                                     QUESTION)), channels))
    assert all(r.status == 200 for r in replies)
    acks = sorted(r.seconds for r in replies)
    deadline = time.monotonic() + 120
    while not all(finals(fake, ch) for ch in channels):
        assert time.monotonic() < deadline, "not every person got an answer"
        time.sleep(0.2)
    time.sleep(1.0)
    assert all(len(finals(fake, ch)) == 1 for ch in channels)  # once each
    assert not [c for c in fake.calls if "Sorry" in c.all_text()]
    assert not fake.refused
    assert not [c for c in fake.calls if c.params.get("blocks") == []]
    assert any(c.error == "ratelimited" for c in fake.calls)  # the 429s did happen
    streamed = [c for c in fake.calls if c.method == "chat.update" and c.ok
                and "feedback_helpful" not in c.all_text()]
    assert streamed, "nothing streamed"
    updates = sorted(c.at for c in fake.calls if c.method == "chat.update")
    assert most_in_any_minute(updates) <= TIER_PER_MINUTE[3]
    assert acks[-1] < 0.5, acks  # the bench measures the p99 over 50

