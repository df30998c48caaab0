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


def test_while_busy_slow_work_runs_one_job_at_a_time():
    gate = AckFirst(max_wait=0.05)
    stop = threading.Event()
    app = gate.wrap(lambda environ, start_response: stop.wait(5) or [b""])
    threading.Thread(target=app, args=({}, None), daemon=True).start()
    time.sleep(0.05)
    running, most = [0], [0]
    lock = threading.Lock()

    def job():
        with gate.slow_work():
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
            time.sleep(0.05)
            with lock:
                running[0] -= 1

    jobs = [threading.Thread(target=job) for _ in range(6)]
    for j in jobs:
        j.start()
    for j in jobs:
        j.join()
    assert most[0] == 1  # requests in flight all along: one slow job at a time
    stop.set()
    time.sleep(0.05)
    jobs = [threading.Thread(target=job) for _ in range(6)]
    for j in jobs:
        j.start()
    for j in jobs:
        j.join()
    assert most[0] > 1  # quiet again: slow jobs run side by side
