"""Message shortcut "Check for jargon": the report, visible only to the person who used it."""

from __future__ import annotations

from slack_bolt import App

from bot.slack import conversation
from bot.slack.markup import shared_text, slack_to_plain

CALLBACK_ID = "check_jargon"


def register(app: App) -> None:
    app.shortcut(CALLBACK_ID)(ack=_ack, lazy=[check_message])


def _ack(ack):
    ack()


def check_message(shortcut, context, respond):
    tell = lambda text: respond(response_type="ephemeral", replace_original=False,  # noqa: E731
                                text=text)
    with conversation.apologizing("checking that message", tell):
        message = shortcut.get("message") or {}
        draft = slack_to_plain(message.get("text") or "") or \
            slack_to_plain(shared_text(message))
        if not draft:
            tell("That message has no text to check.")
            return
        report = conversation.jargon_message(context["coach"], context.team_id or "",
                                             context.user_id or "", draft)
        respond(response_type="ephemeral", replace_original=False, **report)
