"""One outgoing budget per workspace and Web API method, shared by every thread of the
process: a token bucket per (workspace, method) sized by the method's rate-limit tier.

Slack counts calls "per API method per app per workspace", in windows of a minute, with
tiers of 1, 20, 50 and 100+ calls a minute (chat.postMessage has its own rule: about one
message a second per channel). Each bucket refills at `SAFETY` of its tier's rate and holds
at most a tenth of a minute's calls, so no 60-second window can hold more calls than the
tier allows. A 429 pauses the bucket for everyone until its Retry-After has passed.

The budget is per process. `serve --http --workers N` gives each worker 1/N of it
(`set_share`), so the host as a whole stays within Slack's limits; several hosts serving
one workspace each need their share set the same way (docs/slack.md).

Two kinds of calls take from it:
- required calls (every answer, every report) wait for a token;
- optional calls (streaming updates, the "thinking" status) take one only when it is
  spare: the method is not paused and no required call is waiting. Otherwise they are
  skipped, so a final answer waits at most for the next token.
A placeholder is only posted when its final update can be promised: the bucket holds a
token for it beyond those already promised (`promise`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

SAFETY = 0.9
BURST_MINUTE_SHARE = 0.1  # a bucket holds a tenth of a minute's calls
TIER_PER_MINUTE = {1: 1.0, 2: 20.0, 3: 50.0, 4: 100.0}
POST_PER_CHANNEL_PER_MINUTE = 60.0  # chat.postMessage: about one a second per channel
DEFAULT_TIER = 3

# The tier of each method the app calls (Slack's method reference, "Rate limits").
# chat.postMessage is "special": it gets Tier 4's workspace rate plus a per-channel bucket.
# The chat streaming methods and the assistant.threads methods are taken as Tier 4
# (conservative where Slack's reference gives more); auth.test is not budgeted.
METHOD_TIERS = {
    "chat.postMessage": 4, "chat.postEphemeral": 4, "chat.update": 3, "chat.delete": 3,
    "chat.startStream": 4, "chat.appendStream": 4, "chat.stopStream": 4,
    "views.open": 4, "views.publish": 4, "views.update": 4, "views.push": 4,
    "users.info": 4, "conversations.replies": 1, "conversations.info": 3,
    "assistant.threads.setStatus": 4, "assistant.threads.setTitle": 4,
    "assistant.threads.setSuggestedPrompts": 4,
}
UNBUDGETED = {"auth.test", "oauth.v2.access", "apps.connections.open"}


class NoBudget(Exception):
    """An optional call found no spare token; the caller skips it."""


@dataclass
class Bucket:
    rate: float  # tokens a second
    capacity: float
    tokens: float
    stamp: float
    paused_until: float = 0.0
    waiting: int = 0
    promised: int = 0
    taken: int = 0

    def refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def spare(self, now: float) -> bool:
        return now >= self.paused_until and not self.waiting and self.tokens >= 1

    def promisable(self, now: float) -> bool:
        return now >= self.paused_until and not self.waiting and \
            self.tokens - self.promised >= 1


def per_minute(method: str) -> float:
    return TIER_PER_MINUTE[METHOD_TIERS.get(method, DEFAULT_TIER)]


class Budget:
    def __init__(self, *, share: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.share = share
        self.clock = clock
        self._buckets: dict[tuple[str, str], Bucket] = {}
        self._changed = threading.Condition()

    def __deepcopy__(self, memo: dict) -> Budget:
        # Bolt deep-copies a request's context (and its client) for lazy listeners; the
        # budget is the process's one, shared, never copied.
        return self

    def set_share(self, share: float) -> None:
        """This process's part of each workspace's budget (1/N for N workers)."""
        with self._changed:
            self.share = share
            self._buckets.clear()

    def _bucket(self, team: str, key: str, minute_rate: float,
                burst: float | None = None) -> Bucket:
        bucket = self._buckets.get((team, key))
        if bucket is None:
            rate = minute_rate * SAFETY * self.share / 60
            capacity = burst or max(1.0, minute_rate * BURST_MINUTE_SHARE * self.share)
            bucket = self._buckets[(team, key)] = Bucket(rate, capacity, capacity,
                                                         self.clock())
        return bucket

    def _buckets_for(self, team: str, method: str, channel: str) -> list[Bucket]:
        buckets = [self._bucket(team, method, per_minute(method))]
        if method == "chat.postMessage" and channel:
            buckets.append(self._bucket(team, f"post:{channel}", POST_PER_CHANNEL_PER_MINUTE,
                                        burst=1.0))
        return buckets

    def take(self, team: str, method: str, *, channel: str = "",
             deadline: float | None = None) -> bool:
        """Wait for a token (until `deadline`, a clock time, if given); False on timeout."""
        if method in UNBUDGETED:
            return True
        with self._changed:
            buckets = self._buckets_for(team, method, channel)
            for bucket in buckets:
                bucket.waiting += 1
            try:
                return self._wait_for_tokens(buckets, deadline)
            finally:
                for bucket in buckets:
                    bucket.waiting -= 1
                self._changed.notify_all()

    def _wait_for_tokens(self, buckets: list[Bucket], deadline: float | None) -> bool:
        while True:
            now = self.clock()
            wait = 0.0
            for bucket in buckets:
                bucket.refill(now)
                wait = max(wait, bucket.paused_until - now,
                           (1 - bucket.tokens) / bucket.rate if bucket.tokens < 1 else 0.0)
            if wait <= 0:
                for bucket in buckets:
                    bucket.tokens -= 1
                    bucket.taken += 1
                return True
            if deadline is not None and now + wait > deadline:
                return False
            self._changed.wait(wait)

    def take_spare(self, team: str, method: str, *, channel: str = "") -> bool:
        """A token for an optional call, only if one is spare now."""
        if method in UNBUDGETED:
            return True
        with self._changed:
            now = self.clock()
            buckets = self._buckets_for(team, method, channel)
            for bucket in buckets:
                bucket.refill(now)
            if not all(bucket.spare(now) for bucket in buckets):
                return False
            for bucket in buckets:
                bucket.tokens -= 1
                bucket.taken += 1
            return True

    def promise(self, team: str, method: str) -> bool:
        """Keep a token aside for a later required call (a placeholder's final update), if
        the budget can spare one now; the caller must `release` it."""
        with self._changed:
            now = self.clock()
            bucket = self._bucket(team, method, per_minute(method))
            bucket.refill(now)
            if not bucket.promisable(now):
                return False
            bucket.promised += 1
            return True

    def release(self, team: str, method: str) -> None:
        with self._changed:
            bucket = self._bucket(team, method, per_minute(method))
            bucket.promised = max(0, bucket.promised - 1)

    def pause(self, team: str, method: str, seconds: float) -> None:
        """Slack answered 429: no call of `method` for `team` until Retry-After has passed."""
        with self._changed:
            bucket = self._bucket(team, method, per_minute(method))
            now = self.clock()
            bucket.refill(now)
            bucket.paused_until = max(bucket.paused_until, now + seconds)
            bucket.tokens = min(bucket.tokens, 0.0)
            self._changed.notify_all()

    def taken(self, team: str, method: str) -> int:
        with self._changed:
            bucket = self._buckets.get((team, method))
            return bucket.taken if bucket else 0


_local = threading.local()


def optional_mode() -> bool:
    return getattr(_local, "optional", False)


@contextmanager
def optional_calls() -> Iterator[None]:
    """Web API calls in this block (this thread) are optional: made only with a spare
    token (else `NoBudget`), never retried after a 429."""
    before = optional_mode()
    _local.optional = True
    try:
        yield
    finally:
        _local.optional = before


budget = Budget()
