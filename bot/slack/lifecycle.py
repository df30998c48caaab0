"""The process's background work and its end: the thread pools that run work after the
acknowledgement, drained within a bound when the process is asked to stop (SIGTERM), and
the one log line when serving starts and when it stops."""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

log = logging.getLogger("cio_coach.serve")
log.setLevel(logging.INFO)  # the start and stop lines show at the default WARNING level too

DEFAULT_GRACE_SECONDS = 20.0

_pools: list[ThreadPoolExecutor] = []
_lock = threading.Lock()


def pool(name: str, workers: int, initializer=None) -> ThreadPoolExecutor:
    """A thread pool for work after the acknowledgement, drained at shutdown. Threads
    start on first use, so a pool made before gunicorn forks is safe in each worker."""
    executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name,
                                  initializer=initializer)
    with _lock:
        _pools.append(executor)
    return executor


def drain(grace: float) -> bool:
    """Stop taking work and let what is running finish, for at most `grace` seconds;
    True when everything finished."""
    with _lock:
        pools = list(_pools)
    for executor in pools:
        executor.shutdown(wait=False, cancel_futures=False)
    deadline = time.monotonic() + grace
    done = threading.Event()

    def wait_all() -> None:
        for executor in pools:
            executor.shutdown(wait=True)
        done.set()

    threading.Thread(target=wait_all, name="drain", daemon=True).start()
    finished = done.wait(max(0.0, deadline - time.monotonic()))
    if not finished:
        log.warning("cio-coach: %.0f s grace over; stopping with work unfinished", grace)
    return finished


def started(mode: str, where: str, workers: int) -> None:
    log.info("cio-coach: serving Slack (%s) on %s with %d worker%s", mode, where, workers,
             "" if workers == 1 else "s")


def stopped(reason: str = "") -> None:
    log.info("cio-coach: stopped%s", f" ({reason})" if reason else "")
