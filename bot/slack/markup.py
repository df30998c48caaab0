"""Reading what Slack sends: its message markup as plain text, the draft a DM asks to
check, and the text of a message shared into a conversation."""

from __future__ import annotations

import re
from typing import Any

_SLACK_ENTITY = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
# "check: ...", "check - ...", but not the dashes of an option ("check --audience sales ...").
_CHECK_PREFIX = re.compile(r"^\s*(?:check|jargon)\b(?:[\s:,.]|-(?!-?\w))*", re.IGNORECASE)


def _entity(match: re.Match) -> str:
    target, label = match.group(1), match.group(2)
    if label:
        return label
    if target.startswith("!"):
        return "@" + target[1:].split("^")[0]
    return target


def slack_to_plain(text: str) -> str:
    """Slack's message markup (`<@U1>`, `<url|label>`, `&amp;`) as plain text."""
    text = _SLACK_ENTITY.sub(_entity, text or "")
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()


def strip_mention(text: str, bot_user_id: str | None) -> str:
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(\|[^>]*)?>", " ", text or "")
    return (text or "").strip()


def shared_text(event: dict[str, Any]) -> str:
    """The text of a message forwarded or shared into the DM, if this is one."""
    parts = [a.get("text") or a.get("fallback") or ""
             for a in event.get("attachments") or []
             if a.get("is_share") or a.get("is_msg_unfurl")]
    return "\n\n".join(p for p in parts if p.strip())


def jargon_draft(event: dict[str, Any]) -> str | None:
    """The draft to check when a DM asks for a jargon check instead of an answer."""
    text = event.get("text") or ""
    match = _CHECK_PREFIX.match(text)
    shared = shared_text(event)
    if match and (text[match.end():].strip() or shared):
        own = slack_to_plain(text[match.end():])
        return "\n\n".join(p for p in (own, slack_to_plain(shared)) if p)
    if shared:
        return slack_to_plain(shared)
    return None
