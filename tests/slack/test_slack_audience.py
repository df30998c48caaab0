"""Who reads a person's drafts, chosen in Slack: `/jargon audience` for the person and (by
those the terms policy allows) for the workspace, App Home's select, and every jargon
check in Slack (the command, a DM, the shortcut) checked for the audience named in the
command, else the person's, else the workspace's default, else the one the draft's
opening names. Signed requests into the real app, against the fake Slack."""

from __future__ import annotations

import json
import sqlite3
import time

from tests.kit.fakeslack import TEAM_ID
from tests.kit.slackapp import unique
from tests.slack.test_slack_http import dm_event, in_channel, response_for

FINANCE_DRAFT = "Please check the GL accounts before Friday."  # GL: finance knows it
PLANT_DRAFT = "The new BOM is ready for the plant on Monday."  # BOM: operations knows it
CHOICES = "general, finance, operations, sales, executive"


def jargon(slack_app, text: str, user: str) -> dict:
    """The reply to `/jargon TEXT` from `user`, as sent to the response_url."""
    reply, response_id = slack_app.command("/jargon", text, user=user)
    assert reply.status == 200 and reply.seconds < 3
    return response_for(slack_app.fake, response_id)[0].params


def shown(params: dict) -> str:
    return json.dumps({k: params.get(k) for k in ("text", "blocks")}, ensure_ascii=False)


def flagged(params: dict, term: str) -> bool:
    """Whether the report marks `term` as jargon (bold in the draft and the alternatives)."""
    return f"*{term}*" in shown(params)


def audience_rows(db_path, table: str, team: str = TEAM_ID) -> list[tuple]:
    with sqlite3.connect(db_path) as db:
        return db.execute(f"SELECT * FROM {table} WHERE team_id = ?", [team]).fetchall()


def test_a_persons_audience_applies_to_their_checks_and_no_one_elses(slack_app):
    finance_person, colleague = unique("U"), unique("U")
    assert "No audience is chosen" in jargon(slack_app, "audience", finance_person)["text"]
    done = jargon(slack_app, "audience finance", finance_person)
    assert done["response_type"] == "ephemeral" and "*finance*" in done["text"]

    mine = jargon(slack_app, FINANCE_DRAFT, finance_person)
    assert mine["response_type"] == "ephemeral"
    assert not flagged(mine, "GL") and "No IT jargon found" in mine["text"]
    assert "Checked for *finance* readers (your choice)" in shown(mine)
    assert "/jargon audience" in shown(mine)  # how to change it
    theirs = jargon(slack_app, FINANCE_DRAFT, colleague)
    assert flagged(theirs, "GL") and "Checked for" not in shown(theirs)

    status = jargon(slack_app, "audience", finance_person)["text"]
    assert "*finance* readers (your choice)" in status and CHOICES in status
    assert "Cleared" in jargon(slack_app, "audience reset", finance_person)["text"]
    assert flagged(jargon(slack_app, FINANCE_DRAFT, finance_person), "GL")
    assert "Done" in jargon(slack_app, "audience FINANCE", finance_person)["text"]
    assert "*general* readers" in jargon(slack_app, "audience general", finance_person)["text"]
    assert flagged(jargon(slack_app, FINANCE_DRAFT, finance_person), "GL")
    assert "Cleared" in jargon(slack_app, "audience reset", finance_person)["text"]
    assert not [r for r in audience_rows(slack_app.db_path, "jargon_user_audiences")
                if r[1] == finance_person]


def test_dm_checks_and_the_shortcut_use_the_persons_audience(slack_app):
    fake, person, channel = slack_app.fake, unique("U"), unique("D")
    jargon(slack_app, "audience finance", person)
    slack_app.event(dm_event(channel, person, f"check {FINANCE_DRAFT}"))
    report = fake.wait_for("chat.postMessage", in_channel(channel))[0]
    assert "No IT jargon found" in report.params["text"]
    assert "Checked for *finance* readers" in report.all_text()

    one_off = unique("D")  # named in the message itself: wins over the person's choice
    slack_app.event(dm_event(one_off, person, f"check --audience operations {FINANCE_DRAFT}"))
    report = fake.wait_for("chat.postMessage", in_channel(one_off))[0]
    assert "*GL*" in report.all_text() and "*operations* readers (as you asked)" in \
        report.all_text()

    response_id = unique("sc")
    slack_app.interaction({
        "type": "message_action", "callback_id": "check_jargon", "token": "legacy",
        "trigger_id": unique("trig"), "team": {"id": TEAM_ID, "domain": "fake"},
        "user": {"id": person, "name": "pat"}, "channel": {"id": unique("C"), "name": "x"},
        "message": {"type": "message", "user": "U0AUTHOR", "ts": "1.000002",
                    "text": FINANCE_DRAFT},
        "message_ts": "1.000002", "response_url": fake.response_url(response_id)})
    checked = response_for(fake, response_id)[0].params
    assert checked["response_type"] == "ephemeral" and not flagged(checked, "GL")
    jargon(slack_app, "audience reset", person)


def test_the_workspace_default_applies_to_people_without_a_choice(slack_app):
    fake = slack_app.fake
    member, admin, chooser, newcomer = (unique("U") for _ in range(4))
    fake.users[admin] = {"is_admin": True}
    refused = jargon(slack_app, "audience --workspace operations", member)["text"]
    assert "Only workspace admins and owners can change this workspace's default " \
        "audience" in refused
    assert not audience_rows(slack_app.db_path, "jargon_team_audiences")
    jargon(slack_app, "audience finance", chooser)
    try:
        set_ = jargon(slack_app, "audience —workspace operations", admin)["text"]  # a dash
        assert "default audience is now *operations*" in set_
        assert audience_rows(slack_app.db_path, "jargon_team_audiences")[0][1:3] == \
            ("operations", admin)

        theirs = jargon(slack_app, PLANT_DRAFT, newcomer)
        assert not flagged(theirs, "BOM")
        assert "*operations* readers (this workspace's default)" in shown(theirs)
        assert "choose your own" in shown(theirs).lower()
        assert f"set by <@{admin}>" in jargon(slack_app, "audience", newcomer)["text"]
        assert flagged(jargon(slack_app, PLANT_DRAFT, chooser), "BOM")  # their own wins
        named = jargon(slack_app, f"--audience general {PLANT_DRAFT}", newcomer)
        assert flagged(named, "BOM")  # named in the command: wins over the default
    finally:
        cleared = jargon(slack_app, "audience --workspace reset", admin)["text"]
    assert "Cleared this workspace's default" in cleared
    assert flagged(jargon(slack_app, PLANT_DRAFT, newcomer), "BOM")
    jargon(slack_app, "audience reset", chooser)


def test_the_opening_line_still_decides_when_nobody_chose(slack_app):
    report = jargon(slack_app, f"Finance team: {FINANCE_DRAFT}", unique("U"))
    assert not flagged(report, "GL")
    assert "guessed from your draft" in shown(report)


def home_select(slack_app, user: str, value: str) -> None:
    reply = slack_app.interaction({
        "type": "block_actions", "token": "legacy", "api_app_id": "A0APP",
        "team": {"id": TEAM_ID, "domain": "fake"}, "user": {"id": user, "team_id": TEAM_ID},
        "trigger_id": unique("trig"), "container": {"type": "view", "view_id": "V0VIEW"},
        "view": {"id": "V0VIEW", "type": "home", "blocks": []},
        "actions": [{"type": "static_select", "action_id": "choose_audience", "block_id": "a",
                     "selected_option": {"text": {"type": "plain_text", "text": value},
                                         "value": value},
                     "action_ts": f"{time.time():.6f}"}]})
    assert reply.status == 200 and reply.seconds < 3


def select_in(view: dict) -> dict:
    return next(b["accessory"] for b in view["blocks"]
                if (b.get("accessory") or {}).get("action_id") == "choose_audience")


def test_app_home_shows_the_audience_and_its_select_stores_a_new_one(slack_app):
    fake, user = slack_app.fake, unique("U")
    slack_app.event({"type": "app_home_opened", "user": user, "channel": unique("D"),
                     "tab": "home", "event_ts": f"{time.time():.6f}"})
    home = fake.wait_for("views.publish", lambda c: c.params["user_id"] == user)[0]
    select = select_in(home.params["view"])
    assert [o["value"] for o in select["options"]] == [*CHOICES.split(", "), "reset"]
    assert "initial_option" not in select and "No audience is chosen" in home.all_text()

    home_select(slack_app, user, "sales")
    again = fake.wait_for("views.publish", lambda c: c.params["user_id"] == user, count=2)[1]
    assert select_in(again.params["view"])["initial_option"]["value"] == "sales"
    assert "*sales* readers (your choice)" in again.all_text()
    with sqlite3.connect(slack_app.db_path) as db:
        assert db.execute("SELECT audience FROM jargon_user_audiences WHERE team_id = ? AND "
                          "user_id = ?", [TEAM_ID, user]).fetchall() == [("sales",)]
    assert "*sales* readers (your choice)" in jargon(slack_app, "audience", user)["text"]

    home_select(slack_app, user, "reset")  # no audience of one's own
    cleared = fake.wait_for("views.publish", lambda c: c.params["user_id"] == user, count=3)[2]
    assert "initial_option" not in select_in(cleared.params["view"])
    assert "No audience is chosen" in cleared.all_text()

    home_select(slack_app, user, "<!channel> klingon")  # not one of the options
    told = fake.wait_for("chat.postMessage", in_channel(user))[0].params["text"]
    assert "There is no audience called" in told and CHOICES in told
    assert "<!channel>" not in told and "&lt;" in told


def test_a_bad_audience_name_gets_the_choices_and_is_escaped(slack_app):
    user = unique("U")
    for text in ("audience klingon", "audience --workspace klingon",
                 f"--audience klingon {FINANCE_DRAFT}"):
        reply = jargon(slack_app, text, user)["text"]
        assert "There is no audience called “klingon”" in reply and CHOICES in reply, text
    sneaky = jargon(slack_app, "audience &lt;!here&gt;", user)["text"]
    assert "<!here>" not in sneaky and "&lt;!here&gt;" in sneaky
    assert "Write it as" in jargon(slack_app, "audience finance sales", user)["text"]
    assert "Put the draft after" in jargon(slack_app, "--audience finance", user)["text"]
    assert "Name the audience" in jargon(slack_app, "--audience", user)["text"]
    assert "Done" in jargon(slack_app, "audience\nfinance", user)["text"]  # any whitespace
    jargon(slack_app, "audience reset", user)
    long_draft = "Audience research shows the GL accounts need a cleaner layout this year."
    assert flagged(jargon(slack_app, long_draft, user), "GL")  # a draft, not the subcommand
    assert not [r for r in audience_rows(slack_app.db_path, "jargon_user_audiences")
                if r[1] == user]


def test_jargon_help_mentions_the_audience(slack_app):
    reply, _ = slack_app.command("/jargon", "help")
    assert "/jargon audience" in reply.body and "--workspace" in reply.body
    reply, _ = slack_app.command("/cio", "help")
    assert "/jargon audience" in reply.body
