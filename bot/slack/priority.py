"""Acknowledgements first: slow work gives way while requests are being acknowledged.

Listener threads and request threads share one interpreter (and its lock), so a burst of
answers being prepared slows down the acknowledgements Slack needs within 3 seconds.
Slow work therefore waits until no request is in flight; if requests keep coming for
longer than `MAX_WAIT_SECONDS`, slow work goes on one job at a time and for at most
`BUSY_SHARE` of the time, so it still progresses under sustained load without crowding
out the acknowledgements.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

MAX_WAIT_SECONDS = 0.2
BUSY_SHARE = 0.2
MAX_REST_SECONDS = 0.1


class AckFirst:
    def __init__(self, max_wait: float = MAX_WAIT_SECONDS) -> None:
        self.max_wait = max_wait
        self._in_flight = 0
        self._quiet = threading.Condition()
        self._busy_lane = threading.Lock()

    def wrap(self, wsgi_app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
        """The WSGI app, counting the requests in flight."""

        def counted(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
            with self._quiet:
                self._in_flight += 1
            try:
                return wsgi_app(environ, start_response)
            finally:
                with self._quiet:
                    self._in_flight -= 1
                    if not self._in_flight:
                        self._quiet.notify_all()

        return counted

    def wait_for_quiet(self) -> bool:
        """Wait (at most `max_wait`) until no request is in flight; True if it is quiet."""
        with self._quiet:
            return self._quiet.wait_for(lambda: not self._in_flight, timeout=self.max_wait)

    @contextmanager
    def slow_work(self) -> Iterator[None]:
        """Run the block when quiet, or else in the single lane kept for busy times."""
        if self.wait_for_quiet():
            yield
            return
        with self._busy_lane:
            started = time.monotonic()
            try:
                yield
            finally:
                # Keep the lane a while so slow work takes at most BUSY_SHARE of the time.
                spent = time.monotonic() - started
                time.sleep(min(spent * (1 / BUSY_SHARE - 1), MAX_REST_SECONDS))


ack_first = AckFirst()
