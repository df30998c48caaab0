"""A local HTTP server that plays the Slack Web API, and a Socket Mode WebSocket server.

The app under test is pointed at it with SLACK_API_URL. Every call is recorded (method,
parameters, headers); tests wait for the calls they expect. A test can script failures
for a method (an error body, a 429 with Retry-After, a 5xx) for the next N calls, or a
429 for every Nth call, and make a method slow.

Like Slack, it refuses what Slack refuses (`tests/kit/slacklimits.py`): more calls of a
method in a minute than its rate-limit tier allows, per workspace (429 with Retry-After),
more than one chat.postMessage a second in a channel, messages over 12,000 characters of
block text (msg_blocks_too_long), sections over 3,000 characters or more than 50 blocks
(invalid_blocks), views over their limits. `/response/<id>` plays a response_url.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.kit.slacklimits import RateLimits, refusal, retry_after_header

TEAM_ID = "T0TEAM"
BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"
BOT_TOKEN = "xoxb-fake-team-token"

JSON_FIELDS = ("blocks", "view", "attachments", "prompts", "metadata", "chunks")


@dataclass
class Call:
    method: str  # Web API method, or "response_url"
    params: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)
    team: str = ""
    error: str | None = None  # what the fake answered: None for ok, else the error

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def token(self) -> str:
        auth = self.headers.get("authorization", "")
        return auth.removeprefix("Bearer ").strip() or self.params.get("token", "")

    def all_text(self) -> str:
        """Every piece of text this call would show: `text` and all block/view content."""
        return json.dumps({k: self.params.get(k) for k in ("text", "blocks", "view")},
                          ensure_ascii=False)


@dataclass
class Scripted:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    when: Callable[[dict[str, Any]], bool] | None


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.lock = threading.Condition()
        self.scripts: dict[str, list[Scripted]] = {}
        self.tokens: dict[str, dict[str, str]] = {
            BOT_TOKEN: {"team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID},
        }
        self.oauth_installs: dict[str, dict[str, Any]] = {}
        self.users: dict[str, dict[str, Any]] = {}  # users.info: id -> role flags
        self.limits = RateLimits()
        self.delays: dict[str, float] = {}  # method -> seconds before it answers
        self.every: dict[str, tuple[int, int]] = {}  # method -> (n, Retry-After)
        self.counts: dict[str, int] = {}
        self.refused: list[Call] = []  # messages and views Slack would not take
        self.socket_url = ""
        self._ts = itertools.count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --- lifecycle --------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return self.url + "/api/"

    def response_url(self, name: str) -> str:
        return f"{self.url}/response/{name}"

    def start(self) -> FakeSlack:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- scripting and inspection -----------------------------------------------------

    def fail(self, method: str, *, times: int = 1, status: int = 200,
             error: str = "internal_error", headers: dict[str, str] | None = None,
             when: Callable[[dict[str, Any]], bool] | None = None) -> None:
        """The next `times` calls of `method` (matching `when`) answer with this failure."""
        body = {"ok": False, "error": error}
        with self.lock:
            self.scripts.setdefault(method, []).extend(
                Scripted(status, body, headers or {}, when) for _ in range(times))

    def rate_limit(self, method: str, *, retry_after: int = 1, times: int = 1,
                   when: Callable[[dict[str, Any]], bool] | None = None) -> None:
        self.fail(method, times=times, status=429, error="ratelimited",
                  headers={"Retry-After": str(retry_after)}, when=when)

    def rate_limit_every(self, method: str, n: int, *, retry_after: int = 1) -> None:
        """Answer every `n`th call of `method` with a 429."""
        with self.lock:
            self.every[method] = (n, retry_after)

    def find(self, method: str, where: Callable[[Call], bool] | None = None) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.method == method and (where is None or where(c))]

    def wait_for(self, method: str, where: Callable[[Call], bool] | None = None, *,
                 count: int = 1, timeout: float = 20.0) -> list[Call]:
        """Wait until at least `count` calls of `method` match; return them."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                found = [c for c in self.calls
                         if c.method == method and (where is None or where(c))]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [(c.method, c.params.get("channel")) for c in self.calls[-15:]]
                    raise AssertionError(f"no {count}x {method} within {timeout}s; "
                                         f"last calls: {seen}")
                self.lock.wait(left)

    def wait_for_answer(self, channel: str, *, count: int = 1, marker: str = "feedback_helpful",
                        timeout: float = 20.0) -> list[Call]:
        """The answers shown in `channel`: accepted chat.update, chat.postMessage or
        chat.stopStream calls carrying `marker` (an answer's buttons). Under load the app
        posts an answer instead of replacing a placeholder, so tests look for either."""
        methods = ("chat.update", "chat.postMessage", "chat.stopStream")
        deadline = time.monotonic() + timeout
        found: list[Call] = []
        while time.monotonic() < deadline:
            with self.lock:
                found = [c for c in self.calls if c.method in methods and c.ok
                         and c.params.get("channel") == channel and marker in c.all_text()]
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"no {count}x answer in {channel} within {timeout}s")

    def summary(self) -> list[dict[str, Any]]:
        """Every call in short: method, workspace, channel, time, outcome, whether it
        carried an answer's buttons (a final answer)."""
        with self.lock:
            calls = list(self.calls)
        return [{"method": c.method, "team": c.team, "at": c.at, "error": c.error,
                 "channel": str(c.params.get("channel", "")),
                 "final": "feedback_helpful" in c.all_text()} for c in calls]

    # --- answering --------------------------------------------------------------------

    def _record(self, call: Call) -> Scripted | None:
        with self.lock:
            self.calls.append(call)
            scripted = None
            for item in self.scripts.get(call.method, []):
                if item.when is None or item.when(call.params):
                    scripted = item
                    self.scripts[call.method].remove(item)
                    break
            self.lock.notify_all()
            return scripted

    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    def answer(self, call: Call) -> tuple[int, dict[str, Any], dict[str, str]]:
        call.team = (self.tokens.get(call.token) or {}).get("team_id", "")
        scripted = self._record(call)
        if call.method in self.delays:
            time.sleep(self.delays[call.method])
        status, body, headers = (scripted.status, scripted.body, scripted.headers) \
            if scripted is not None else self._limited(call) or self._refused(call) or \
            self._answer(call)
        call.error = None if body.get("ok") else body.get("error", "error")
        return status, body, headers

    def _limited(self, call: Call) -> tuple[int, dict[str, Any], dict[str, str]] | None:
        with self.lock:
            count = self.counts[call.method] = self.counts.get(call.method, 0) + 1
            n, after = self.every.get(call.method, (0, 0))
        if n and count % n == 0:
            return 429, {"ok": False, "error": "ratelimited"}, retry_after_header(after)
        wait = self.limits.check(call.team, call.method, str(call.params.get("channel", "")))
        if wait is not None:
            return 429, {"ok": False, "error": "ratelimited"}, retry_after_header(wait)
        return None

    def _refused(self, call: Call) -> tuple[int, dict[str, Any], dict[str, str]] | None:
        error = refusal(call.method, call.params)
        if error is None:
            return None
        with self.lock:
            self.refused.append(call)
        return (400 if call.method == "response_url" else 200), \
            {"ok": False, "error": error}, {}

    def _answer(self, call: Call) -> tuple[int, dict[str, Any], dict[str, str]]:
        method, p = call.method, call.params
        if method == "response_url":
            return 200, {"ok": True}, {}
        if method == "auth.test":
            who = self.tokens.get(call.token)
            if who is None:
                return 200, {"ok": False, "error": "invalid_auth"}, {}
            return 200, {"ok": True, "url": "https://fake.slack.com/", "team": "Fake",
                         "user": "cio-coach", "is_enterprise_install": False, **who}, {}
        if method == "oauth.v2.access":
            install = self.oauth_installs.get(p.get("code", ""))
            if install is None:
                return 200, {"ok": False, "error": "invalid_code"}, {}
            return 200, install, {}
        if method == "apps.connections.open":
            return 200, {"ok": True, "url": self.socket_url}, {}
        if method == "users.info":
            return 200, {"ok": True, "user": {"id": p.get("user"), "team_id": call.team,
                                              **self.users.get(p.get("user", ""), {})}}, {}
        if method in ("chat.postMessage", "chat.update", "chat.startStream",
                      "chat.stopStream"):
            ts = p.get("ts") or self._next_ts()
            return 200, {"ok": True, "channel": p.get("channel"), "ts": ts,
                         "message": {"text": p.get("text", ""), "ts": ts}}, {}
        if method == "chat.postEphemeral":
            return 200, {"ok": True, "message_ts": self._next_ts()}, {}
        if method in ("views.publish", "views.open", "views.update"):
            return 200, {"ok": True, "view": {"id": "V0VIEW", **(p.get("view") or {})}}, {}
        return 200, {"ok": True}, {}

    def _handler_class(fake):  # noqa: N805 - the handler closes over the fake
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                """`/_count?method=M&prefix=P`: calls recorded; `/_calls`: every call in
                short (for a fake in another process)."""
                url = urlparse(self.path)
                if url.path == "/_calls":
                    self._send(200, {"ok": True, "calls": fake.summary()}, {})
                    return
                if url.path != "/_count":
                    self._send(404, {"ok": False, "error": "not_found"}, {})
                    return
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                prefix = query.get("prefix", "")
                found = fake.find(query.get("method", ""), lambda c: str(
                    c.params.get("_response_id", c.params.get("channel", ""))).startswith(prefix))
                self._send(200, {"ok": True, "count": len(found)}, {})

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8")
                path = urlparse(self.path).path
                headers = {k.lower(): v for k, v in self.headers.items()}
                params = _parse(raw, headers.get("content-type", ""))
                if path.startswith("/api/"):
                    method = path.removeprefix("/api/")
                elif path.startswith("/response/"):
                    method = "response_url"
                    params["_response_id"] = path.removeprefix("/response/")
                else:
                    self._send(404, {"ok": False, "error": "not_found"}, {})
                    return
                status, body, extra = fake.answer(Call(method, params, headers))
                self._send(status, body, extra)

            def _send(self, status: int, body: dict[str, Any], extra: dict[str, str]) -> None:
                data = json.dumps(body).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for key, value in extra.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

        return Handler


def _parse(raw: str, content_type: str) -> dict[str, Any]:
    if "json" in content_type:
        params = json.loads(raw or "{}")
    else:
        params = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
    for key in JSON_FIELDS:
        if isinstance(params.get(key), str):
            with contextlib.suppress(ValueError):
                params[key] = json.loads(params[key])
    return params


class FakeSocketMode:
    """A WebSocket server speaking Socket Mode's envelopes: hello, events, acks."""

    def __init__(self) -> None:
        from websockets.sync.server import serve

        self.outbox: queue.Queue[dict[str, Any]] = queue.Queue()
        self.acks: list[dict[str, Any]] = []
        self.connected = threading.Event()
        self.lock = threading.Condition()
        self.server = serve(self._session, "127.0.0.1", 0)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.server.socket.getsockname()[1]}/link"

    def start(self) -> FakeSocketMode:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()

    def send_event(self, body: dict[str, Any], envelope_id: str) -> None:
        self.outbox.put({"envelope_id": envelope_id, "type": "events_api",
                         "accepts_response_payload": False, "retry_attempt": 0,
                         "retry_reason": "", "payload": body})

    def wait_for_ack(self, envelope_id: str, timeout: float = 20.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                for ack in self.acks:
                    if ack.get("envelope_id") == envelope_id:
                        return ack
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"envelope {envelope_id} was not acknowledged")
                self.lock.wait(left)

    def _session(self, websocket) -> None:
        websocket.send(json.dumps({"type": "hello", "num_connections": 1,
                                   "connection_info": {"app_id": "A0APP"}}))
        self.connected.set()
        while True:
            try:
                envelope = self.outbox.get(timeout=0.05)
                websocket.send(json.dumps(envelope))
            except queue.Empty:
                pass
            try:
                message = websocket.recv(timeout=0.05)
            except TimeoutError:
                continue
            except Exception:
                return
            data = json.loads(message)
            with self.lock:
                self.acks.append(data)
                self.lock.notify_all()


if __name__ == "__main__":  # a fake Slack in its own process (the benchmark uses this)
    import sys

    served = FakeSlack().start()
    for spec in sys.argv[1:]:  # METHOD=N: a 429 for every Nth call of METHOD
        name, _, every = spec.partition("=")
        served.rate_limit_every(name, int(every))
    print(served.url, flush=True)
    sys.stdin.read()  # until the parent closes our stdin
    served.stop()
