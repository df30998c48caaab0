"""Slash commands: `/cio QUESTION` and `/jargon [--audience NAME] DRAFT | add | remove |
list | audience`.

Each acknowledges at once with a short placeholder (visible only to the asker); the
answer or report follows through the command's response_url, replacing it.
"""

from __future__ import annotations

from slack_bolt import App

from bot.slack import blocks, conversation
from bot.slack.audience import audience_option, audience_reply
from bot.slack.markup import slack_to_plain
from bot.slack.streaming import PLACEHOLDER
from bot.slack.terms import manage_terms

HELP_WORDS = {"", "help", "?"}
TERM_VERBS = ("add", "remove", "list")
AUDIENCE_VERB = "audience"


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


def audience_spec(text: str) -> str | None:
    """What follows `/jargon audience` (`[--workspace] [NAME]`); None for anything else,
    a draft that starts with the word included."""
    word, *rest = text.split(maxsplit=1)
    spec = rest[0] if rest else ""
    return spec if word.lower() == AUDIENCE_VERB and len(spec.split()) <= 2 else None


def ack_jargon(ack, command):
    text = (command.get("text") or "").strip()
    if not text or text.lower() in HELP_WORDS:
        ack(text=blocks.JARGON_USAGE)
    elif audience_spec(text) is not None:
        ack(response_type="ephemeral", text="One moment…")
    else:
        ack(response_type="ephemeral", text=":mag: Checking your draft…")


def run_jargon(command, context, client, respond):
    text = (command.get("text") or "").strip()
    if not text or text.lower() in HELP_WORDS:
        return
    team_id, user_id = context.team_id or "", context.user_id or ""
    word, _, rest = text.partition(" ")
    spec = audience_spec(text)
    if spec is not None:
        with conversation.apologizing("changing your audience", _ephemeral(respond)):
            reply = audience_reply(context["coach"], client, context["term_policy"],
                                   team_id=team_id, user_id=user_id,
                                   spec=slack_to_plain(spec))
            respond(response_type="ephemeral", replace_original=True, **reply)
        return
    with conversation.apologizing("checking your draft", _ephemeral(respond)):
        if word.lower() in TERM_VERBS and (rest.strip() or word.lower() == "list"):
            reply = manage_terms(context["coach"], client, context["term_policy"],
                                 team_id=team_id, user_id=user_id,
                                 verb=word.lower(), spec=slack_to_plain(rest))
            respond(response_type="ephemeral", replace_original=True, **reply)
            return
        named, draft = audience_option(slack_to_plain(text))
        message = conversation.jargon_message(context["coach"], team_id, user_id, draft,
                                              audience=named)
        respond(response_type="ephemeral", replace_original=True, **message)


def _ephemeral(respond):
    return lambda text: respond(response_type="ephemeral", replace_original=True, text=text)
