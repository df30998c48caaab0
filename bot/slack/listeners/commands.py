"""Slash commands: `/cio QUESTION` and `/jargon DRAFT | add | remove | list`.

Each acknowledges at once with a short placeholder (visible only to the asker); the
answer or report follows through the command's response_url, replacing it.
"""

from __future__ import annotations

import re

from slack_bolt import App

from bot.service import Coach
from bot.slack import blocks, conversation
from bot.slack.markup import slack_to_plain
from bot.slack.streaming import PLACEHOLDER
from bot.storage import TermError

HELP_WORDS = {"", "help", "?"}
_TERM_SPEC = re.compile(r"^(?P<term>.+?)\s*(?:=|->|→|:)\s*(?P<plain>.+)$", re.DOTALL)


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
        ack(text="Usage: `/jargon <draft>` checks a draft. Team terms: "
                 "`/jargon add <term> = <plain words>`, `/jargon remove <term>`, `/jargon list`.")
    else:
        ack(response_type="ephemeral", text=":mag: Checking your draft…")


def run_jargon(command, context, respond):
    text = (command.get("text") or "").strip()
    if not text or text.lower() in HELP_WORDS:
        return
    coach = context["coach"]
    team_id = context.team_id or ""
    word, _, rest = text.partition(" ")
    with conversation.apologizing("checking your draft", _ephemeral(respond)):
        if word.lower() in ("add", "remove", "list") and (rest.strip() or word.lower() == "list"):
            reply = manage_terms(coach, team_id, context.user_id or "", word.lower(),
                                 slack_to_plain(rest))
            respond(response_type="ephemeral", replace_original=True, text=reply)
            return
        message = conversation.jargon_message(coach, team_id, context.user_id or "",
                                              slack_to_plain(text))
        respond(response_type="ephemeral", replace_original=True, **message)


def manage_terms(coach: Coach, team_id: str, user_id: str, verb: str, spec: str) -> str:
    terms = coach.storage().team_terms
    try:
        if verb == "list":
            return _list_terms(terms.list(team_id))
        if verb == "add":
            match = _TERM_SPEC.match(spec.strip())
            if not match:
                return "Write it as `/jargon add <term> = <plain words>`."
            added = terms.add(team_id, match["term"].strip(), match["plain"].strip(),
                              user_id=user_id)
            return (f"Added *{blocks.escape(added.term)}* → {blocks.escape(added.instead)}"
                    " for this workspace.")
        term = spec.strip()
        if not terms.remove(team_id, term, user_id=user_id):
            return f"*{blocks.escape(term)}* was not in this workspace's terms."
        return f"Removed *{blocks.escape(term)}* from this workspace's jargon check."
    except TermError as exc:  # the person's input: say what is wrong with it
        return blocks.escape(str(exc))


def _list_terms(listed) -> str:
    if not listed:
        return ("This workspace has no terms of its own yet. "
                "Add one with `/jargon add <term> = <plain words>`.")
    lines = [f"• *{blocks.escape(t.term)}* → {blocks.escape(t.instead)}" if t.action == "add"
             else f"• ~{blocks.escape(t.term)}~ (built-in term, turned off)" for t in listed]
    return blocks.clip(f"*This workspace's terms ({len(listed)})*\n" + "\n".join(lines), 3000)


def _ephemeral(respond):
    return lambda text: respond(response_type="ephemeral", replace_original=True, text=text)
