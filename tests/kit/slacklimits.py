"""What Slack refuses, for the fake Web API: rate limits by method tier (per workspace, in
sliding minutes), chat.postMessage's one message a second per channel, and the size
limits of messages and views. Written from Slack's documentation, independently of the
app's own budget, so a test can catch the app exceeding them.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict, deque
from typing import Any

TIER_PER_MINUTE = {1: 1, 2: 20, 3: 50, 4: 100}
METHOD_TIER = {
    "chat.update": 3, "chat.delete": 3, "conversations.replies": 1, "conversations.info": 3,
    "chat.postEphemeral": 4, "chat.postMessage": 4, "chat.startStream": 4,
    "chat.appendStream": 4, "chat.stopStream": 4, "views.open": 4, "views.publish": 4,
    "views.update": 4, "users.info": 4, "assistant.threads.setStatus": 4,
    "assistant.threads.setTitle": 4, "assistant.threads.setSuggestedPrompts": 4,
}
UNLIMITED = {"auth.test", "oauth.v2.access", "apps.connections.open", "response_url"}
MESSAGE_METHODS = {"chat.postMessage", "chat.update", "chat.postEphemeral", "response_url",
                   "chat.stopStream"}
VIEW_METHODS = {"views.open", "views.publish", "views.update", "views.push"}

BLOCK_TEXT_LIMIT = 12_000
SECTION_LIMIT = 3000
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
TEXT_LIMIT = 40_000
HEADER_LIMIT = 150
BUTTON_TEXT_LIMIT = 75
WINDOW = 60.0


class RateLimits:
    """Calls per (workspace, method) in the last minute; per channel in the last second."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.calls: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self.enabled = True

    def check(self, team: str, method: str, channel: str) -> float | None:
        """Seconds to wait (Retry-After) if this call is over the limit, else None (and
        the call is counted)."""
        if not self.enabled or method in UNLIMITED:
            return None
        limit = TIER_PER_MINUTE[METHOD_TIER.get(method, 3)]
        now = time.monotonic()
        with self.lock:
            window = self._window(self.calls[(team, method)], now, WINDOW)
            if len(window) >= limit:
                return window[0] + WINDOW - now
            if method == "chat.postMessage" and channel:
                per_channel = self._window(self.calls[(team, "post:" + channel)], now, 1.0)
                if per_channel:
                    return per_channel[0] + 1.0 - now
                per_channel.append(now)
            window.append(now)
        return None

    @staticmethod
    def _window(calls: deque[float], now: float, length: float) -> deque[float]:
        while calls and calls[0] <= now - length:
            calls.popleft()
        return calls

def most_in_any_minute(stamps: list[float]) -> int:
    """The most calls in any 60-second window among `stamps` (sorted)."""
    best, start = 0, 0
    for end, at in enumerate(stamps):
        while stamps[start] <= at - WINDOW:
            start += 1
        best = max(best, end - start + 1)
    return best


def retry_after_header(seconds: float) -> dict[str, str]:
    return {"Retry-After": str(max(1, math.ceil(seconds)))}


def _texts(node: Any) -> list[str]:
    """Every "text" string inside a block, however deep."""
    if isinstance(node, dict):
        found = [node["text"]] if isinstance(node.get("text"), str) else []
        for key, value in node.items():
            if key != "text" or not isinstance(value, str):
                found.extend(_texts(value))
        return found
    if isinstance(node, list):
        return [t for item in node for t in _texts(item)]
    return []


def block_problem(block: dict[str, Any]) -> bool:
    kind = block.get("type")
    text = block.get("text")
    if kind == "section" and isinstance(text, dict) and len(text.get("text", "")) > SECTION_LIMIT:
        return True
    if kind == "header" and isinstance(text, dict) and len(text.get("text", "")) > HEADER_LIMIT:
        return True
    for element in block.get("elements") or []:
        label = element.get("text") if isinstance(element, dict) else None
        if element.get("type") == "button" and isinstance(label, dict) and \
                len(label.get("text", "")) > BUTTON_TEXT_LIMIT:
            return True
    return False


def message_error(params: dict[str, Any]) -> str | None:
    """Slack's error for a message it would refuse, or None."""
    if len(str(params.get("text") or "")) > TEXT_LIMIT:
        return "msg_too_long"
    blocks = params.get("blocks")
    if blocks is None:
        return None
    if not isinstance(blocks, list) or len(blocks) > MESSAGE_BLOCKS or \
            any(block_problem(b) for b in blocks if isinstance(b, dict)):
        return "invalid_blocks"
    if sum(len(t) for t in _texts(blocks)) > BLOCK_TEXT_LIMIT:
        return "msg_blocks_too_long"
    return None


def view_error(params: dict[str, Any]) -> str | None:
    view = params.get("view") or {}
    blocks = view.get("blocks") or []
    if len(blocks) > VIEW_BLOCKS or any(block_problem(b) for b in blocks):
        return "invalid_arguments"
    return None


def refusal(method: str, params: dict[str, Any]) -> str | None:
    if method in MESSAGE_METHODS:
        return message_error(params)
    if method in VIEW_METHODS:
        return view_error(params)
    return None
