"""App Home and the `/jargon list` pages in Block Kit.

App Home shows the viewer their own recent questions only; the workspace appears as
counts and topics (sections of the advice texts), never as anyone's words. It also shows
who the viewer's drafts are checked for, with a select to change it. The terms list
is paged so that every page fits a message, and ends with the latest changes: who changed
which term, and when.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from bot.slack.blocks import (
    EXAMPLE_QUESTIONS,
    VIEW_BLOCKS,
    Block,
    actions,
    button,
    context,
    escape,
    header,
    help_blocks,
    mention,
    section,
    sections,
)
from bot.text import clip

ACTION_TERMS_PAGE = "terms_page"
ACTION_AUDIENCE = "choose_audience"
NO_CHOICE = "reset"  # the select's value for "no audience of my own"
TERMS_PER_PAGE = 20
PAGE_TEXT = 6000  # characters of term lines per page, well inside a message's 12,000
CHANGES_SHOWN = 5
CHANGE_VERBS = {"add": "added", "change": "changed", "remove": "removed",
                "restore": "restored"}


def home_view(*, recent: Sequence[str], asked: int, people: int,
              topics: Sequence[tuple[str, int]], term_count: int | None, helpful: int,
              not_helpful: int, audience: Any = None,
              audiences: Sequence[str] = ()) -> dict[str, Any]:
    """`audience`: the viewer's AudienceChoice (None when it could not be read);
    `audiences`: the names to choose from."""
    mine = "\n".join(f"• {escape(clip(q, 200))}" for q in recent) or \
        "_You have not asked anything yet._"
    examples = "\n".join(f"• {escape(q)}" for q in EXAMPLE_QUESTIONS)
    week = f"• {asked} question{'s' if asked != 1 else ''} from {people} " \
        f"{'person' if people == 1 else 'people'} this week"
    if topics:
        week += "\n• Topics: " + ", ".join(f"{escape(clip(t, 80))} ({n})" for t, n in topics)
    blocks = [
        header("CIO Coach"),
        *help_blocks(),
        {"type": "divider"},
        section(f"*Example questions*\n{examples}"),
        section(f"*Your recent questions* (only you see these)\n{mine}"),
        audience_section(audience, audiences),
        section(f"*This workspace*\n{week}\n• {_terms_line(term_count)}\n"
                f"• Feedback on answers: {helpful} helpful, {not_helpful} not helpful"),
    ]
    return {"type": "home", "blocks": blocks[:VIEW_BLOCKS]}


def choice_line(choice: Any) -> str:
    """Who the person's drafts are checked for, and why (an AudienceChoice, or None when it
    could not be read)."""
    if choice is None:
        return "Your audience could not be read just now."
    if choice.person:
        return f"Your drafts are checked for *{escape(choice.person)}* readers (your choice)."
    if choice.workspace:
        by = f", set by {mention(choice.workspace_set_by)}" if choice.workspace_set_by else ""
        return f"Your drafts are checked for *{escape(choice.workspace)}* readers " \
            f"(this workspace's default{by})."
    return "No audience is chosen: each draft is checked for the readers its opening line " \
        "names (“Finance team: …”) or whose trade's words it is full of, else for general " \
        "readers."


def _audience_option(name: str, workspace: str | None = None) -> dict[str, Any]:
    """One choice; `reset` (no choice of one's own) is offered as the workspace's default,
    or as the guess from the draft's opening line where the workspace has none."""
    label = "General (anyone outside IT)" if name == "general" else name.capitalize()
    if name == NO_CHOICE:
        label = f"Workspace default ({workspace})" if workspace else \
            "Whoever the draft names or writes for"
    return {"text": {"type": "plain_text", "text": clip(label, 75)}, "value": name[:150]}


def audience_section(choice: Any, names: Sequence[str]) -> Block:
    """Who reads the viewer's drafts, with a select to choose (the last option clears the
    choice)."""
    workspace = choice.workspace if choice is not None else None
    select: dict[str, Any] = {
        "type": "static_select", "action_id": ACTION_AUDIENCE,
        "placeholder": {"type": "plain_text", "text": "Choose your readers"},
        "options": [_audience_option(n, workspace) for n in [*names[:99], NO_CHOICE]]}
    if choice is not None and choice.person in names:
        select["initial_option"] = _audience_option(choice.person, workspace)
    text = "*Who reads your drafts*\n" + choice_line(choice) + "\nThe jargon check leaves " \
        "alone the terms your readers use every day. " + escape("`/jargon audience` for more.")
    block = section(text)
    if names:
        block["accessory"] = select
    return block


def _terms_line(count: int | None) -> str:
    if count is None:
        return "Team terms: the list could not be read just now"
    return f"{count} team term{'s' if count != 1 else ''} added to the jargon check " \
        "(`/jargon list`)"


# --- /jargon list ---------------------------------------------------------------------------

def _term_line(term: Any) -> str:
    name = escape(clip(term.term, 80))
    if term.action == "add":
        return f"• *{name}* → {escape(clip(term.instead, 150))}"
    return f"• ~{name}~ (built-in term, turned off)"


def pages(listed: Sequence[Any]) -> list[list[str]]:
    """The term lines split into pages of at most TERMS_PER_PAGE lines and PAGE_TEXT
    characters."""
    result: list[list[str]] = [[]]
    size = 0
    for term in listed:
        line = _term_line(term)
        if len(result[-1]) >= TERMS_PER_PAGE or (result[-1] and size + len(line) > PAGE_TEXT):
            result.append([])
            size = 0
        result[-1].append(line)
        size += len(line) + 1
    return result


def _change_line(change: Any) -> str:
    who = mention(change.user_id) if change.user_id else "someone"
    when = int(change.changed_at)
    fallback = time.strftime("%Y-%m-%d", time.gmtime(when))
    line = f"• {who} {CHANGE_VERBS.get(change.change, escape(change.change))} " \
        f"*{escape(clip(change.term, 80))}* · <!date^{when}^{{date_short}}|{fallback}>"
    if change.detail:
        line += f" ({escape(clip(change.detail, 100))})"
    return line


def terms_list_message(listed: Sequence[Any], changes: Sequence[Any], page: int,
                       policy: str) -> dict[str, Any]:
    """One page of the workspace's terms, the latest changes and who may change them."""
    if not listed:
        text = escape("This workspace has no terms of its own yet. Add one with "
                      "`/jargon add <term> = <plain words>`.")
        blocks: list[Block] = [section(text)]
    else:
        all_pages = pages(listed)
        page = min(max(page, 1), len(all_pages))
        text = f"This workspace's terms ({len(listed)})"
        blocks = [section(f"*{text}* · page {page} of {len(all_pages)}"),
                  *sections("\n".join(all_pages[page - 1]))]
        nav = [button("Previous", ACTION_TERMS_PAGE, str(page - 1))] if page > 1 else []
        if page < len(all_pages):
            nav.append(button("Next", ACTION_TERMS_PAGE, str(page + 1)))
        if nav:
            blocks.append(actions(*nav))
    if changes:
        blocks.extend(sections("*Latest changes*\n" + "\n".join(
            _change_line(c) for c in changes[:CHANGES_SHOWN])))
    blocks.append(context(escape(policy)))
    return {"text": text, "blocks": blocks}
