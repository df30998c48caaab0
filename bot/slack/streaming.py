"""A reply in a thread that shows progress, streams a model answer, and ends with the
final message, posted once.

Progress is the AI-app "thinking" status or a placeholder message. A model answer streams
through Slack's chat streaming (slack-sdk's `chat_stream`: chat.startStream/appendStream/
stopStream) where the workspace has it, else by chat.update of the placeholder, at most
once a second. Streaming calls are optional (`budget.optional_calls`): they go out only
with a spare token of the workspace's budget, and the first 429 ends the streaming.

The final message:
- after a chat stream whose text is the final answer: `stopStream(blocks=...)` adds the
  citations and buttons under the streamed text, as slack-sdk documents;
- after a stream the final answer differs from (the guard rejected the model text, or a
  429 cut it short): the stream is stopped and the message replaced by chat.update;
- over a placeholder: chat.update. A placeholder is only posted when the budget can
  promise that update (`Budget.promise`); otherwise the answer is posted when ready.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.slack import blocks
from bot.slack.budget import NoBudget, optional_calls

log = logging.getLogger(__name__)

PLACEHOLDER = ":hourglass_flowing_sand: Looking through the advice texts…"
UPDATE_EVERY_SECONDS = 1.0
STREAM_BUFFER_CHARS = 256  # slack-sdk's default for chat_stream: fewer appendStream calls
PREVIEW_CHARS = 2900
RATE_LIMITED = "ratelimited"


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


class ThreadReply:
    def __init__(self, client, channel: str, thread_ts: str, *, team_id: str = "",
                 user_id: str = ""):
        self.client = client
        self.channel = channel
        self.thread_ts = thread_ts
        self.team_id = team_id
        self.user_id = user_id
        self.ts: str | None = None
        self.use_chat_stream = False
        self.streaming_stopped = False
        self._stream = None
        self._streamed = ""
        self._last_update = 0.0
        self._promised = False

    # --- the budget's promise of one chat.update ------------------------------------------

    def _promise_update(self) -> bool:
        shared = getattr(self.client, "budget", None)
        if shared is None:
            return True
        self._promised = shared.promise(self.client.budget_team, "chat.update")
        return self._promised

    def done(self) -> None:
        """Give back the promised update, used or not (always called at the end)."""
        if self._promised:
            self._promised = False
            self.client.budget.release(self.client.budget_team, "chat.update")

    # --- progress and streaming -------------------------------------------------------------

    def placeholder(self, text: str = PLACEHOLDER) -> None:
        """A message the final answer will replace, if the budget can afford replacing it
        soon; under load nothing (the answer is posted when it is ready)."""
        if not self._promise_update():
            log.info("no placeholder in %s: the workspace's chat.update budget is short",
                     self.channel)
            return
        try:
            response = self.client.chat_postMessage(channel=self.channel,
                                                    thread_ts=self.thread_ts, text=text)
        except Exception:
            self.done()
            raise
        self.ts = response["ts"]

    def on_text(self, piece: str) -> None:
        """Show a streamed piece; a skipped update keeps the text for the next one, a
        failure (a 429 first of all) ends the streaming, never the answer."""
        if self.streaming_stopped:
            return
        self._streamed += piece
        try:
            with optional_calls():
                if self.use_chat_stream:
                    self._append_to_stream(piece)
                else:
                    self._update_placeholder()
        except NoBudget:
            pass
        except Exception as exc:
            log.warning("streaming into Slack stopped: %s", exc)
            self.streaming_stopped = True

    def _append_to_stream(self, piece: str) -> None:
        if self._stream is None:
            self._stream = self.client.chat_stream(
                buffer_size=STREAM_BUFFER_CHARS, channel=self.channel, thread_ts=self.thread_ts,
                recipient_team_id=self.team_id or None, recipient_user_id=self.user_id or None)
        try:
            self._stream.append(markdown_text=blocks.escape(piece))
        except SlackApiError as exc:
            if exc.response.get("error") == RATE_LIMITED or self._stream.ts:
                raise
            # No chat streaming in this workspace: stream into a placeholder instead.
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
                                    text=blocks.clip(blocks.escape(self._streamed),
                                                     PREVIEW_CHARS))

    # --- the final message --------------------------------------------------------------

    def send(self, message: dict[str, Any], *, streamed_as: str = "",
             tail: list[dict[str, Any]] | None = None) -> None:
        """Show the final message, once. `streamed_as` is the final answer's text and
        `tail` the blocks that go under it when the stream showed exactly that text."""
        stream, self._stream = self._stream, None
        if stream is not None and stream.ts:
            self._finish_stream(stream, message, streamed_as, tail)
            return
        self.done()
        if self.ts:
            self.client.chat_update(channel=self.channel, ts=self.ts, **message)
            return
        response = self.client.chat_postMessage(channel=self.channel, thread_ts=self.thread_ts,
                                                **message)
        self.ts = response["ts"]

    def _finish_stream(self, stream, message: dict[str, Any], streamed_as: str,
                       tail: list[dict[str, Any]] | None) -> None:
        self.ts = stream.ts
        self.done()
        if tail is not None and not self.streaming_stopped and \
                _same_text(self._streamed, streamed_as):
            try:
                stream.stop(blocks=tail)
                return
            except Exception as exc:  # the message is then replaced as a whole
                log.warning("could not stop the chat stream with the answer's blocks: %s", exc)
        else:
            try:
                self.client.chat_stopStream(channel=self.channel, ts=stream.ts)
            except Exception as exc:
                log.info("could not stop the chat stream: %s", exc)
        self.client.chat_update(channel=self.channel, ts=self.ts, **message)

    def tell(self, text: str) -> None:
        """A short reply (an apology, a hint) in place of the answer."""
        self.send({"text": text, "blocks": [blocks.section(text)]})
