"""Block Kit rendering: escaping user text and fitting Slack's limits.

Everything a person typed (questions, drafts, terms) goes through `escape` before it is
placed in a message, so `<!channel>`, `<!here>` or `<@U123>` fed to the bot is shown, never
acted on. Long content is split into several sections (3,000 characters each), a message
keeps at most 50 blocks and 40,000 characters of fallback text; what does not fit is
trimmed with a "Show all" button that opens the whole text in a modal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from bot.answer import example_questions
from bot.config import DEFAULT_KNOWLEDGE_DIR
from bot.text import clip

SECTION_LIMIT = 3000
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
TEXT_LIMIT = 40_000
BUTTON_TEXT = 75
HEADER_LIMIT = 150
CONTEXT_LIMIT = 2000
MORE = "…"

Block = dict[str, Any]

_BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)

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


def _text_size(block: Block) -> int:
    return len(json.dumps(block, ensure_ascii=False))


def fit_message(blocks: Sequence[Block], *, more_value: str = "",
                limit: int = MESSAGE_BLOCKS, max_chars: int = TEXT_LIMIT) -> list[Block]:
    """At most `limit` blocks and about `max_chars` characters; when trimming, keep the last
    actions block and offer "Show all" (which opens the whole text in a modal)."""
    blocks = list(blocks)
    sizes = [_text_size(b) for b in blocks]
    if len(blocks) <= limit and sum(sizes) <= max_chars:
        return blocks
    tail = [blocks[-1]] if blocks[-1].get("type") == "actions" else []
    budget = max_chars - sum(_text_size(b) for b in tail) - 500
    kept: list[Block] = []
    for block, size in zip(blocks[: len(blocks) - len(tail)], sizes, strict=False):
        if len(kept) >= limit - len(tail) - 1 or size > budget:
            break
        kept.append(block)
        budget -= size
    note = context(f"{MORE} this is longer than a Slack message allows.")
    if more_value:
        extra = tail[0]["elements"][:24] if tail else []
        tail = [actions(button("Show all", ACTION_SHOW_ALL, more_value), *extra)]
    return kept + [note] + tail


def fallback_text(text: str) -> str:
    """The notification / fallback `text` of a message, within Slack's 40,000 characters."""
    return clip(text, 4000)


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
        blocks.append(context(f"<@{shared_by}> shared an answer to: "
                              f"_{escape(clip(answer.question, 300))}_"))
    text = escape(answer.answer.strip()) or "I have no answer to that."
    blocks.extend(sections(text))
    if answer.answered and answer.citations:
        blocks.extend(citation_blocks(answer.citations,
                                      with_quotes=getattr(answer, "generated_by", "") == "model"))
    elif not answer.answered:
        blocks.append(context("The two advice texts I draw on do not cover this question."))
    if coaching_question:
        blocks.append(section(f"_{escape(coaching_question)}_"))
    buttons = []
    if answer_id is not None:
        buttons += [button("Helpful", ACTION_HELPFUL, str(answer_id)),
                    button("Not helpful", ACTION_NOT_HELPFUL, str(answer_id))]
        if shareable:
            buttons.append(button("Share in channel", ACTION_SHARE, str(answer_id), "primary"))
    if buttons:
        blocks.append(actions(*buttons))
    more = f"answer:{answer_id}" if answer_id is not None else ""
    return fit_message(blocks, more_value=more)


def answer_text(answer: Any) -> str:
    return fallback_text(escape(answer.answer.strip()) or "No answer.")


def help_blocks(command: str = "/cio") -> list[Block]:
    examples = "\n".join(f"• `{command} {escape(q)}`" for q in EXAMPLE_QUESTIONS)
    return [
        section("*CIO Coach* answers coaching questions for IT leaders from two advice "
                "texts, quoting and citing the passages it uses, and checks drafts for IT "
                "jargon before they go to non-technical colleagues."),
        section(f"*Ask a question* (only you see the answer; you can share it):\n{examples}"),
        section("*Check a draft:* `/jargon <your draft>`\n"
                "*Team terms:* `/jargon add <term> = <plain words>`, `/jargon remove <term>`, "
                "`/jargon list`"),
        section("*Coaching conversation:* send me a direct message; follow-ups in the thread "
                "remember what we said. Start a DM with `check` to check a draft instead.\n"
                "*In a channel:* mention me with a question and I answer in a thread.\n"
                "*On any message:* use the message shortcut *Check for jargon*."),
    ]


# --- jargon reports ------------------------------------------------------------------------

def highlight(draft: str, findings: Sequence[Any]) -> str:
    """The draft, escaped, with each finding's span in bold."""
    out: list[str] = []
    at = 0
    for f in sorted(findings, key=lambda f: (f.start, -f.end)):
        if f.start < at or f.end <= f.start:
            continue
        out.append(escape(draft[at:f.start]))
        span = escape(draft[f.start:f.end]).strip()
        out.append(f"*{span}*" if span else "")
        at = f.end
    out.append(escape(draft[at:]))
    return "".join(out)


def _finding_line(f: Any) -> str:
    line = f"• *{escape(f.term)}*"
    if getattr(f, "suggestion", ""):
        line += f" → {escape(f.suggestion)}"
    if getattr(f, "explanation", ""):
        line += f" — _{escape(f.explanation)}_"
    return line


def jargon_blocks(draft: str, report: Any, *, rewrite_button: bool = False,
                  draft_ref: str = "") -> list[Block]:
    findings = list(getattr(report, "findings", []))
    if not findings:
        return [section(":white_check_mark: No IT jargon found. This reads plainly."),
                section(_quote(clip(draft, 2800)))]
    grade = getattr(report, "grade", "")
    density = getattr(report, "density", None)
    summary = f"*{len(findings)} jargon term{'s' if len(findings) != 1 else ''} found*"
    if isinstance(grade, int | float) and grade > 0:
        summary += f" · reading grade {grade:.0f}"
    if isinstance(density, int | float) and 0 < density <= 1:
        summary += f" · {density * 100:.0f} per 100 words"
    blocks = [section(summary)]
    blocks.extend(sections(highlight(draft, findings)))
    blocks.extend(sections("*Plain alternatives*\n" + "\n".join(
        _finding_line(f) for f in _unique_terms(findings))))
    rewrite = getattr(report, "rewrite", "") or ""
    if rewrite.strip():
        blocks.extend(sections("*Suggested rewrite*\n" + _quote(rewrite)))
    if rewrite_button and draft_ref:
        blocks.append(actions(button("Rewrite in plain words", ACTION_REWRITE, draft_ref)))
    return fit_message(blocks)


def _unique_terms(findings: Sequence[Any]) -> list[Any]:
    seen: set[str] = set()
    unique = []
    for f in findings:
        key = f.term.lower()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def jargon_text(report: Any) -> str:
    n = len(getattr(report, "findings", []))
    return f"{n} jargon term{'s' if n != 1 else ''} found" if n else "No IT jargon found."


# --- App Home and modals ---------------------------------------------------------------------

def home_view(*, term_count: int | None, top: Sequence[tuple[str, int]], helpful: int,
              not_helpful: int) -> dict[str, Any]:
    asked = "\n".join(f"• {escape(clip(q, 200))} ({n}×)" for q, n in top) or \
        "_No questions asked this week yet._"
    examples = "\n".join(f"• {escape(q)}" for q in EXAMPLE_QUESTIONS)
    blocks = [
        header("CIO Coach"),
        *help_blocks(),
        {"type": "divider"},
        section(f"*Example questions*\n{examples}"),
        section(f"*Most asked this week*\n{asked}"),
        section(f"*This workspace*\n• {_terms_line(term_count)}\n"
                f"• Feedback on answers: {helpful} helpful, {not_helpful} not helpful"),
    ]
    return {"type": "home", "blocks": blocks[:VIEW_BLOCKS]}


def _terms_line(count: int | None) -> str:
    if count is None:
        return "Team terms: the list could not be read just now"
    return f"{count} team term{'s' if count != 1 else ''} added to the jargon check " \
        "(`/jargon list`)"


def full_text_modal(title: str, mrkdwn: str) -> dict[str, Any]:
    blocks = sections(mrkdwn)
    if len(blocks) > VIEW_BLOCKS:
        blocks = blocks[: VIEW_BLOCKS - 1] + [context(f"{MORE} trimmed to fit.")]
    return {"type": "modal", "title": {"type": "plain_text", "text": clip(title, 24)},
            "close": {"type": "plain_text", "text": "Close"}, "blocks": blocks}


def apology(what: str = "") -> str:
    return (f"Sorry, something went wrong{(' ' + what) if what else ''}. "
            "Please try again in a moment.")
