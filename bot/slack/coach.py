"""The work the listeners share: answer a question, check a draft, hold a DM conversation.

Each function opens its own database connection (one per thread) and never lets an
exception escape a listener silently: `apologizing` logs the detail and tells the person.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from bot.answer import Answer, Turn
from bot.config import Settings
from bot.slack import blocks, store
from bot.slack.priority import ack_first

log = logging.getLogger(__name__)

PLACEHOLDER = ":hourglass_flowing_sand: Looking through the advice texts…"
STATUS = "is reading the advice texts…"
UPDATE_EVERY_SECONDS = 1.0
STREAM_BUFFER_CHARS = 120  # text gathered per chat.appendStream call
MAX_QUESTION_CHARS = 2000

_SLACK_ENTITY = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
_CHECK_PREFIX = re.compile(r"^\s*(?:check|jargon)\b[\s:,.-]*", re.IGNORECASE)

COACHING_QUESTIONS = (
    "Which of your stakeholders would you talk to first about this?",
    "What would this look like in your own organisation next month?",
    "What is the one step you could take on this this week?",
    "Who in your leadership team would see this differently, and why?",
    "What would you need to stop doing to make room for this?",
)


# --- reading what Slack sends ----------------------------------------------------------

def _entity(match: re.Match) -> str:
    target, label = match.group(1), match.group(2)
    if label:
        return label
    if target.startswith("!"):
        return "@" + target[1:].split("^")[0]
    if target.startswith(("@", "#")):
        return target
    return target


def slack_to_plain(text: str) -> str:
    """Slack's message markup (`<@U1>`, `<url|label>`, `&amp;`) as plain text."""
    text = _SLACK_ENTITY.sub(_entity, text or "")
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()


def strip_mention(text: str, bot_user_id: str | None) -> str:
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(\|[^>]*)?>", " ", text or "")
    return text.strip()


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


def coaching_question(question: str, answer: Answer) -> str:
    """One short question back, for answers that do not already end with one."""
    if not answer.answered or answer.answer.rstrip().endswith("?"):
        return ""
    digest = hashlib.sha1(question.lower().encode("utf-8")).digest()
    return COACHING_QUESTIONS[digest[0] % len(COACHING_QUESTIONS)]


# --- failures --------------------------------------------------------------------------

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


# --- the cores -------------------------------------------------------------------------

def answer(settings: Settings, team_id: str, user_id: str, question: str, *, surface: str,
           history: list[Turn] | None = None,
           on_text: Callable[[str], None] | None = None) -> tuple[Answer, int]:
    """Answer `question` (logged for App Home) and store it; returns it with its id.

    Retrieval gives way to acknowledgements (`ack_first`); a model, when configured,
    then phrases the quoted answer outside that lane (it waits on I/O or native code).
    """
    from bot.answer import answer_question

    question = question[:MAX_QUESTION_CHARS]
    with ack_first.slow_work(), store.connect(settings.db_path) as db:
        store.log_question(db, team_id, user_id, surface, question)
        result = answer_question(question, _without_model(settings), db=db, history=history)
    if settings.model_configured and result.answered:
        result = _generate(result, settings, history, on_text)
    with store.connect(settings.db_path) as db:
        return result, store.record_answer(db, team_id, user_id, result)


def _generate(quoted: Answer, settings: Settings, history: list[Turn] | None,
              on_text: Callable[[str], None] | None) -> Answer:
    from bot.llm.grounded import generate_answer

    return generate_answer(quoted, settings, history=history, on_text=on_text)


def _without_model(settings: Settings) -> Settings:
    from dataclasses import replace

    return replace(settings, llm_base_url="", llm_model="", llm_model_path="")


def team_checker(settings: Settings, team_id: str):
    """The jargon checker with the workspace's own terms."""
    from bot.jargon.store import checker_for

    with store.connect(settings.db_path) as db:
        return checker_for(db, team_id)


def check_draft(settings: Settings, team_id: str, draft: str):
    from bot.jargon import check

    with ack_first.slow_work():
        report = check(draft, checker=team_checker(settings, team_id))
        if settings.model_configured:
            from bot.llm.sense import judge_report

            report = judge_report(report, settings)
        return report


def jargon_message(settings: Settings, team_id: str, draft: str) -> dict[str, Any]:
    """chat.postMessage / respond arguments for the jargon report of `draft`."""
    report = check_draft(settings, team_id, draft)
    can_rewrite = settings.model_configured and len(draft) <= 1900
    return {"text": blocks.jargon_text(report),
            "blocks": blocks.jargon_blocks(draft, report, rewrite_button=can_rewrite,
                                           draft_ref=draft if can_rewrite else "")}


def answer_message(result: Answer, answer_id: int, *, shareable: bool = False,
                   coaching: str = "") -> dict[str, Any]:
    return {"text": blocks.answer_text(result),
            "blocks": blocks.answer_blocks(result, answer_id=answer_id, shareable=shareable,
                                           coaching_question=coaching)}


# --- posting in a thread, with a placeholder replaced by the answer ----------------------

class ThreadReply:
    """A reply in a thread that shows progress and is then replaced by the final message.

    Progress is the AI-app "thinking" status or a placeholder message. A model answer
    streams into it: through Slack's chat streaming (chat.startStream/appendStream/
    stopStream, via slack-sdk's `chat_stream`) where the workspace has it, else by
    throttled chat.update of the placeholder. The final message replaces whatever was
    streamed, so a model answer the guard rejects is never left on screen.
    """

    def __init__(self, client, channel: str, thread_ts: str, *, team_id: str = "",
                 user_id: str = ""):
        self.client = client
        self.channel = channel
        self.thread_ts = thread_ts
        self.team_id = team_id
        self.user_id = user_id
        self.ts: str | None = None
        self.use_chat_stream = False
        self._stream = None
        self._streamed = ""
        self._last_update = 0.0
        self._streaming_failed = False

    def placeholder(self, text: str = PLACEHOLDER) -> None:
        response = self.client.chat_postMessage(channel=self.channel, thread_ts=self.thread_ts,
                                                text=text)
        self.ts = response["ts"]

    def on_text(self, piece: str) -> None:
        """Show a streamed piece; a Slack failure here stops the streaming, not the answer."""
        if self._streaming_failed:
            return
        self._streamed += piece
        try:
            if self.use_chat_stream:
                self._append_to_stream(piece)
            else:
                self._update_placeholder()
        except Exception as exc:
            log.warning("streaming into Slack stopped: %s", exc)
            self._streaming_failed = True

    def _append_to_stream(self, piece: str) -> None:
        if self._stream is None:
            self._stream = self.client.chat_stream(
                buffer_size=STREAM_BUFFER_CHARS, channel=self.channel, thread_ts=self.thread_ts,
                recipient_team_id=self.team_id or None, recipient_user_id=self.user_id or None)
        try:
            self._stream.append(markdown_text=blocks.escape(piece))
        except Exception as exc:  # no chat streaming here: fall back to a placeholder
            log.info("chat streaming unavailable (%s); updating a placeholder instead", exc)
            self.use_chat_stream = False
            self._stream = None
            if self.ts is None:
                self.placeholder()
            self._update_placeholder(force=True)

    def _update_placeholder(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if self.ts and (force or now - self._last_update >= UPDATE_EVERY_SECONDS):
            self._last_update = now
            self.client.chat_update(channel=self.channel, ts=self.ts,
                                    text=blocks.clip(blocks.escape(self._streamed), 3000))

    def _finish_stream(self) -> None:
        if self._stream is None:
            return
        stream, self._stream = self._stream, None
        try:
            response = stream.stop()
            self.ts = self.ts or response.get("ts") or stream.ts
        except Exception as exc:
            log.warning("could not stop the chat stream: %s", exc)
            self.ts = self.ts or stream.ts

    def send(self, message: dict[str, Any]) -> None:
        self._finish_stream()
        if self.ts:
            self.client.chat_update(channel=self.channel, ts=self.ts, **message)
        else:
            response = self.client.chat_postMessage(channel=self.channel,
                                                    thread_ts=self.thread_ts, **message)
            self.ts = response["ts"]

    def tell(self, text: str) -> None:
        self.send({"text": text, "blocks": []})


def converse(settings: Settings, client, *, team_id: str, user_id: str, channel: str,
             thread_ts: str, event: dict[str, Any], set_status=None, set_title=None,
             surface: str = "dm", bot_user_id: str | None = None) -> None:
    """Answer (or check) a DM or mention in its thread, remembering earlier turns."""
    reply = ThreadReply(client, channel, thread_ts, team_id=team_id, user_id=user_id)
    with apologizing("answering your message", reply.tell):
        draft = jargon_draft(event) if surface != "mention" else None
        if draft is not None:
            reply.send(jargon_message(settings, team_id, draft))
            return
        question = slack_to_plain(strip_mention(event.get("text") or "", bot_user_id))
        if not question:
            reply.send({"text": "Ask me a question, or start with `check` to check a draft.",
                        "blocks": blocks.help_blocks()})
            return
        _show_progress(reply, set_status)
        with store.connect(settings.db_path) as db:
            history = store.thread_history(db, team_id, channel, thread_ts)
        if set_title is not None and not history:
            _quietly(set_title, blocks.clip(question, 80))
        result, answer_id = answer(settings, team_id, user_id, question, surface=surface,
                                   history=history, on_text=reply.on_text)
        coaching = coaching_question(question, result) if surface != "mention" else ""
        # Remember the turn before showing it: a quick follow-up must find it.
        with store.connect(settings.db_path) as db:
            store.add_turn(db, team_id, channel, thread_ts, question, result.answer)
        reply.send(answer_message(result, answer_id, coaching=coaching))


def _show_progress(reply: ThreadReply, set_status) -> None:
    """The AI-app "thinking" status where the workspace has it (a model answer then streams
    with chat streaming), else a placeholder message (updated as the answer streams)."""
    if set_status is not None and _quietly(set_status, STATUS):
        reply.use_chat_stream = True
        return
    reply.placeholder()


def _quietly(fn: Callable[..., Any], *args: Any) -> bool:
    """Call an optional Slack nicety (status, title); a refusal is logged, not fatal."""
    try:
        fn(*args)
        return True
    except Exception as exc:
        log.info("optional Slack call failed: %s", exc)
        return False
