"""Acknowledgements first: slow work waits while a request is in flight, but not forever."""

from __future__ import annotations

import threading
import time

from bot.slack.priority import AckFirst


def test_slow_work_waits_for_the_request_in_flight_then_for_at_most_max_wait():
    gate = AckFirst(max_wait=2.0)
    release = threading.Event()

    def slow_request(environ, start_response):
        release.wait(5)
        return [b"ok"]

    app = gate.wrap(slow_request)
    request = threading.Thread(target=app, args=({}, None))
    request.start()
    time.sleep(0.05)
    threading.Timer(0.3, release.set).start()
    started = time.monotonic()
    gate.wait_for_quiet()
    waited = time.monotonic() - started
    assert 0.25 <= waited < 1.5  # until the request finished, not the full max_wait
    request.join()

    started = time.monotonic()
    gate.wait_for_quiet()  # nothing in flight: no wait
    assert time.monotonic() - started < 0.05


def test_under_sustained_load_slow_work_still_runs():
    gate = AckFirst(max_wait=0.2)
    stop = threading.Event()
    app = gate.wrap(lambda environ, start_response: stop.wait(5) or [b""])
    threading.Thread(target=app, args=({}, None), daemon=True).start()
    time.sleep(0.05)
    started = time.monotonic()
    gate.wait_for_quiet()
    assert 0.15 <= time.monotonic() - started < 0.5
    stop.set()
