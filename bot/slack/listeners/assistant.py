"""Slack's AI-app surface (Bolt's `Assistant`): suggested prompts on a new thread, the
"thinking" status while an answer is prepared, a thread title, and follow-ups that use
the earlier turns. Threaded replies in a plain DM arrive here too and are answered the
same way (the status call is refused there, so a placeholder message is shown instead).

A change of the thread's context (the channel the person is looking at) is acknowledged
and nothing more: the answers do not depend on it, and Bolt's default for it would call
conversations.replies (rate-limited to about one a minute) before the acknowledgement.
"""

from __future__ import annotations

from slack_bolt import App, Assistant

from bot.slack import blocks, conversation

GREETING = ("Hi! Ask me anything about leading IT: I answer from two advice texts and "
            "quote them. Start a message with `check` to check a draft for jargon.")


def register(app: App) -> None:
    assistant = Assistant()
    assistant.thread_started(lazy=[start_thread])(_ack)
    assistant.thread_context_changed(_ack)
    assistant.user_message(lazy=[answer_in_thread])(_ack)
    app.assistant(assistant)


def _ack(ack):
    ack()


def start_thread(payload, client, set_suggested_prompts, logger):
    thread = payload.get("assistant_thread") or {}
    try:
        client.chat_postMessage(channel=thread["channel_id"], thread_ts=thread["thread_ts"],
                                text=GREETING)
        set_suggested_prompts(prompts=[{"title": q[:75], "message": q}
                                       for q in blocks.EXAMPLE_QUESTIONS])
    except Exception:
        logger.exception("could not start the assistant thread")


def answer_in_thread(payload, context, client, set_status, set_title):
    conversation.converse(context["coach"], client, team_id=context.team_id or "",
                          user_id=payload.get("user") or context.user_id or "",
                          channel=payload["channel"], thread_ts=payload["thread_ts"],
                          event=payload, set_status=set_status, set_title=set_title,
                          surface="dm")
