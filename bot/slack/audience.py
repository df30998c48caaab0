"""Who reads a person's drafts, from Slack.

`/jargon audience` shows the person's audience and the choices; `/jargon audience NAME`
chooses theirs; `/jargon audience --workspace NAME` sets the workspace's default for
everyone who chose none (only the people the terms policy lets change workspace-wide
settings: `slack/terms.py`); `reset` clears either (`general` is a choice like the
others). App Home's select chooses
the person's own. `/jargon --audience NAME DRAFT` checks one draft for other readers.
A report checked for particular readers says so in one line (`reader_note`).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from bot.jargon.audiences import GENERAL
from bot.service import Coach, Reader
from bot.slack.blocks import escape
from bot.slack.home_blocks import choice_line
from bot.slack.terms import TermPolicy, may_edit, refusal
from bot.storage import AudienceChoice
from bot.text import clip

log = logging.getLogger(__name__)

# Slack clients may turn "--" into a dash as people type.
_DASHES = r"(?:--|—|–)"
WORKSPACE_FLAG = re.compile(rf"^{_DASHES}workspace$", re.IGNORECASE)
AUDIENCE_OPTION = re.compile(rf"^\s*{_DASHES}audience(?:\s*=\s*|\s+|$)(?P<name>\S*)\s*",
                             re.IGNORECASE)
CLEAR_WORDS = ("reset", "none")
DEFAULT = "default audience"
HOW = ("`/jargon audience <name>` chooses yours; `/jargon audience reset` clears it; "
       "`/jargon audience --workspace <name>` sets the workspace's default; "
       "`/jargon --audience <name> <draft>` checks one draft for other readers.")
USAGE = "Write it as `/jargon audience <name>` or `/jargon audience --workspace <name>`."


def audience_option(text: str) -> tuple[str | None, str]:
    """(the audience a leading `--audience NAME` names, lower case, "" when none follows;
    the rest), or (None, text) without the option."""
    match = AUDIENCE_OPTION.match(text)
    if not match:
        return None, text
    return match["name"].lower(), text[match.end():]


def unknown_audience(given: str, names: list[str]) -> str:
    """The reply to an audience name with no data file: the choices."""
    lead = f"There is no audience called “{escape(clip(given, 40))}”." if given.strip() \
        else "Name the audience after `--audience`."
    return f"{lead} Choose one of: {', '.join(names)}. " + \
        escape("`/jargon audience` shows yours.")


def reader_note(audience: str, reader: Reader) -> str:
    """The report's line on who it was checked for ("" for general readers)."""
    if reader.source == "unread":
        readers = "general readers" if audience == GENERAL else \
            f"*{escape(audience)}* readers (named in its opening line)"
        return f"Your audience could not be read just now, so this was checked for {readers}."
    if audience == GENERAL:
        return ""
    why, change = {
        "named": ("as you asked", "Choose your usual readers with `/jargon audience <name>`"),
        "person": ("your choice", "Change it with `/jargon audience <name>`"),
        "workspace": ("this workspace's default",
                      "Choose your own with `/jargon audience <name>`"),
    }.get(reader.source, ("guessed from your draft: its opening line or its trade's words",
                          "Choose your usual readers with `/jargon audience <name>`"))
    return f"Checked for *{escape(audience)}* readers ({why}): terms they use every day " \
        f"are not flagged. {escape(change)}."


def audience_reply(coach: Coach, client, policy: TermPolicy, *, team_id: str, user_id: str,
                   spec: str) -> dict[str, Any]:
    """The reply to `/jargon audience [--workspace] [NAME | general | reset]`."""
    words = spec.split()
    workspace = bool(words) and bool(WORKSPACE_FLAG.match(words[0]))
    words = words[1:] if workspace else words
    if len(words) > 1:
        return {"text": escape(USAGE)}
    names = coach.audience_names()
    if not words:
        return {"text": status(coach.audience_choice(team_id, user_id), names, policy)}
    name = words[0].lower()
    wanted = None if name in CLEAR_WORDS else name
    if wanted is not None and wanted not in names:
        return {"text": unknown_audience(words[0], names)}
    if workspace and not may_edit(policy, client, team_id, user_id):
        log.info("refused a workspace audience change by %s in %s (policy)", user_id, team_id)
        return {"text": refusal(policy, DEFAULT,
                                "choose your own with `/jargon audience <name>`")}
    choice = coach.set_audience(team_id, user_id, wanted, workspace=workspace)
    return {"text": confirmation(choice, workspace=workspace)}


def choose_from_home(coach: Coach, team_id: str, user_id: str, name: str) -> str | None:
    """App Home's select: store the person's choice; a reply only when the name is
    unknown (the home view, shown again, is the confirmation)."""
    names = coach.audience_names()
    if name in CLEAR_WORDS:
        coach.set_audience(team_id, user_id, None)
        return None
    if name not in names:
        log.warning("App Home chose an unknown audience %r (%s/%s)", name, team_id, user_id)
        return unknown_audience(name, names)
    coach.set_audience(team_id, user_id, name)
    return None


def status(choice: AudienceChoice, names: list[str], policy: TermPolicy) -> str:
    lines = [choice_line(choice)]
    if choice.person and choice.workspace:
        lines.append(f"This workspace's default is *{escape(choice.workspace)}*.")
    lines += [f"Audiences: {', '.join(names)}.", escape(HOW), escape(policy.describe(DEFAULT))]
    return "\n".join(lines)


def confirmation(choice: AudienceChoice, *, workspace: bool) -> str:
    if not workspace:
        if choice.person:
            return f"Done: your drafts are now checked for *{escape(choice.person)}* " \
                "readers. " + escape("`/jargon audience reset` clears it.")
        return "Cleared your audience. " + choice_line(choice)
    if choice.workspace:
        text = f"This workspace's default audience is now *{escape(choice.workspace)}*, " \
            "for everyone who has not chosen their own."
    else:
        text = "Cleared this workspace's default audience: the drafts of people who chose " \
            "none are checked for the readers their opening line names or whose trade's words " \
            "they use, else general readers."
    if choice.person:
        text += f" You chose *{escape(choice.person)}* for yourself; that still applies to you."
    return text
