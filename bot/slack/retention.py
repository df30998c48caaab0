"""Retention: what people wrote (questions, conversation turns, feedback, the answers and
jargon reports shown to them) is deleted once it is older than CIO_COACH_RETENTION_DAYS
(default 90). The app sweeps when it starts and then at most once an hour, in the work
after an acknowledgement (never before one)."""

from __future__ import annotations

import logging
import threading
import time

from bot.service import Coach

log = logging.getLogger(__name__)

SWEEP_EVERY_SECONDS = 3600
DAY_SECONDS = 24 * 3600


class Retention:
    def __init__(self, every: float = SWEEP_EVERY_SECONDS) -> None:
        self.every = every
        self._next = 0.0
        self._lock = threading.Lock()

    def sweep(self, coach: Coach) -> dict[str, int]:
        """Delete what is older than the retention period now; returns rows per table."""
        cutoff = time.time() - coach.settings.retention_days * DAY_SECONDS
        deleted = coach.storage().slack.purge(cutoff)
        self._next = time.monotonic() + self.every
        if any(deleted.values()):
            log.info("retention (%d days): deleted %s", coach.settings.retention_days,
                     ", ".join(f"{n} from {table}" for table, n in deleted.items() if n))
        return deleted

    def sweep_if_due(self, coach: Coach) -> None:
        if time.monotonic() < self._next or not self._lock.acquire(blocking=False):
            return
        try:
            self.sweep(coach)
        except Exception:  # a failed sweep must not cost anyone their answer
            log.exception("retention sweep failed; trying again later")
            self._next = time.monotonic() + self.every
        finally:
            self._lock.release()


retention = Retention()
