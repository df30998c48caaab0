"""Acknowledgements first: slow work waits, briefly, while requests are being acknowledged.

Listener threads and request threads share one interpreter (and its lock), so a burst of
answers being prepared slows down the acknowledgements Slack needs within 3 seconds.
Slow work therefore waits until no request is in flight, for at most `MAX_WAIT_SECONDS`
at a time, so it still progresses under sustained load.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

MAX_WAIT_SECONDS = 0.5


class AckFirst:
    def __init__(self, max_wait: float = MAX_WAIT_SECONDS) -> None:
        self.max_wait = max_wait
        self._in_flight = 0
        self._quiet = threading.Condition()

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

    def wait_for_quiet(self) -> None:
        with self._quiet:
            self._quiet.wait_for(lambda: not self._in_flight, timeout=self.max_wait)


ack_first = AckFirst()
