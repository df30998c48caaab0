"""Who may change or see what: workspace terms by admins and owners only (by default), a
clear reply to anyone else, every change recorded and shown; App Home shows a person's
own questions only; buttons act only on their own workspace's answers and reports; a
thread reply also sent to the DM is answered."""

from __future__ import annotations

import json
import sqlite3
import time

from tests.kit.fakeslack import TEAM_ID
from tests.kit.slackapp import unique
from tests.slack.test_slack_http import (
    QUESTION,
    ask_cio,
    block_action,
    button,
    dm_event,
    in_channel,
    response_for,
)


def jargon(slack_app, text: str, user: str) -> str:
    _, response_id = slack_app.command("/jargon", text, user=user)
    return response_for(slack_app.fake, response_id)[0].all_text()


def test_only_admins_and_owners_change_the_terms(slack_app):
    fake = slack_app.fake
    member, guest, admin, owner = (unique("U") for _ in range(4))
    fake.users.update({guest: {"is_restricted": True}, admin: {"is_admin": True},
                       owner: {"is_owner": True}})
    for person in (member, guest):
        refused = jargon(slack_app, "add Widget = the small part", person)
        assert "Only workspace admins and owners" in refused
        assert "&lt;draft&gt;" in refused  # the hint is escaped
        assert "Only workspace admins" in jargon(slack_app, "remove API", person)
    assert "Widget" not in jargon(slack_app, "list", member).split("Latest changes")[0]
    assert "Added" in jargon(slack_app, "add Widget = the small part", admin)
    assert "Removed" in jargon(slack_app, "remove API", owner)
    listed = jargon(slack_app, "list", member)  # everyone may read the list
    assert "Widget" in listed and "~API~" in listed
    assert f"<@{admin}> added *Widget*" in listed and f"<@{owner}> removed *API*" in listed
    with sqlite3.connect(slack_app.db_path) as db:
        changes = db.execute("SELECT user_id, change, term FROM jargon_team_changes "
                             "WHERE team_id = ? ORDER BY id", [TEAM_ID]).fetchall()
    assert (admin, "add", "Widget") in changes and (owner, "remove", "API") in changes
    assert not [c for c in changes if c[0] in (member, guest)]
    jargon(slack_app, "remove Widget", admin)
    assert len(fake.find("users.info", lambda c: c.params.get("user") == admin)) == 1  # cached


def test_feedback_is_stored_and_counted_in_app_home(slack_app):
    user, channel = unique("U"), unique("C")
    _, answer = ask_cio(slack_app, user=user, channel=channel)
    answer_id = button(answer.params["blocks"], "feedback_helpful")["value"]
    response_id = unique("fb")
    slack_app.interaction(block_action("feedback_helpful", answer_id, user=user,
                                       channel=channel, response_id=response_id,
                                       fake=slack_app.fake))
    assert "helpful" in response_for(slack_app.fake, response_id)[0].params["text"]
    with sqlite3.connect(slack_app.db_path) as db:
        row = db.execute("SELECT question, answer, citations, helpful FROM slack_feedback"
                         " WHERE user_id = ?", [user]).fetchone()
    assert row[0] == QUESTION and "ERP" in row[1] and json.loads(row[2])[0]["locator"]
    assert row[3] == 1

    slack_app.event({"type": "app_home_opened", "user": user, "channel": unique("D"),
                     "tab": "home", "event_ts": f"{time.time():.6f}"})
    home = slack_app.fake.wait_for("views.publish", lambda c: c.params["user_id"] == user)[0]
    shown = home.all_text()
    assert home.params["view"]["type"] == "home"
    assert "1 helpful" in shown and "Your recent questions" in shown
    assert QUESTION in shown  # the viewer's own question
    assert "/jargon" in shown


def test_app_home_never_shows_another_persons_question(slack_app):
    asker, viewer = unique("U"), unique("U")
    secret = "How do I tell the board our ERP project is failing badly?"
    ask_cio(slack_app, secret, user=asker)
    for user in (viewer, asker):
        slack_app.event({"type": "app_home_opened", "user": user, "channel": unique("D"),
                         "tab": "home", "event_ts": f"{time.time():.6f}"})
    seen = {user: slack_app.fake.wait_for("views.publish", lambda c, u=user:
                                          c.params["user_id"] == u)[0].all_text()
            for user in (viewer, asker)}
    assert "failing badly" not in seen[viewer] and "failing badly" in seen[asker]
    assert "this week" in seen[viewer] and "question" in seen[viewer]  # counts only


def test_feedback_from_another_workspace_is_refused(slack_app):
    user, channel = unique("U"), unique("C")
    _, answer = ask_cio(slack_app, user=user, channel=channel)
    answer_id = button(answer.params["blocks"], "feedback_helpful")["value"]
    response_id = unique("fb")
    payload = block_action("feedback_helpful", answer_id, user=user, channel=channel,
                           response_id=response_id, fake=slack_app.fake)
    payload["team"] = {"id": "T0INTRUDER"}
    slack_app.interaction(payload)
    assert "no longer available" in response_for(slack_app.fake, response_id)[0].all_text()
    with sqlite3.connect(slack_app.db_path) as db:
        assert not db.execute("SELECT 1 FROM slack_feedback WHERE answer_id = ?",
                              [int(answer_id)]).fetchall()


def test_show_all_from_another_workspace_opens_nothing(slack_app):
    user, channel = unique("U"), unique("C")
    _, answer = ask_cio(slack_app, user=user, channel=channel)
    answer_id = button(answer.params["blocks"], "share_answer")["value"]
    response_id = unique("all")
    payload = block_action("show_all", f"answer:{answer_id}", user=user, channel=channel,
                           response_id=response_id, fake=slack_app.fake)
    payload["team"] = {"id": "T0INTRUDER"}
    slack_app.interaction(payload)
    assert "no longer available" in response_for(slack_app.fake, response_id)[0].all_text()
    assert not slack_app.fake.find("views.open", lambda c: c.params["trigger_id"] ==
                                   payload["trigger_id"])


def test_a_thread_reply_also_sent_to_the_dm_is_answered_once(slack_app):
    fake, channel, user = slack_app.fake, unique("D"), unique("U")
    first = dm_event(channel, user, QUESTION)
    slack_app.event(first)
    fake.wait_for_answer(channel)
    broadcast = dm_event(channel, user, "why does that matter?", thread_ts=first["ts"],
                         subtype="thread_broadcast")
    assert slack_app.event(broadcast).status == 200
    fake.wait_for_answer(channel, count=2)
    time.sleep(0.5)
    assert len(fake.wait_for_answer(channel)) == 2  # once each
    posts = fake.find("chat.postMessage", lambda c: in_channel(channel)(c) and c.ok)
    assert all(p.params["thread_ts"] == first["ts"] for p in posts)
