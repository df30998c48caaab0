"""Slack's AI-app surface and model answers streamed into Slack.

The app runs with a model configured (a local server playing an OpenAI-compatible
endpoint that streams a canned, well-cited reply). In an assistant thread the answer
streams through chat streaming after the "thinking" status; in a plain DM it streams
into the placeholder by chat.update; either way the final checked answer replaces it.
"""

from __future__ import annotations

import json
import time

import pytest

from tests.kit.fakemodel import ERP_QUESTION, ERP_REPLY, FakeModel
from tests.kit.fakeslack import TEAM_ID
from tests.kit.slackapp import start_app, unique

MODEL_REPLY = ERP_REPLY
QUESTION = ERP_QUESTION


@pytest.fixture(scope="module")
def model():
    server = FakeModel(MODEL_REPLY).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def model_app(fake, model, tmp_path_factory):
    yield from start_app(fake, tmp_path_factory.mktemp("slack-model"),
                         LLM_BASE_URL=model.url, LLM_MODEL="canned", LLM_TIMEOUT="20")


def in_channel(channel: str):
    return lambda c: c.params.get("channel") == channel or c.params.get("channel_id") == channel


def message(channel: str, text: str, **extra) -> dict:
    return {"type": "message", "channel": channel, "channel_type": "im", "user": unique("U"),
            "text": text, "ts": f"{time.time():.6f}", **extra}


def test_a_new_assistant_thread_gets_suggested_prompts(model_app):
    fake, channel = model_app.fake, unique("D")
    thread = {"user_id": unique("U"), "channel_id": channel, "thread_ts": f"{time.time():.6f}",
              "context": {}}
    model_app.event({"type": "assistant_thread_started", "assistant_thread": thread,
                     "event_ts": f"{time.time():.6f}"})
    prompts = fake.wait_for("assistant.threads.setSuggestedPrompts", in_channel(channel))[0]
    assert QUESTION in json.dumps(prompts.params["prompts"])
    greeting = fake.wait_for("chat.postMessage", in_channel(channel))[0]
    assert greeting.params["thread_ts"] == thread["thread_ts"] and "check" in \
        greeting.params["text"]


def test_assistant_thread_streams_and_ends_with_the_answers_blocks_through_stop_stream(
        model_app):
    fake, channel = model_app.fake, unique("D")
    thread_ts = f"{time.time() - 5:.6f}"
    model_app.event(message(channel, QUESTION, thread_ts=thread_ts))
    status = fake.wait_for("assistant.threads.setStatus", in_channel(channel))[0]
    assert status.params["thread_ts"] == thread_ts and status.params["status"]
    title = fake.wait_for("assistant.threads.setTitle", in_channel(channel))[0]
    assert "department heads" in title.params["title"]
    start = fake.wait_for("chat.startStream", in_channel(channel))[0]
    assert start.params["thread_ts"] == thread_ts
    assert start.params["recipient_team_id"] == TEAM_ID
    stop = fake.wait_for("chat.stopStream", in_channel(channel))[0]
    tail = json.dumps(stop.params["blocks"])
    assert "feedback_helpful" in tail and "[1]" in tail  # citations and buttons
    calls = fake.find("chat.startStream", in_channel(channel)) + \
        fake.find("chat.appendStream", in_channel(channel)) + [stop]
    streamed = "".join(chunk.get("text", "") for c in calls for chunk in c.params.get("chunks")
                       or [{"text": c.params.get("markdown_text", "")}])
    assert " ".join(streamed.split()) == " ".join(MODEL_REPLY.split())  # all of it, once
    assert len(start.params["chunks"][0]["text"]) >= 256  # slack-sdk's buffer, not less
    time.sleep(0.5)
    assert not fake.find("chat.update", in_channel(channel))  # nothing replaced after
    assert not fake.find("chat.postMessage", in_channel(channel))


def test_a_rejected_model_answer_streamed_is_replaced_by_the_checked_one(model_app, model):
    fake, channel = model_app.fake, unique("D")
    model.reply = ("Buy whatever software the largest vendor recommends and leave the "
                   "department heads out of it, since meetings with them only slow the "
                   "project down. A strong CIO decides alone, announces the choice at the "
                   "next all-hands meeting and moves straight on to the rollout, without "
                   "asking anyone what their teams need from the new system.")  # uncited
    try:
        model_app.event(message(channel, QUESTION, thread_ts=f"{time.time() - 5:.6f}"))
        final = fake.wait_for("chat.update", in_channel(channel))[-1]
    finally:
        model.reply = MODEL_REPLY
    stop = fake.find("chat.stopStream", in_channel(channel))
    assert stop and not stop[0].params.get("blocks")  # stopped without the answer's blocks
    assert "largest vendor" not in final.all_text() and "feedback_helpful" in final.all_text()


def test_plain_dm_streams_into_the_placeholder(model_app):
    fake, channel = model_app.fake, unique("D")
    model_app.event(message(channel, QUESTION))
    placeholder = fake.wait_for("chat.postMessage", in_channel(channel))[0]
    assert "Looking" in placeholder.params["text"]
    updates = fake.wait_for("chat.update", lambda c: in_channel(channel)(c)
                            and "feedback_helpful" in c.all_text())
    partial = [u for u in fake.find("chat.update", in_channel(channel))
               if "feedback_helpful" not in u.all_text()]
    assert partial, "nothing was streamed before the final answer"
    assert MODEL_REPLY.startswith(partial[0].params["text"].strip())
    assert "must not be absent" in updates[-1].params["text"]
    assert not fake.find("chat.startStream", in_channel(channel))


def test_without_chat_streaming_the_assistant_falls_back_to_a_placeholder(model_app):
    fake, channel = model_app.fake, unique("D")
    fake.fail("chat.startStream", error="not_allowed",
              when=lambda p: p.get("channel") == channel)
    model_app.event(message(channel, QUESTION, thread_ts=f"{time.time() - 5:.6f}"))
    final = fake.wait_for_answer(channel)[-1]  # over a placeholder, or posted
    assert "must not be absent" in final.params["text"]
    assert not fake.find("chat.stopStream", in_channel(channel))


def test_jargon_report_offers_a_model_rewrite(model_app):
    fake = model_app.fake
    draft = "We will leverage the API and migrate the ERP to the cloud during the go-live."
    _, response_id = model_app.command("/jargon", draft)
    report = fake.wait_for("response_url", lambda c: c.params["_response_id"] == response_id)[0]
    rewrite = next(e for b in report.params["blocks"] for e in b.get("elements", [])
                   if e.get("action_id") == "rewrite_plain")
    assert rewrite["value"].isdigit()  # the report shown is kept; the button names it
    clicked = unique("rw")
    payload = {"type": "block_actions", "team": {"id": TEAM_ID}, "user": {"id": unique("U")},
               "api_app_id": "A0APP", "token": "legacy", "trigger_id": unique("trig"),
               "response_url": fake.response_url(clicked),
               "channel": {"id": unique("C")},
               "container": {"type": "message", "message_ts": "1.0", "is_ephemeral": True},
               "actions": [{"type": "button", "action_id": "rewrite_plain", "block_id": "b",
                            "value": rewrite["value"], "action_ts": "1.0"}]}
    assert model_app.interaction(payload).status == 200
    shown = fake.wait_for("response_url", lambda c: c.params["_response_id"] == clicked)[0]
    assert "Rewritten in plain words" in shown.all_text()
    other = unique("rw")
    foreign = payload | {"team": {"id": "T0OTHER"}, "response_url": fake.response_url(other)}
    assert model_app.interaction(foreign).status == 200
    refused = fake.wait_for("response_url", lambda c: c.params["_response_id"] == other)[0]
    assert "no longer available" in refused.all_text()
