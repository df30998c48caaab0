"""A reply in a thread that shows progress, streams a model answer, and is then replaced
by the final message.

Progress is the AI-app "thinking" status or a placeholder message. A model answer
streams into it: through Slack's chat streaming (chat.startStream/appendStream/
stopStream, via slack-sdk's `chat_stream`) where the workspace has it, else by
throttled chat.update of the placeholder. The final message replaces whatever was
streamed, so a model answer the guard rejects is never left on screen.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from bot.slack import blocks

log = logging.getLogger(__name__)

PLACEHOLDER = ":hourglass_flowing_sand: Looking through the advice texts…"
UPDATE_EVERY_SECONDS = 1.0
STREAM_BUFFER_CHARS = 120  # text gathered per chat.appendStream call


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
