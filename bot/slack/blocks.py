"""Block Kit rendering: escaping text and fitting Slack's real limits; answers and help.

Every piece of text goes through `escape` before it is placed in a message (what people
typed, and our own help, whose `<draft>` Slack would otherwise read as a link), so
`<!channel>`, `<!here>` or `<@U123>` fed to the bot is shown, never acted on. Slack refuses
a message over about 12,000 characters of block text (`msg_blocks_too_long`; its 40,000
figure is for `text`) or with a section over 3,000: long content is split into sections
under `SECTION_LIMIT`, a message keeps at most 50 blocks and `BLOCK_TEXT_LIMIT` characters
of block text, and what does not fit is trimmed with a "Show all" button that opens the
whole text in a modal. Jargon reports are in `report_blocks`, App Home in `home_blocks`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from bot.answer import example_questions
from bot.config import DEFAULT_KNOWLEDGE_DIR
from bot.jargon import AUDIENCES
from bot.text import clip

SECTION_LIMIT = 2900  # Slack's limit is 3,000; escapes added late must not cross it
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
BLOCK_TEXT_LIMIT = 12_000  # Slack's msg_blocks_too_long threshold
TEXT_LIMIT = 40_000
FALLBACK_LIMIT = 4000
BUTTON_TEXT = 75
HEADER_LIMIT = 150
CONTEXT_LIMIT = 2000
MORE = "…"

Block = dict[str, Any]

_BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")

# Questions the texts answer well, from knowledge/retrieval/example-questions.txt (tests
# check that every one is answered).
EXAMPLE_QUESTIONS = tuple(example_questions(DEFAULT_KNOWLEDGE_DIR)[:3])

ACTION_SHARE = "share_answer"
ACTION_HELPFUL = "feedback_helpful"
ACTION_NOT_HELPFUL = "feedback_not_helpful"
ACTION_SHOW_ALL = "show_all"
ACTION_REWRITE = "rewrite_plain"


def escape(text: str) -> str:
    """Text safe to place in a Slack message: no mentions, links or broadcasts triggered."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub(lambda m: "@\u200b" + m.group(1), text)


def mention(user_id: str) -> str:
    """A user mention for a Slack user id, or the escaped text of anything else."""
    return f"<@{user_id}>" if _USER_ID.match(user_id or "") else escape(user_id or "someone")


def _cut_point(text: str, limit: int) -> int:
    """Where to cut `text` to at most `limit` characters: paragraph, line, sentence, word."""
    for sep in ("\n\n", "\n", ". ", " "):
        at = text.rfind(sep, 0, limit)
        if at > limit // 3:
            return at + len(sep)
    return limit


def _safe_cut(text: str, at: int) -> int:
    """Move a cut back so it does not fall inside an escape such as `&amp;`."""
    amp = text.rfind("&", max(0, at - 5), at)
    if amp != -1 and ";" not in text[amp:at]:
        return amp or at
    return at


def split_text(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Split (already escaped) mrkdwn into pieces of at most `limit` characters."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        at = _safe_cut(rest, _cut_point(rest, limit))
        pieces.append(rest[:at].rstrip())
        rest = rest[at:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def section(mrkdwn: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(mrkdwn, SECTION_LIMIT)}}


def sections(mrkdwn: str) -> list[Block]:
    return [section(piece) for piece in split_text(mrkdwn)]


def context(mrkdwn: str) -> Block:
    return {"type": "context",
            "elements": [{"type": "mrkdwn", "text": clip(mrkdwn, CONTEXT_LIMIT)}]}


def header(text: str) -> Block:
    return {"type": "header",
            "text": {"type": "plain_text", "text": clip(text, HEADER_LIMIT), "emoji": True}}


def button(text: str, action_id: str, value: str = "", style: str | None = None) -> Block:
    element: Block = {"type": "button", "action_id": action_id,
                      "text": {"type": "plain_text", "text": clip(text, BUTTON_TEXT),
                               "emoji": True}}
    if value:
        element["value"] = value[:2000]
    if style:
        element["style"] = style
    return element


def actions(*elements: Block) -> Block:
    return {"type": "actions", "elements": list(elements)[:25]}


def block_text_size(node: Any) -> int:
    """Characters of text in blocks (every "text" string, however deep): what Slack
    measures for msg_blocks_too_long."""
    if isinstance(node, dict):
        own = len(node["text"]) if isinstance(node.get("text"), str) else 0
        return own + sum(block_text_size(v) for k, v in node.items()
                         if not (k == "text" and isinstance(v, str)))
    if isinstance(node, list):
        return sum(block_text_size(item) for item in node)
    return 0


def fits(blocks: Sequence[Block], *, limit: int = MESSAGE_BLOCKS,
         max_chars: int = BLOCK_TEXT_LIMIT) -> bool:
    return len(blocks) <= limit and block_text_size(list(blocks)) <= max_chars


def fit_message(blocks: Sequence[Block], *, more_value: str = "",
                limit: int = MESSAGE_BLOCKS, max_chars: int = BLOCK_TEXT_LIMIT) -> list[Block]:
    """At most `limit` blocks and `max_chars` characters of block text; when trimming,
    keep the last actions block and offer "Show all" (the whole text in a modal)."""
    blocks = list(blocks)
    if fits(blocks, limit=limit, max_chars=max_chars):
        return blocks
    tail = [blocks[-1]] if blocks[-1].get("type") == "actions" else []
    note = context(f"{MORE} this is longer than a Slack message allows.")
    if more_value:
        extra = tail[0]["elements"][:24] if tail else []
        tail = [actions(button("Show all", ACTION_SHOW_ALL, more_value), *extra)]
    budget = max_chars - block_text_size(tail + [note])
    kept: list[Block] = []
    for block in blocks[: len(blocks) - (1 if blocks[-1].get("type") == "actions" else 0)]:
        size = block_text_size(block)
        if len(kept) >= limit - len(tail) - 1 or size > budget:
            break
        kept.append(block)
        budget -= size
    return kept + [note] + tail


def fallback_text(text: str) -> str:
    """The notification / fallback `text` of a message, within Slack's 40,000 characters."""
    return clip(text, FALLBACK_LIMIT)


# --- answers ----------------------------------------------------------------------------

def _quote(text: str) -> str:
    return "\n".join("> " + line for line in escape(text.strip()).splitlines() if line.strip())


def citation_blocks(citations: Iterable[Any], *, with_quotes: bool) -> list[Block]:
    """Where each cited passage comes from; with its quote when the answer text is not quotes."""
    blocks: list[Block] = []
    sources: list[str] = []
    for n, cite in enumerate(citations, start=1):
        where = escape(getattr(cite, "locator", "") or getattr(cite, "title", ""))
        quote = (getattr(cite, "quote", "") or "").strip()
        if with_quotes and quote:
            blocks.extend(sections(_quote(clip(quote, 2800))))
            blocks.append(context(f"[{n}] {where}"))
        else:
            sources.append(f"[{n}] {where}")
    if sources:
        blocks.extend(context(piece) for piece in split_text("\n".join(sources), CONTEXT_LIMIT))
    return blocks


def answer_blocks(answer: Any, *, answer_id: int | None, shareable: bool = False,
                  coaching_question: str = "", shared_by: str = "") -> list[Block]:
    """An answer: its text, the quoted passages it cites, feedback (and share) buttons."""
    blocks: list[Block] = []
    if shared_by:
        blocks.append(context(f"{mention(shared_by)} shared an answer to: "
                              f"_{escape(clip(answer.question, 300))}_"))
    blocks.extend(sections(escape(answer.answer.strip()) or "I have no answer to that."))
    blocks.extend(answer_tail(answer, answer_id=answer_id, shareable=shareable,
                              coaching_question=coaching_question))
    more = f"answer:{answer_id}" if answer_id is not None else ""
    return fit_message(blocks, more_value=more)


def answer_tail(answer: Any, *, answer_id: int | None, shareable: bool = False,
                coaching_question: str = "") -> list[Block]:
    """What goes under an answer's text: citations, the coaching question, the buttons
    (the blocks `chat.stopStream` adds under a streamed answer)."""
    blocks: list[Block] = []
    kind = getattr(answer, "kind", "answer")
    if answer.answered and answer.citations:
        blocks.extend(citation_blocks(answer.citations,
                                      with_quotes=getattr(answer, "generated_by", "") == "model"))
    elif kind == "decline":
        blocks.append(context("The two advice texts I draw on do not cover this question."))
    if coaching_question:
        blocks.append(section(f"_{escape(coaching_question)}_"))
    buttons = []
    # Small talk and conversation notes are not answers: nothing to rate or share.
    if answer_id is not None and kind in ("answer", "decline"):
        buttons += [button("Helpful", ACTION_HELPFUL, str(answer_id)),
                    button("Not helpful", ACTION_NOT_HELPFUL, str(answer_id))]
        if shareable:
            buttons.append(button("Share in channel", ACTION_SHARE, str(answer_id), "primary"))
    if buttons:
        blocks.append(actions(*buttons))
    return blocks


def answer_text(answer: Any) -> str:
    return fallback_text(escape(answer.answer.strip()) or "No answer.")


def help_blocks(command: str = "/cio") -> list[Block]:
    examples = "\n".join(f"• `{command} {escape(q)}`" for q in EXAMPLE_QUESTIONS)
    return [
        section("*CIO Coach* answers coaching questions for IT leaders from two advice "
                "texts, quoting and citing the passages it uses, and checks drafts for IT "
                "jargon before they go to non-technical colleagues."),
        section(f"*Ask a question* (only you see the answer; you can share it):\n{examples}"),
        section(escape("*Check a draft:* `/jargon <your draft>`\n"
                       "*Who reads your drafts:* `/jargon audience` shows it; "
                       f"`/jargon audience <name>` ({', '.join(AUDIENCES)}) chooses it, so "
                       "the terms those readers use every day are not flagged; "
                       "`/jargon audience reset` clears it; `/jargon audience --workspace "
                       "<name>` sets the workspace's default\n"
                       "*Team terms:* `/jargon add <term> = <plain words>`, "
                       "`/jargon remove <term>`, `/jargon list`")),
        section("*Coaching conversation:* send me a direct message; follow-ups in the thread "
                "remember what we said. Start a DM with `check` to check a draft instead.\n"
                "*In a channel:* mention me with a question and I answer in a thread.\n"
                "*On any message:* use the message shortcut *Check for jargon*."),
    ]


JARGON_USAGE = escape("Usage: `/jargon <draft>` checks a draft (`/jargon --audience <name> "
                      "<draft>` for other readers). Who reads your drafts: `/jargon audience` "
                      f"shows it, `/jargon audience <name>` ({', '.join(AUDIENCES)}) chooses "
                      "it, `/jargon audience reset` clears it, `/jargon audience --workspace "
                      "<name>` sets the workspace's default. Team terms: "
                      "`/jargon add <term> = <plain words>`, `/jargon remove <term>`, "
                      "`/jargon list`.")


# --- modals ---------------------------------------------------------------------------------

def full_text_modal(title: str, mrkdwn: str) -> dict[str, Any]:
    blocks = sections(mrkdwn)
    if len(blocks) > VIEW_BLOCKS:
        blocks = blocks[: VIEW_BLOCKS - 1] + [context(f"{MORE} trimmed to fit.")]
    return {"type": "modal", "title": {"type": "plain_text", "text": clip(title, 24)},
            "close": {"type": "plain_text", "text": "Close"}, "blocks": blocks}


def apology(what: str = "") -> str:
    return (f"Sorry, something went wrong{(' ' + what) if what else ''}. "
            "Please try again in a moment.")
