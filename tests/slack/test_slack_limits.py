"""What Slack refuses or punishes, over the real app and the fake Web API that refuses it
too: acknowledgements never wait on a rate-limited call, "Show all" is acknowledged before
its modal opens and never retried past the trigger's life, every message fits Slack's
real size limits, help texts are escaped, `/jargon list` is paged."""

from __future__ import annotations

import json
import re
import time

from tests.kit.slackapp import unique
from tests.slack.test_slack_http import (
    JARGON_DRAFT,
    ask_cio,
    block_action,
    button,
    dm_event,
    in_channel,
    response_for,
)

ACK_SECONDS = 0.3  # a single request on an idle app; the load run measures the p99


def refused_in(fake, channel: str) -> list:
    return [c for c in fake.refused if c.params.get("channel") == channel]


def test_a_thread_context_change_is_acknowledged_without_calling_slack(slack_app):
    fake, channel = slack_app.fake, unique("D")
    fake.rate_limit("conversations.replies", retry_after=5, times=20)
    for _ in range(16):
        reply = slack_app.event({"type": "assistant_thread_context_changed",
                                 "assistant_thread": {"user_id": unique("U"),
                                                      "channel_id": channel,
                                                      "thread_ts": "1.000001",
                                                      "context": {"channel_id": "C1"}},
                                 "event_ts": f"{time.time():.6f}"})
        assert reply.status == 200 and reply.seconds < ACK_SECONDS
    command, _ = slack_app.command("/cio", "help")
    assert command.status == 200 and command.seconds < ACK_SECONDS
    time.sleep(0.5)
    assert not fake.find("conversations.replies") and not fake.find("chat.update",
                                                                   in_channel(channel))


def test_show_all_is_acknowledged_first_and_opens_the_modal_at_once(slack_app):
    user, channel, fake = unique("U"), unique("C"), slack_app.fake
    _, answer = ask_cio(slack_app, user=user, channel=channel)
    answer_id = button(answer.params["blocks"], "share_answer")["value"]
    fake.delays["views.open"] = 1.5
    try:
        payload = block_action("show_all", f"answer:{answer_id}", user=user, channel=channel,
                               response_id=unique("all"), fake=fake)
        reply = slack_app.interaction(payload)
        assert reply.status == 200 and reply.seconds < ACK_SECONDS  # not after views.open
        opened = fake.wait_for("views.open",
                               lambda c: c.params["trigger_id"] == payload["trigger_id"])
        assert opened[0].at - fake.find("auth.test")[0].at > 0  # it was called
    finally:
        del fake.delays["views.open"]


def test_a_rate_limited_show_all_is_never_retried_past_the_trigger(slack_app):
    user, channel, fake = unique("U"), unique("C"), slack_app.fake
    _, answer = ask_cio(slack_app, user=user, channel=channel)
    answer_id = button(answer.params["blocks"], "share_answer")["value"]
    response_id = unique("all")
    payload = block_action("show_all", f"answer:{answer_id}", user=user, channel=channel,
                           response_id=response_id, fake=fake)
    fake.rate_limit("views.open", retry_after=4,
                    when=lambda p: p.get("trigger_id") == payload["trigger_id"])
    assert slack_app.interaction(payload).status == 200
    told = response_for(fake, response_id)[0]
    assert "press the button again" in told.params["text"].lower()
    time.sleep(4.5)
    assert len(fake.find("views.open", lambda c: c.params["trigger_id"] ==
                         payload["trigger_id"])) == 1


def test_help_texts_are_escaped(slack_app):
    for command in ("/cio", "/jargon"):
        reply, _ = slack_app.command(command, "help")
        body = reply.body
        for raw in ("<draft>", "<term>", "<plain words>", "<your draft>"):
            assert raw not in body
        assert "&lt;" in body
    slack_app.event({"type": "app_home_opened", "user": (user := unique("U")),
                     "tab": "home", "event_ts": f"{time.time():.6f}"})
    home = slack_app.fake.wait_for("views.publish", lambda c: c.params["user_id"] == user)
    assert "<draft>" not in home[0].all_text() and "<term>" not in home[0].all_text()


def long_draft(chars: int, *, jargon: bool) -> str:
    sentence = (JARGON_DRAFT + " " if jargon else
                "We will meet the team leads next week to agree on the plan for the office "
                "move, and we will write to everyone with the dates once they are settled. ")
    return (sentence * (chars // len(sentence) + 1))[:chars]


def test_long_drafts_get_a_report_slack_accepts_with_the_full_one_in_a_modal(slack_app):
    fake = slack_app.fake
    for chars, jargon in ((3500, True), (5800, False), (12000, True), (12000, False)):
        channel = unique("D")
        slack_app.event(dm_event(channel, unique("U"),
                                 "check " + long_draft(chars, jargon=jargon)))
        report = fake.wait_for("chat.postMessage", in_channel(channel))[-1]
        assert report.ok and not refused_in(fake, channel), (chars, report.error)
        assert "jargon term" in report.params["text"] or "No IT jargon" in report.params["text"]
    # The last jargon-heavy one was condensed: its button opens the whole report.
    channel = unique("D")
    slack_app.event(dm_event(channel, unique("U"), "check " + long_draft(12000, jargon=True)))
    report = fake.wait_for("chat.postMessage", in_channel(channel))[-1]
    full = button(report.params["blocks"], "show_all")
    assert full["value"].startswith("check:")
    payload = block_action("show_all", full["value"], user=unique("U"), channel=channel,
                           response_id=unique("all"), fake=fake)
    slack_app.interaction(payload)
    view = fake.wait_for("views.open", lambda c: c.params["trigger_id"] ==
                         payload["trigger_id"])[0]
    assert view.ok and "*ERP*" in json.dumps(view.params["view"])  # the marked draft


def test_the_terms_list_is_paged_and_every_page_fits(slack_app):
    fake, admin, team = slack_app.fake, unique("U"), unique("T")
    fake.users[admin] = {"is_admin": True}
    names = [f"Project Name {n:02d}" for n in range(41)]
    for name in names:
        _, rid = slack_app.command("/jargon", f"add {name} = the plain name {name[-2:]}",
                                   user=admin, team=team)
        assert "Added" in response_for(fake, rid)[0].params["text"]
    _, rid = slack_app.command("/jargon", "list", user=unique("U"), team=team)
    page = response_for(fake, rid)[0]
    seen, pages = set(), 0
    while True:
        pages += 1
        assert page.ok, page.error
        shown = page.all_text()
        seen |= set(re.findall(r"Project Name \d\d", shown.split("Latest changes")[0]))
        nxt = [e for b in page.params["blocks"] for e in b.get("elements", [])
               if e.get("action_id") == "terms_page" and e["text"]["text"] == "Next"]
        if not nxt:
            break
        rid = unique("page")
        slack_app.interaction(block_action("terms_page", nxt[0]["value"], user=unique("U"),
                                           channel=unique("C"), response_id=rid, fake=fake)
                              | {"team": {"id": team}})
        page = response_for(fake, rid)[0]
    assert seen == set(names) and pages == 3
    assert "41" in page.params["text"]
    assert f"<@{admin}> added" in shown  # who changed what, and when
