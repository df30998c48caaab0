"""The Slack app end to end over HTTP: `cio-coach serve --http` against the fake Slack.

Every request is v0-signed like Slack's; assertions are on what the app sent back to the
fake Web API (and response_urls) and on its HTTP replies.
"""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

from tests.kit.fakeslack import BOT_ID, BOT_USER_ID, TEAM_ID
from tests.kit.slackapp import SIGNING_SECRET, sign, unique

QUESTION = "How do I get department heads involved in choosing the ERP?"
OFF_TOPIC = "What is the best recipe for sourdough bread with rye flour?"
JARGON_DRAFT = "We will leverage the API and migrate the ERP to the cloud during the go-live."


def response_for(fake, response_id: str, count: int = 1):
    return fake.wait_for("response_url", lambda c: c.params["_response_id"] == response_id,
                         count=count)


def in_channel(channel: str):
    return lambda c: c.params.get("channel") == channel


def button(blocks: list[dict], action_id: str) -> dict:
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return element
    raise AssertionError(f"no {action_id} button in {json.dumps(blocks)[:500]}")


def dm_event(channel: str, user: str, text: str, **extra) -> dict:
    return {"type": "message", "channel": channel, "channel_type": "im", "user": user,
            "text": text, "ts": f"{time.time():.6f}", "event_ts": f"{time.time():.6f}",
            "team": TEAM_ID, **extra}


def block_action(action_id: str, value: str, *, user: str, channel: str, response_id: str,
                 fake) -> dict:
    return {"type": "block_actions", "token": "legacy", "api_app_id": "A0APP",
            "team": {"id": TEAM_ID, "domain": "fake"},
            "user": {"id": user, "username": "pat", "team_id": TEAM_ID},
            "trigger_id": unique("trig"), "response_url": fake.response_url(response_id),
            "container": {"type": "message", "message_ts": "1.000001", "channel_id": channel,
                          "is_ephemeral": True},
            "channel": {"id": channel, "name": "general"},
            "actions": [{"type": "button", "action_id": action_id, "block_id": "b1",
                         "value": value, "action_ts": f"{time.time():.6f}"}]}


def ask_cio(slack_app, question: str = QUESTION, *, user: str | None = None,
            channel: str | None = None):
    reply, response_id = slack_app.command("/cio", question, user=user, channel=channel)
    assert reply.status == 200
    return reply, response_for(slack_app.fake, response_id)[0]


# --- signatures ----------------------------------------------------------------------------

def test_forged_and_stale_signatures_are_rejected(slack_app):
    body = urlencode({"command": "/cio", "text": "help", "team_id": TEAM_ID, "user_id": "U1",
                      "channel_id": "C1", "response_url": slack_app.fake.response_url("x")})
    forged = sign(body, secret="not-the-secret-at-all")
    stale = sign(body, timestamp=int(time.time()) - 10 * 60)
    tampered = sign(body.replace("help", "hel"))
    for headers in (forged, stale, tampered, {}):
        reply = slack_app.post(body, "application/x-www-form-urlencoded", signed=False,
                               headers=headers)
        assert reply.status == 401, headers
    good = slack_app.post(body, "application/x-www-form-urlencoded")
    assert good.status == 200


def test_signature_matches_slack_sdk_verifier():
    from slack_sdk.signature import SignatureVerifier

    body = "token=x&text=hello"
    headers = sign(body)
    verifier = SignatureVerifier(SIGNING_SECRET)
    assert verifier.is_valid(body, headers["X-Slack-Request-Timestamp"],
                             headers["X-Slack-Signature"])


def test_url_verification_challenge(slack_app):
    body = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "t"})
    reply = slack_app.post(body, "application/json")
    assert reply.status == 200 and "abc123" in reply.body


# --- /cio ----------------------------------------------------------------------------------

def test_cio_help_lists_what_it_can_do(slack_app):
    for text in ("", "help"):
        reply, _ = slack_app.command("/cio", text)
        assert reply.status == 200
        shown = reply.json()
        assert "/jargon" in json.dumps(shown)
        assert "Check for jargon" in json.dumps(shown)
        assert QUESTION in json.dumps(shown)  # an example question


def test_cio_answers_privately_with_citations_and_buttons(slack_app):
    reply, answer = ask_cio(slack_app)
    assert reply.seconds < 3
    assert reply.json()["text"]  # the placeholder the asker sees at once
    p = answer.params
    assert p["response_type"] == "ephemeral" and p["replace_original"] is True
    assert "ERP" in p["text"]
    shown = json.dumps(p["blocks"], ensure_ascii=False)
    assert "[1]" in shown and "›" in shown  # a citation with its locator
    for action_id in ("feedback_helpful", "feedback_not_helpful", "share_answer"):
        assert button(p["blocks"], action_id)["value"].isdigit()


def test_cio_says_when_the_texts_do_not_cover_it(slack_app):
    _, answer = ask_cio(slack_app, OFF_TOPIC)
    assert "share_answer" in json.dumps(answer.params["blocks"])
    assert "don't cover" in answer.params["text"] or "do not cover" in answer.all_text()


def test_share_posts_the_answer_in_the_channel(slack_app):
    user, channel = unique("U"), unique("C")
    _, answer = ask_cio(slack_app, user=user, channel=channel)
    answer_id = button(answer.params["blocks"], "share_answer")["value"]
    response_id = unique("share")
    reply = slack_app.interaction(block_action("share_answer", answer_id, user=user,
                                               channel=channel, response_id=response_id,
                                               fake=slack_app.fake))
    assert reply.status == 200
    posted = slack_app.fake.wait_for("chat.postMessage", in_channel(channel))[0]
    assert f"<@{user}> shared" in posted.all_text()
    assert "ERP" in posted.params["text"]
    assert posted.token == "xoxb-fake-team-token"
    assert "Shared" in response_for(slack_app.fake, response_id)[0].params["text"]


def test_share_in_a_channel_the_app_is_not_in_goes_through_the_response_url(slack_app):
    user, channel = unique("U"), unique("C")
    _, answer = ask_cio(slack_app, user=user, channel=channel)
    answer_id = button(answer.params["blocks"], "share_answer")["value"]
    slack_app.fake.fail("chat.postMessage", error="not_in_channel",
                        when=lambda p: p.get("channel") == channel)
    response_id = unique("share")
    slack_app.interaction(block_action("share_answer", answer_id, user=user, channel=channel,
                                       response_id=response_id, fake=slack_app.fake))
    posted, confirmed = response_for(slack_app.fake, response_id, count=2)
    assert posted.params["response_type"] == "in_channel" and "ERP" in posted.params["text"]
    assert f"<@{user}> shared" in posted.all_text()
    assert confirmed.params["text"] == "Shared in the channel."


def test_unknown_answer_id_gets_a_reply_not_silence(slack_app):
    response_id = unique("fb")
    slack_app.interaction(block_action("feedback_not_helpful", "999999", user=unique("U"),
                                       channel=unique("C"), response_id=response_id,
                                       fake=slack_app.fake))
    assert "no longer available" in response_for(slack_app.fake, response_id)[0].params["text"]


# --- direct messages, mentions --------------------------------------------------------------

def test_dm_is_answered_in_its_thread_after_a_placeholder(slack_app):
    fake, channel, user = slack_app.fake, unique("D"), unique("U")
    event = dm_event(channel, user, QUESTION)
    reply = slack_app.event(event)
    assert reply.status == 200 and reply.seconds < 3
    final = fake.wait_for_answer(channel)[0]
    assert final.params.get("ts") or final.params["thread_ts"] == event["ts"]
    assert fake.find("chat.postMessage", in_channel(channel))[0].params["thread_ts"] == \
        event["ts"]
    assert "ERP" in final.params["text"]
    shown = final.all_text()
    assert "feedback_helpful" in shown
    assert "share_answer" not in shown  # a DM answer has no one to share it with


def test_a_greeting_gets_a_friendly_reply_without_feedback_buttons(slack_app):
    fake, channel, user = slack_app.fake, unique("D"), unique("U")
    slack_app.event(dm_event(channel, user, "hi!"))
    [reply] = fake.wait_for_answer(channel, marker="For example")
    shown = reply.all_text()
    assert "feedback_helpful" not in shown and "don't cover" not in shown
    assert "first 90 days" in shown or "department heads" in shown


def test_dm_follow_up_in_the_thread_uses_the_earlier_turn(slack_app):
    fake, channel, user = slack_app.fake, unique("D"), unique("U")
    first = dm_event(channel, user, QUESTION)
    slack_app.event(first)
    fake.wait_for_answer(channel)
    # The thread is not an AI-app thread in this workspace: the status call is tried,
    # refused, and a placeholder is shown instead.
    fake.fail("assistant.threads.setStatus", error="not_allowed_token_type",
              when=lambda p: p.get("channel_id") == channel)
    follow_up = dm_event(channel, user, "why?", thread_ts=first["ts"])
    slack_app.event(follow_up)
    answer = fake.wait_for_answer(channel, count=2)[-1].params
    assert "don't cover" not in answer["text"], "the follow-up lost the thread's topic"
    posted = fake.find("chat.postMessage", in_channel(channel))
    assert all(p.params["thread_ts"] == first["ts"] for p in posted)


def test_dm_check_gives_the_jargon_report(slack_app):
    fake, channel, user = slack_app.fake, unique("D"), unique("U")
    slack_app.event(dm_event(channel, user, f"check {JARGON_DRAFT}"))
    report = fake.wait_for("chat.postMessage", in_channel(channel))[0]
    shown = report.all_text()
    assert "jargon term" in report.params["text"]
    assert "*ERP*" in shown or "*API*" in shown  # highlighted in the draft


def test_mention_is_answered_in_a_thread_and_injection_is_escaped(slack_app):
    fake, channel, user = slack_app.fake, unique("C"), unique("U")
    text = (f"<@{BOT_USER_ID}> <!channel> <!here> <@U0VICTIM> &lt;!everyone&gt; "
            "how do I get department heads involved in choosing the ERP?")
    event = {"type": "app_mention", "channel": channel, "user": user, "text": text,
             "ts": f"{time.time():.6f}", "event_ts": f"{time.time():.6f}"}
    slack_app.event(event)
    posted = fake.wait_for("chat.postMessage", in_channel(channel))[0]
    assert posted.params["thread_ts"] == event["ts"]
    final = fake.wait_for_answer(channel)[0]
    shown = " ".join(c.all_text() for c in fake.find("chat.postMessage", in_channel(channel))
                     + [final])
    for injected in ("<!channel>", "<!here>", "<!everyone>", "<@U0VICTIM>", "@channel",
                     "@here"):
        assert injected not in shown
    assert "ERP" in final.params["text"]


def test_a_retried_event_is_answered_once(slack_app):
    fake, channel = slack_app.fake, unique("D")
    event = dm_event(channel, unique("U"), QUESTION)
    event_id = unique("EvRetry")
    assert slack_app.event(event, event_id=event_id).status == 200
    fake.wait_for_answer(channel)
    for attempt in (1, 2):
        reply = slack_app.event(event, event_id=event_id,
                                headers={"X-Slack-Retry-Num": str(attempt),
                                         "X-Slack-Retry-Reason": "http_timeout"})
        assert reply.status == 200
    time.sleep(1.0)
    assert len(fake.find("chat.postMessage", in_channel(channel))) == 1
    assert len(fake.wait_for_answer(channel)) == 1


def test_bots_itself_edits_and_deletions_are_ignored(slack_app):
    fake, channel = slack_app.fake, unique("D")
    ignored = [
        dm_event(channel, BOT_USER_ID, "my own answer"),
        dm_event(channel, "U0OTHERBOT", "another bot", bot_id="B0OTHER", subtype="bot_message"),
        dm_event(channel, "U0OTHERBOT", "bot without subtype", bot_id="B0OTHER"),
        dm_event(channel, "", "edited", subtype="message_changed",
                 message={"text": QUESTION, "user": "U1", "ts": "1.1"}),
        dm_event(channel, "", "", subtype="message_deleted", deleted_ts="1.1"),
        dm_event(channel, BOT_USER_ID, "self", bot_id=BOT_ID),
    ]
    for event in ignored:
        assert slack_app.event(event).status == 200
    marker = unique("D")
    slack_app.event(dm_event(marker, unique("U"), QUESTION))
    fake.wait_for_answer(marker)  # later work is done: nothing came
    assert fake.find("chat.postMessage", in_channel(channel)) == []


# --- failures --------------------------------------------------------------------------------

def test_a_rate_limited_call_is_retried_after_retry_after(slack_app):
    fake, channel = slack_app.fake, unique("D")
    fake.rate_limit("chat.postMessage", retry_after=1, when=lambda p: p.get("channel") == channel)
    slack_app.event(dm_event(channel, unique("U"), QUESTION))
    posts = fake.wait_for("chat.postMessage", in_channel(channel), count=2)
    assert posts[1].at - posts[0].at >= 0.9  # waited as Slack asked
    assert "ERP" in fake.wait_for_answer(channel)[0].params["text"]


def test_a_call_rate_limited_again_and_again_is_retried_until_slack_lets_it_through(slack_app):
    """Two hosts serving one workspace each spend a whole budget, so Slack may answer the
    same call with a 429 several times running. An answer is still an answer: it waits as
    long as Slack asks, within a patience of minutes, and is posted; no apology."""
    fake, channel = slack_app.fake, unique("D")
    fake.rate_limit("chat.postMessage", retry_after=1, times=5,
                    when=lambda p: p.get("channel") == channel)
    slack_app.event(dm_event(channel, unique("U"), QUESTION))
    posts = fake.wait_for("chat.postMessage", in_channel(channel), count=6, timeout=30)
    assert [p.error for p in posts[:6]] == ["ratelimited"] * 5 + [None]
    assert "ERP" in fake.wait_for_answer(channel)[0].params["text"]


def test_a_server_error_from_the_web_api_is_retried(slack_app):
    fake, channel = slack_app.fake, unique("D")
    fake.fail("chat.postMessage", status=500, error="fatal_error",
              when=lambda p: p.get("channel") == channel)
    slack_app.event(dm_event(channel, unique("U"), QUESTION))
    assert len(fake.wait_for("chat.postMessage", in_channel(channel), count=2)) == 2
    assert "ERP" in fake.wait_for_answer(channel)[0].params["text"]


def test_a_rate_limited_response_url_is_retried(slack_app):
    fake = slack_app.fake
    response_id = unique("cmd429")
    fake.rate_limit("response_url", retry_after=1,
                    when=lambda p: p["_response_id"] == response_id)
    body = urlencode({"team_id": TEAM_ID, "user_id": unique("U"), "channel_id": unique("C"),
                 "command": "/cio", "text": QUESTION, "api_app_id": "A0APP",
                 "response_url": fake.response_url(response_id), "trigger_id": "t"})
    assert slack_app.post(body, "application/x-www-form-urlencoded").status == 200
    first, second = response_for(fake, response_id, count=2)
    assert second.at - first.at >= 0.9 and "ERP" in second.params["text"]


def test_an_expired_response_url_is_logged(slack_app):
    fake = slack_app.fake
    response_id = unique("cmdgone")
    fake.fail("response_url", status=404, error="expired_url", times=2,
              when=lambda p: p["_response_id"] == response_id)
    body = urlencode({"team_id": TEAM_ID, "user_id": unique("U"), "channel_id": unique("C"),
                      "command": "/cio", "text": QUESTION, "api_app_id": "A0APP",
                      "response_url": fake.response_url(response_id), "trigger_id": "t"})
    assert slack_app.post(body, "application/x-www-form-urlencoded").status == 200
    response_for(fake, response_id, count=2)  # the answer, then the apology: both refused
    deadline = time.monotonic() + 10
    while "response_url answered HTTP 404" not in slack_app.log_path.read_text():
        assert time.monotonic() < deadline, "the failure was not logged"
        time.sleep(0.1)


def test_a_failing_web_api_call_ends_in_an_apology(slack_app):
    fake, channel = slack_app.fake, unique("D")
    for method in ("chat.update", "chat.postMessage"):  # the answer replaces or is posted
        fake.fail(method, error="msg_too_long",
                  when=lambda p: p.get("channel") == channel and "feedback_helpful" in
                  json.dumps(p.get("blocks")))
    slack_app.event(dm_event(channel, unique("U"), QUESTION))
    apology = fake.wait_for_answer(channel, marker="Sorry, something went wrong")
    assert apology[0].params.get("blocks") != []  # never "blocks": []
    assert "msg_too_long" in slack_app.log_path.read_text()


# --- /jargon, shortcut ----------------------------------------------------------------------

def test_jargon_command_reports_privately(slack_app):
    reply, response_id = slack_app.command("/jargon", JARGON_DRAFT)
    assert reply.status == 200
    report = response_for(slack_app.fake, response_id)[0].params
    assert report["response_type"] == "ephemeral"
    shown = json.dumps(report["blocks"], ensure_ascii=False)
    assert "jargon term" in report["text"]
    assert "Plain alternatives" in shown and "→" in shown
    assert "Suggested rewrite" in shown
    assert "rewrite_plain" not in shown  # no model configured: no rewrite button


def test_jargon_team_terms_are_kept_per_workspace(slack_app):
    admin = unique("U")
    slack_app.fake.users[admin] = {"is_admin": True}

    def jargon(text: str, team: str = TEAM_ID) -> str:
        _, response_id = slack_app.command("/jargon", text, team=team, user=admin)
        return response_for(slack_app.fake, response_id)[0].all_text()

    assert "Added" in jargon("add Project Falcon = the new billing system")
    assert "already" in jargon("add Project Falcon = something else")
    assert "Project Falcon" in jargon("list")
    assert "Project Falcon" not in jargon("list", team="T0ELSEWHERE")
    report_text = json.dumps(response_for(slack_app.fake, slack_app.command(
        "/jargon", "Project Falcon goes live on Monday.")[1])[0].params)
    assert "the new billing system" in report_text
    assert "Removed" in jargon("remove Project Falcon")
    assert "Project Falcon" not in jargon("list").split("Latest changes")[0]
    assert "was not in" in jargon("remove Project Falcon")


def test_message_shortcut_checks_the_message_privately(slack_app):
    response_id = unique("sc")
    payload = {"type": "message_action", "callback_id": "check_jargon", "token": "legacy",
               "trigger_id": unique("trig"), "team": {"id": TEAM_ID, "domain": "fake"},
               "user": {"id": unique("U"), "name": "pat"},
               "channel": {"id": unique("C"), "name": "general"},
               "message": {"type": "message", "user": "U0AUTHOR", "ts": "1.000002",
                           "text": JARGON_DRAFT},
               "message_ts": "1.000002", "response_url": slack_app.fake.response_url(response_id)}
    reply = slack_app.interaction(payload)
    assert reply.status == 200 and reply.seconds < 3
    report = response_for(slack_app.fake, response_id)[0].params
    assert report["response_type"] == "ephemeral"
    assert "jargon term" in report["text"]


def test_a_message_shared_into_the_dm_gets_the_jargon_report(slack_app):
    fake, channel = slack_app.fake, unique("D")
    shared = {"is_share": True, "is_msg_unfurl": True, "text": JARGON_DRAFT,
              "author_id": "U0AUTHOR", "ts": "1.000003"}
    slack_app.event(dm_event(channel, unique("U"), "", attachments=[shared]))
    report = fake.wait_for("chat.postMessage", in_channel(channel))[0]
    assert "jargon term" in report.params["text"]
    assert "Suggested rewrite" in report.all_text()


def test_show_all_opens_the_whole_answer_in_a_modal(slack_app):
    user, channel = unique("U"), unique("C")
    _, answer = ask_cio(slack_app, user=user, channel=channel)
    answer_id = button(answer.params["blocks"], "share_answer")["value"]
    payload = block_action("show_all", f"answer:{answer_id}", user=user, channel=channel,
                           response_id=unique("all"), fake=slack_app.fake)
    assert slack_app.interaction(payload).status == 200
    opened = slack_app.fake.wait_for("views.open",
                                     lambda c: c.params["trigger_id"] == payload["trigger_id"])
    view = opened[0].params["view"]
    assert view["type"] == "modal" and "ERP" in json.dumps(view, ensure_ascii=False)
