"""What the listeners share: answer a question, check a draft, rewrite one, hold a DM
conversation. The use cases themselves are `bot.service.Coach`'s; this module adds what
is Slack's own: remembering answers and reports for the buttons, thread history, the
message shapes, and never letting a failure go unanswered (`apologizing`).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from bot.answer import Answer, Turn
from bot.service import Coach, report_from_json
from bot.slack import blocks, report_blocks
from bot.slack.audience import audience_option, reader_note, unknown_audience
from bot.slack.budget import NoBudget, optional_calls
from bot.slack.markup import jargon_draft, slack_to_plain, strip_mention
from bot.slack.retention import retention
from bot.slack.streaming import ThreadReply

log = logging.getLogger(__name__)

STATUS = "is reading the advice texts…"
MAX_QUESTION_CHARS = 2000
MAX_REWRITE_DRAFT_CHARS = 1900

COACHING_QUESTIONS = (
    "Which of your stakeholders would you talk to first about this?",
    "What would this look like in your own organisation next month?",
    "What is the one step you could take on this this week?",
    "Who in your leadership team would see this differently, and why?",
    "What would you need to stop doing to make room for this?",
)


@contextmanager
def apologizing(what: str, tell: Callable[[str], Any]) -> Iterator[None]:
    """Run the block; on failure log the detail and send the person a short apology."""
    try:
        yield
    except Exception:
        log.exception("failed while %s", what)
        try:
            tell(blocks.apology(f"while {what}"))
        except Exception:
            log.exception("could not send the apology either (%s)", what)


def coaching_question(question: str, answer: Answer) -> str:
    """One short question back, for answers that do not already end with one."""
    if not answer.answered or answer.answer.rstrip().endswith("?"):
        return ""
    digest = hashlib.sha1(question.lower().encode("utf-8")).digest()
    return COACHING_QUESTIONS[digest[0] % len(COACHING_QUESTIONS)]


# --- answers ---------------------------------------------------------------------------

def answer(coach: Coach, team_id: str, user_id: str, question: str, *, surface: str,
           history: list[Turn] | None = None,
           on_text: Callable[[str], None] | None = None) -> tuple[Answer, int]:
    """Answer `question` (logged for App Home) and remember it; returns it with its id."""
    question = question[:MAX_QUESTION_CHARS]
    state = coach.storage().slack
    retention.sweep_if_due(coach)
    state.log_question(team_id, user_id, surface, question)
    result = coach.ask(question, history=history, on_text=on_text)
    citations = [c.to_json() | {"quote": c.quote} for c in result.citations]
    answer_id = state.record_answer(team_id, user_id, result.question, result.answer,
                                    citations, result.answered)
    return result, answer_id


def answer_message(result: Answer, answer_id: int, *, shareable: bool = False,
                   coaching: str = "") -> dict[str, Any]:
    return {"text": blocks.answer_text(result),
            "blocks": blocks.answer_blocks(result, answer_id=answer_id, shareable=shareable,
                                           coaching_question=coaching)}


# --- jargon ----------------------------------------------------------------------------

def jargon_message(coach: Coach, team_id: str, user_id: str, draft: str, *,
                   audience: str | None = None) -> dict[str, Any]:
    """chat.postMessage / respond arguments for the jargon report of `draft`: the whole
    report when it fits a message, else a condensed one whose button opens the whole.
    It is checked for `audience` (named in the request), else the person's, else the
    workspace's, else the readers the draft's opening names (`Coach.reader_for`).
    The report is remembered when a button needs it (the model's rewrite, "Show the full
    report"), so both work from the findings the person was shown."""
    if audience is not None and audience not in coach.audience_names():
        return {"text": unknown_audience(audience, coach.audience_names())}
    if not draft.strip():
        return {"text": blocks.escape("Put the draft after the audience: "
                                      "`--audience <name> <your draft>`.")}
    retention.sweep_if_due(coach)
    reader = coach.reader_for(team_id, user_id, audience)
    report = coach.check(draft, team_id=team_id, audience=reader.audience)
    note = reader_note(report.audience, reader)
    state = coach.storage().slack
    check_ref = ""
    if coach.settings.model_configured and report.findings and \
            len(draft) <= MAX_REWRITE_DRAFT_CHARS:
        check_ref = str(state.record_check(team_id, user_id, draft, report.to_json()))
    shown = report_blocks.jargon_blocks(draft, report, rewrite_ref=check_ref, note=note)
    if not blocks.fits(shown):
        full_ref = check_ref or str(state.record_check(team_id, user_id, draft,
                                                       report.to_json()))
        shown = report_blocks.condensed_blocks(report, full_ref=full_ref,
                                               rewrite_ref=check_ref, note=note)
    return {"text": report_blocks.jargon_text(report), "blocks": shown}


def rewrite_message(coach: Coach, team_id: str, check_id: int) -> dict[str, Any] | str:
    """The plain rewrite of a report shown earlier, as message arguments; a short text
    when there is nothing to offer."""
    stored = coach.storage().slack.get_check(check_id)
    if stored is None or stored.team_id != team_id:
        return "That report is no longer available; check the draft again."
    rewritten = coach.rewrite(report_from_json(stored.report), team_id=team_id)
    if not rewritten.text.strip():
        return "There is no rewrite to offer for this draft."
    shown = blocks.sections("*Rewritten in plain words*\n" + blocks.escape(rewritten.text))
    if rewritten.guard:
        shown.append(blocks.context("The model's rewrite did not pass the checks "
                                    f"({blocks.escape(rewritten.guard)}), so this is "
                                    "the word-for-word substitution."))
    return {"text": blocks.fallback_text(blocks.escape(rewritten.text)),
            "blocks": blocks.fit_message(shown)}


# --- conversations in threads ------------------------------------------------------------

def converse(coach: Coach, client, *, team_id: str, user_id: str, channel: str,
             thread_ts: str, event: dict[str, Any], set_status=None, set_title=None,
             surface: str = "dm", bot_user_id: str | None = None) -> None:
    """Answer (or check) a DM or mention in its thread, remembering earlier turns."""
    reply = ThreadReply(client, channel, thread_ts, team_id=team_id, user_id=user_id)
    try:
        with apologizing("answering your message", reply.tell):
            _converse(coach, reply, event=event, set_status=set_status,
                      set_title=set_title, surface=surface, bot_user_id=bot_user_id)
    finally:
        reply.done()


def _converse(coach: Coach, reply: ThreadReply, *, event: dict[str, Any], set_status,
              set_title, surface: str, bot_user_id: str | None) -> None:
    team_id, user_id, channel = reply.team_id, reply.user_id, reply.channel
    draft = jargon_draft(event) if surface != "mention" else None
    if draft is not None:
        named, draft = audience_option(draft)
        reply.send(jargon_message(coach, team_id, user_id, draft, audience=named))
        return
    question = slack_to_plain(strip_mention(event.get("text") or "", bot_user_id))
    if not question:
        reply.send({"text": "Ask me a question, or start with `check` to check a draft.",
                    "blocks": blocks.help_blocks()})
        return
    _show_progress(reply, set_status)
    state = coach.storage().slack
    history = [Turn(t.question, t.answer)
               for t in state.thread_history(team_id, channel, reply.thread_ts)]
    if set_title is not None and not history:
        _quietly(set_title, blocks.clip(question, 80))
    result, answer_id = answer(coach, team_id, user_id, question, surface=surface,
                               history=history, on_text=reply.on_text)
    coaching = coaching_question(question, result) if surface != "mention" else ""
    # Remember the turn before showing it: a quick follow-up must find it.
    state.add_turn(team_id, channel, reply.thread_ts, question, result.answer, user_id)
    tail = blocks.answer_tail(result, answer_id=answer_id, coaching_question=coaching)
    reply.send(answer_message(result, answer_id, coaching=coaching),
               streamed_as=result.answer, tail=tail if blocks.fits(tail) else None)


def _show_progress(reply: ThreadReply, set_status) -> None:
    """The AI-app "thinking" status where the workspace has it (a model answer then streams
    with chat streaming), else a placeholder message (updated as the answer streams)."""
    if set_status is not None and _quietly(set_status, STATUS):
        reply.use_chat_stream = True
        return
    reply.placeholder()


def _quietly(fn: Callable[..., Any], *args: Any) -> bool:
    """An optional Slack nicety (status, title): only with a spare token of the budget; a
    refusal is logged, not fatal."""
    try:
        with optional_calls():
            fn(*args)
        return True
    except NoBudget:
        return False
    except Exception as exc:
        log.info("optional Slack call failed: %s", exc)
        return False
