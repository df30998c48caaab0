"""The Slack app under test, for the tests and the benchmark: `cio-coach serve --http` as
a subprocess on a free loopback port, and signed requests, as Slack sends them.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from tests.kit.cli import CLI, clean_env
from tests.kit.fakeslack import BOT_TOKEN, TEAM_ID, FakeSlack

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
REPO = Path(__file__).resolve().parents[2]
_ids = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}{os.getpid()}X{next(_ids)}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sign(body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict:
    """Slack's v0 request signature: HMAC-SHA256 of "v0:{timestamp}:{body}"."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


@dataclass
class Reply:
    status: int
    body: str
    seconds: float

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class SlackApp:
    """The app under test, served over HTTP, and how to talk to it as Slack does."""

    url: str
    fake: FakeSlack
    db_path: Path
    log_path: Path
    team_id: str = TEAM_ID

    def post(self, body: str, content_type: str, *, headers: dict | None = None,
             signed: bool = True, path: str = "/slack/events") -> Reply:
        all_headers = {"Content-Type": content_type, **(sign(body) if signed else {}),
                       **(headers or {})}
        request = urllib.request.Request(self.url + path, data=body.encode(),
                                         headers=all_headers, method="POST")
        return _send(request)

    def get(self, path: str, headers: dict | None = None) -> Reply:
        return _send(urllib.request.Request(self.url + path, headers=headers or {}))

    def command(self, command: str, text: str, *, user: str | None = None,
                channel: str | None = None, team: str | None = None) -> tuple[Reply, str]:
        """Send a slash command; returns the reply and the command's response_url id."""
        response_id = unique("cmd")
        form = {"token": "legacy", "team_id": team or self.team_id, "team_domain": "fake",
                "channel_id": channel or unique("C"), "channel_name": "general",
                "user_id": user or unique("U"), "user_name": "pat", "command": command,
                "text": text, "api_app_id": "A0APP", "is_enterprise_install": "false",
                "response_url": self.fake.response_url(response_id),
                "trigger_id": unique("trig")}
        return self.post(urlencode(form), "application/x-www-form-urlencoded"), response_id

    def interaction(self, payload: dict) -> Reply:
        body = urlencode({"payload": json.dumps(payload)})
        return self.post(body, "application/x-www-form-urlencoded")

    def event(self, event: dict, *, event_id: str | None = None, team: str | None = None,
              headers: dict | None = None) -> Reply:
        body = json.dumps(event_body(event, event_id=event_id, team=team or self.team_id))
        return self.post(body, "application/json", headers=headers)


def event_body(event: dict, *, event_id: str | None = None, team: str = TEAM_ID) -> dict:
    return {"token": "legacy", "team_id": team, "api_app_id": "A0APP", "type": "event_callback",
            "event_id": event_id or unique("Ev"), "event_time": int(time.time()),
            "authorizations": [{"team_id": team, "user_id": "U0BOT", "is_bot": True}],
            "event": event}


def _send(request: urllib.request.Request) -> Reply:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read().decode()
            return Reply(response.status, body, time.perf_counter() - started)
    except urllib.error.HTTPError as exc:
        return Reply(exc.code, exc.read().decode(), time.perf_counter() - started)


def app_env(fake: FakeSlack, db_path: Path, **extra: str) -> dict[str, str]:
    env = clean_env()
    env.update({"SLACK_API_URL": fake.api_url, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_BOT_TOKEN": BOT_TOKEN, "CIO_COACH_DB": str(db_path),
                "LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1"})
    env.update(extra)
    return {k: v for k, v in env.items() if v != ""}


def wait_for_port(port: int, process: subprocess.Popen, log_path: Path,
                  timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log_path.read_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server did not listen: {log_path.read_text()[-3000:]}")


def start_app(fake: FakeSlack, tmp: Path, *args: str, code: Path | None = None,
              **env: str) -> Iterator[SlackApp]:
    """`cio-coach serve --http ARGS` on a free port; with `code`, the program in that
    folder (another checkout, for before/after figures) instead of this one."""
    port = free_port()
    db_path = tmp / "cio-coach.db"
    log_path = tmp / "serve.log"
    command = [sys.executable, "-m", "bot"] if code else [str(CLI)]
    if code:
        env["PYTHONPATH"] = str(code)
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [*command, "serve", "--http", "--host", "127.0.0.1", "--port", str(port), *args],
            env=app_env(fake, db_path, **env), stdout=log, stderr=subprocess.STDOUT,
            cwd=tmp)
    try:
        wait_for_port(port, process, log_path)
        yield SlackApp(f"http://127.0.0.1:{port}", fake, db_path, log_path)
    finally:
        stop_process(process)


def stop_process(process: subprocess.Popen) -> None:
    """Terminate a server process, killing it if it does not stop in time."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def post_signed(port: int, body: str, content_type: str) -> tuple[int, float]:
    """One signed request to /slack/events on a fresh connection, as Slack sends them;
    (HTTP status, seconds), status 0 when the connection failed (for the benchmarks)."""
    import http.client

    started = time.perf_counter()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("POST", "/slack/events", body=body.encode(),
                     headers={"Content-Type": content_type, **sign(body)})
        response = conn.getresponse()
        response.read()
        conn.close()
        return response.status, time.perf_counter() - started
    except OSError:
        return 0, time.perf_counter() - started
