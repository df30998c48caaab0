"""Slash commands: `/cio QUESTION` and `/jargon DRAFT | add | remove | list`.

Each acknowledges at once with a short placeholder (visible only to the asker); the
answer or report follows through the command's response_url, replacing it.
"""

from __future__ import annotations

from slack_bolt import App

from bot.slack import blocks, conversation
from bot.slack.markup import slack_to_plain
from bot.slack.streaming import PLACEHOLDER
from bot.slack.terms import manage_terms

HELP_WORDS = {"", "help", "?"}
TERM_VERBS = ("add", "remove", "list")


def register(app: App) -> None:
    app.command("/cio")(ack=ack_cio, lazy=[answer_cio])
    app.command("/jargon")(ack=ack_jargon, lazy=[run_jargon])


def ack_cio(ack, command):
    text = (command.get("text") or "").strip()
    if text.lower() in HELP_WORDS:
        ack(text="What CIO Coach can do", blocks=blocks.help_blocks())
    else:
        ack(response_type="ephemeral", text=PLACEHOLDER)


def answer_cio(command, context, respond):
    question = slack_to_plain(command.get("text") or "")
    if question.lower() in HELP_WORDS:
        return
    with conversation.apologizing("answering your question", _ephemeral(respond)):
        result, answer_id = conversation.answer(context["coach"], context.team_id or "",
                                                context.user_id or "", question,
                                                surface="command")
        message = conversation.answer_message(result, answer_id, shareable=True)
        respond(response_type="ephemeral", replace_original=True, **message)


def ack_jargon(ack, command):
    text = (command.get("text") or "").strip()
    if not text or text.lower() in HELP_WORDS:
        ack(text=blocks.JARGON_USAGE)
    else:
        ack(response_type="ephemeral", text=":mag: Checking your draft…")


def run_jargon(command, context, client, respond):
    text = (command.get("text") or "").strip()
    if not text or text.lower() in HELP_WORDS:
        return
    team_id = context.team_id or ""
    word, _, rest = text.partition(" ")
    with conversation.apologizing("checking your draft", _ephemeral(respond)):
        if word.lower() in TERM_VERBS and (rest.strip() or word.lower() == "list"):
            reply = manage_terms(context["coach"], client, context["term_policy"],
                                 team_id=team_id, user_id=context.user_id or "",
                                 verb=word.lower(), spec=slack_to_plain(rest))
            respond(response_type="ephemeral", replace_original=True, **reply)
            return
        message = conversation.jargon_message(context["coach"], team_id,
                                              context.user_id or "", slack_to_plain(text))
        respond(response_type="ephemeral", replace_original=True, **message)


def _ephemeral(respond):
    return lambda text: respond(response_type="ephemeral", replace_original=True, text=text)
