"""Message shortcut "Check for jargon": the report, visible only to the person who used it."""

from __future__ import annotations

from slack_bolt import App

from bot.slack import coach

CALLBACK_ID = "check_jargon"


def register(app: App) -> None:
    app.shortcut(CALLBACK_ID)(ack=_ack, lazy=[check_message])


def _ack(ack):
    ack()


def check_message(shortcut, context, respond):
    tell = lambda text: respond(response_type="ephemeral", replace_original=False,  # noqa: E731
                                text=text)
    with coach.apologizing("checking that message", tell):
        message = shortcut.get("message") or {}
        draft = coach.slack_to_plain(message.get("text") or "") or \
            coach.slack_to_plain(coach.shared_text(message))
        if not draft:
            tell("That message has no text to check.")
            return
        report = coach.jargon_message(context["settings"], context.team_id or "", draft)
        respond(response_type="ephemeral", replace_original=False, **report)
