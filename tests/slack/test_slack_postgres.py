"""Two hosts, one database: two `cio-coach serve --http` processes on two ports, each with
its own knowledge index, sharing one PostgreSQL database (a fresh schema on the server at
TEST_DATABASE_URL), as behind a load balancer.

A retried event delivered to each is answered once; an OAuth install through one is used
by the other; a team term added (or an audience chosen) through one applies in the other;
feedback from both is counted together; 500 signed requests over both, 50 at a time, are
all acknowledged and answered exactly once; and a database restart in the middle of a run
gets the "try again" reply during the outage and answers again afterwards, without
restarting the app.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.slack import blocks
from bot.slack.streaming import PLACEHOLDER
from bot.storage.engine import make_engine
from bot.storage.slack_state import SlackState
from tests.kit import postgres
from tests.kit.fakeslack import TEAM_ID, FakeSlack
from tests.kit.slackapp import SlackApp, start_app, unique

QUESTION = "How do I get department heads involved in choosing the ERP?"
TRY_AGAIN = "Please try again in a moment."
CLIENT_ID = "3333333333.4444444444"
CLIENT_SECRET = "fedcba9876543210fedcba9876543210"
OTHER_TEAM = "T0PGOTHER"
OTHER_TOKEN = "xoxb-pg-other-team-token"


@pytest.fixture(scope="module")
def shared_url() -> Iterator[str]:
    with postgres.fresh_schema(postgres.required("TEST_DATABASE_URL",
                                                 "the PostgreSQL tests")) as url:
        yield url


def start_hosts(fake: FakeSlack, tmp_path_factory, name: str, **env: str
                ) -> Iterator[list[SlackApp]]:
    """Two app processes started at the same moment (their migrations race), each with
    its own folder and knowledge index."""
    starting = [start_app(fake, tmp_path_factory.mktemp(f"{name}{n}"), **env) for n in (1, 2)]
    try:
        with ThreadPoolExecutor(2) as pool:
            yield list(pool.map(next, starting))
    finally:
        for app in starting:
            app.close()


@pytest.fixture(scope="module")
def hosts(fake, shared_url, tmp_path_factory) -> Iterator[list[SlackApp]]:
    # Anyone may change terms here: who may is issue 10's test, not this one's.
    yield from start_hosts(fake, tmp_path_factory, "pg-host", DATABASE_URL=shared_url,
                           SLACK_TERM_EDITORS="everyone")


def dm_event(channel: str, text: str = QUESTION) -> dict:
    return {"type": "message", "channel": channel, "channel_type": "im", "user": unique("U"),
            "text": text, "ts": f"{time.time():.6f}", "team": TEAM_ID}


def in_channel(channel: str):
    return lambda c: c.params.get("channel") == channel


def responses(fake: FakeSlack, response_id: str, count: int = 1):
    return fake.wait_for("response_url", lambda c: c.params["_response_id"] == response_id,
                         count=count, timeout=60)


def click(app: SlackApp, action_id: str, answer_id: str, user: str) -> str:
    response_id = unique("click")
    reply = app.interaction({
        "type": "block_actions", "token": "legacy", "api_app_id": "A0APP",
        "team": {"id": TEAM_ID, "domain": "fake"}, "user": {"id": user, "team_id": TEAM_ID},
        "trigger_id": unique("trig"), "response_url": app.fake.response_url(response_id),
        "container": {"type": "message", "message_ts": "1.000001", "channel_id": "C1",
                      "is_ephemeral": True}, "channel": {"id": "C1", "name": "general"},
        "actions": [{"type": "button", "action_id": action_id, "block_id": "b1",
                     "value": answer_id, "action_ts": f"{time.time():.6f}"}]})
    assert reply.status == 200
    return responses(app.fake, response_id)[0].params["text"]


def test_a_retried_event_delivered_to_each_host_is_answered_once(hosts):
    fake, channel, event_id = hosts[0].fake, unique("D"), unique("EvTwice")
    event = dm_event(channel)

    def deliver(n: int):
        retry = {"X-Slack-Retry-Num": str(n), "X-Slack-Retry-Reason": "http_timeout"}
        return hosts[n % 2].event(event, event_id=event_id, headers=retry if n else {})

    with ThreadPoolExecutor(6) as pool:
        assert [r.status for r in pool.map(deliver, range(6))] == [200] * 6
    fake.wait_for_answer(channel)
    time.sleep(1.0)
    assert len(fake.find("chat.postMessage", in_channel(channel))) == 1
    assert len(shown_in(fake, channel)) == 1


def test_a_team_term_added_through_one_host_applies_in_the_other(hosts):
    first, second = hosts
    _, added = first.command("/jargon", "add Falcon = the new ordering system")
    assert "Added" in responses(first.fake, added)[0].params["text"]
    _, checked = second.command("/jargon", "Falcon goes live on Monday.")
    report = responses(second.fake, checked)[0].all_text()
    assert "Falcon" in report and "the new ordering system" in report


def test_an_audience_chosen_through_one_host_applies_in_the_other(hosts):
    first, second = hosts
    person, colleague = unique("U"), unique("U")
    draft = "Please check the GL accounts before Friday."  # GL: finance readers know it
    _, chosen = first.command("/jargon", "audience finance", user=person)
    assert "*finance*" in responses(first.fake, chosen)[0].params["text"]
    _, mine = second.command("/jargon", draft, user=person)
    report = responses(second.fake, mine)[0].all_text()
    assert "*GL*" not in report and "Checked for *finance* readers" in report
    _, theirs = second.command("/jargon", draft, user=colleague)
    assert "*GL*" in responses(second.fake, theirs)[0].all_text()


def test_feedback_through_both_hosts_is_counted_together(hosts, shared_url):
    first, second = hosts
    state = SlackState(make_engine(shared_url))
    before = state.feedback_counts(TEAM_ID)
    _, asked = first.command("/cio", QUESTION)
    message = responses(first.fake, asked)[0].params
    answer_id = next(e["value"] for b in message["blocks"] for e in b.get("elements", [])
                     if e.get("action_id") == blocks.ACTION_HELPFUL)
    assert "Thanks" in click(first, blocks.ACTION_HELPFUL, answer_id, unique("U"))
    assert "Thanks" in click(second, blocks.ACTION_HELPFUL, answer_id, unique("U"))
    assert "Thanks" in click(second, blocks.ACTION_NOT_HELPFUL, answer_id, unique("U"))
    helpful, not_helpful = state.feedback_counts(TEAM_ID)
    assert (helpful - before[0], not_helpful - before[1]) == (2, 1)
    state.engine.dispose()


def send_mixed(hosts: list[SlackApp], n: int, tag: str) -> tuple[int, str, str]:
    """The n-th request of a run: a /cio command or a DM, to one host or the other.
    Returns (HTTP status, "command" or "dm", its response id or channel)."""
    app = hosts[n % 2]
    if n % 4 < 2:
        reply, response_id = app.command("/cio", QUESTION)
        return reply.status, "command", response_id
    channel = f"D{tag}{n}"
    return app.event(dm_event(channel)).status, "dm", channel


SHOWN_BY = ("chat.update", "chat.postMessage", "chat.stopStream")


def shown_in(fake: FakeSlack, channel: str) -> list[str]:
    """What a DM's person was shown in its place, placeholders aside: an answer replaces
    its placeholder, or (under load) is posted when ready."""
    return [c.params.get("text", "") for c in fake.calls if c.method in SHOWN_BY and c.ok
            and c.params.get("channel") == channel and c.params.get("text")
            and c.params.get("text") != PLACEHOLDER]


def wait_for_answers(fake: FakeSlack, sent: list[tuple[int, str, str]], timeout: float
                     ) -> None:
    commands = {key for _, kind, key in sent if kind == "command"}
    channels = {key for _, kind, key in sent if kind == "dm"}
    fake.wait_for("response_url", lambda c: c.params["_response_id"] in commands,
                  count=len(commands), timeout=timeout)
    deadline = time.monotonic() + timeout
    waiting = set(channels)
    while waiting and time.monotonic() < deadline:
        with fake.lock:
            waiting = {ch for ch in waiting if not shown_in(fake, ch)}
        time.sleep(0.1)
    assert not waiting, f"{len(waiting)} DMs got no answer within {timeout}s"


def delivered(fake: FakeSlack, kind: str, key: str) -> list[str]:
    """The texts the person was shown for one request (the final one last)."""
    if kind == "command":
        return [c.params.get("text", "") for c in fake.find(
            "response_url", lambda c: c.params["_response_id"] == key)]
    return shown_in(fake, key)


def test_500_requests_over_both_hosts_are_all_answered_once(hosts):
    fake, tag = hosts[0].fake, unique("run")
    with ThreadPoolExecutor(50) as pool:
        sent = list(pool.map(lambda n: send_mixed(hosts, n, tag), range(500)))
    assert [status for status, _, _ in sent] == [200] * 500
    wait_for_answers(fake, sent, timeout=240)
    time.sleep(1.0)  # a duplicate would arrive right behind its twin
    for _, kind, key in sent:
        shown = delivered(fake, kind, key)
        assert len(shown) == 1 and "ERP" in shown[0], (kind, key, shown)
        if kind == "dm":  # one message: a placeholder replaced, or the answer posted
            posted = [c for c in fake.find("chat.postMessage", in_channel(key)) if c.ok]
            assert len(posted) == 1, key


def test_a_database_restart_mid_run(hosts, pg_server):
    fake, tag = hosts[0].fake, unique("restart")
    before = [send_mixed(hosts, n, tag + "a") for n in range(8)]
    wait_for_answers(fake, before, timeout=60)
    postgres.stop(pg_server)
    try:
        during = [send_mixed(hosts, n, tag + "b") for n in range(8)]
        assert [status for status, _, _ in during] == [200] * 8
        wait_for_answers(fake, during, timeout=60)
    finally:
        postgres.restart(pg_server)
    after = [send_mixed(hosts, n, tag + "c") for n in range(8)]
    assert [status for status, _, _ in after] == [200] * 8
    wait_for_answers(fake, after, timeout=60)
    for _, kind, key in during:
        assert TRY_AGAIN in delivered(fake, kind, key)[-1]
    for _, kind, key in before + after:
        assert "ERP" in delivered(fake, kind, key)[-1]


@pytest.fixture
def oauth_hosts(fake, tmp_path_factory) -> Iterator[list[SlackApp]]:
    with postgres.fresh_schema(postgres.required("TEST_DATABASE_URL",
                                                 "the PostgreSQL tests")) as url:
        yield from start_hosts(fake, tmp_path_factory, "pg-oauth", DATABASE_URL=url,
                               SLACK_CLIENT_ID=CLIENT_ID, SLACK_CLIENT_SECRET=CLIENT_SECRET,
                               SLACK_BOT_TOKEN="")


def test_an_install_through_one_host_is_used_by_the_other(oauth_hosts):
    """The install starts on one host and comes back to the other (a load balancer does
    not keep the person on one host): the OAuth state and the installation are shared."""
    import re

    first, second = oauth_hosts
    fake = first.fake
    fake.tokens[OTHER_TOKEN] = {"team_id": OTHER_TEAM, "user_id": "U0BOT2", "bot_id": "B0BOT2"}
    fake.oauth_installs["code-pg"] = {
        "ok": True, "app_id": "A0APP", "access_token": OTHER_TOKEN, "token_type": "bot",
        "scope": "chat:write,commands,im:history", "bot_user_id": "U0BOT2",
        "team": {"id": OTHER_TEAM, "name": "Other Co"}, "enterprise": None,
        "authed_user": {"id": "U0INSTALLER"}, "is_enterprise_install": False}
    page = first.get("/slack/install")
    state = re.search(r"state=([A-Za-z0-9_-]+)", page.body).group(1)
    done = second.get(f"/slack/oauth_redirect?code=code-pg&state={state}",
                      headers={"Cookie": f"slack-app-oauth-state={state}"})
    assert done.status == 200, done.body[:300]
    for app in oauth_hosts:
        channel = unique("D")
        assert app.event(dm_event(channel), team=OTHER_TEAM).status == 200
        final = fake.wait_for_answer(channel)[0]
        assert final.token == OTHER_TOKEN and "ERP" in final.params["text"]
    assert len(fake.find("oauth.v2.access", lambda c: c.params["code"] == "code-pg")) == 1
