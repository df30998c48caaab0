"""Operating the HTTP app: /healthz and /readyz, one line when serving starts and stops,
SIGTERM letting the answer in progress finish, Slack or the proxy out of reach as one
line, HTTPS_PROXY honoured."""

from __future__ import annotations

import http.server
import signal
import subprocess
import threading
import time
import urllib.request

import pytest

from tests.kit.cli import run_cli
from tests.kit.fakemodel import FakeModel
from tests.kit.slackapp import CLI, app_env, free_port, unique, wait_for_port
from tests.slack.test_slack_assistant import MODEL_REPLY
from tests.slack.test_slack_http import QUESTION, dm_event, in_channel


def test_health_and_readiness_answer_200(slack_app):
    for path in ("/healthz", "/readyz"):
        reply = slack_app.get(path)
        assert reply.status == 200 and reply.json()["ok"] is True, reply.body
    assert "passages" in slack_app.get("/readyz").json()["index"]
    log = slack_app.log_path.read_text()
    assert f"serving Slack (HTTP) on {slack_app.url.removeprefix('http://')} with 1 worker" \
        in log


class ForwardProxy:
    """An HTTP proxy on loopback that forwards absolute-URI requests and records them."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                proxy.seen.append(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("host", "proxy-connection", "connection")}
                request = urllib.request.Request(self.path, data=body, headers=headers)
                opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
                with opener.open(request, timeout=10) as answer:
                    data = answer.read()
                    self.send_response(answer.status)
                    for key in ("Content-Type", "Retry-After"):
                        if answer.headers.get(key):
                            self.send_header(key, answer.headers[key])
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def serve(fake, tmp_path, *args: str, **env: str):
    port = free_port()
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [str(CLI), "serve", "--http", "--host", "127.0.0.1", "--port", str(port), *args],
            env=app_env(fake, tmp_path / "cio-coach.db", **env), stdout=log,
            stderr=subprocess.STDOUT, cwd=tmp_path)
    return process, port, log_path


def test_https_proxy_is_honoured(fake, tmp_path):
    from tests.kit.slackapp import SlackApp

    proxy = ForwardProxy()
    process, port, log_path = serve(fake, tmp_path, HTTPS_PROXY=proxy.url)
    try:
        wait_for_port(port, process, log_path)
        app = SlackApp(f"http://127.0.0.1:{port}", fake, tmp_path / "cio-coach.db", log_path)
        channel = unique("D")
        app.event(dm_event(channel, unique("U"), QUESTION))
        fake.wait_for("chat.update", in_channel(channel))
        assert any(p.endswith("/api/auth.test") for p in proxy.seen)
        assert any(p.endswith("/api/chat.update") for p in proxy.seen)
    finally:
        process.terminate()
        process.wait(15)
        proxy.server.shutdown()


@pytest.mark.parametrize(("env", "says"), [
    ({"SLACK_API_URL": "http://127.0.0.1:9/api/"}, "cannot reach Slack's Web API at "
                                                   "http://127.0.0.1:9/api/"),
    ({"HTTPS_PROXY": "http://user:pa55word@127.0.0.1:9"}, "through the proxy"),
])
def test_slack_out_of_reach_is_one_line(fake, tmp_path, env, says):
    result = run_cli("serve", "--http", "--port", str(free_port()),
                     env=app_env(fake, tmp_path / "db.sqlite", **env), cwd=tmp_path)
    lines = result.stderr_text.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1, result.stderr_text
    assert says in lines[0] and "HTTPS_PROXY" in lines[0] and "pa55word" not in lines[0]


def test_sigterm_lets_the_answer_in_progress_finish(fake, tmp_path):
    model = FakeModel(MODEL_REPLY, pause=0.08).start()  # about 5 s to write the answer
    process, port, log_path = serve(fake, tmp_path, "--grace", "15",
                                    LLM_BASE_URL=model.url, LLM_MODEL="canned",
                                    LLM_TIMEOUT="30")
    try:
        from tests.kit.slackapp import SlackApp

        wait_for_port(port, process, log_path)
        app = SlackApp(f"http://127.0.0.1:{port}", fake, tmp_path / "cio-coach.db", log_path)
        channel = unique("D")
        app.event(dm_event(channel, unique("U"), QUESTION))
        fake.wait_for("chat.postMessage", in_channel(channel))  # the answer is under way
        process.send_signal(signal.SIGTERM)
        final = fake.wait_for("chat.update", lambda c: in_channel(channel)(c) and
                              "feedback_helpful" in c.all_text(), timeout=20)
        assert "department heads" in final[-1].params["text"]
        assert process.wait(20) == 0
        assert "cio-coach: stopped" in log_path.read_text()
    finally:
        if process.poll() is None:
            process.kill()
        model.stop()


def test_sigterm_gives_stuck_work_only_the_grace_period(fake, tmp_path):
    from tests.kit.fakemodel import silent_model

    with silent_model() as url:
        process, port, log_path = serve(fake, tmp_path, "--grace", "2", LLM_BASE_URL=url,
                                        LLM_MODEL="canned", LLM_TIMEOUT="60")
        try:
            from tests.kit.slackapp import SlackApp

            wait_for_port(port, process, log_path)
            app = SlackApp(f"http://127.0.0.1:{port}", fake, tmp_path / "cio-coach.db",
                           log_path)
            channel = unique("D")
            app.event(dm_event(channel, unique("U"), QUESTION))
            fake.wait_for("chat.postMessage", in_channel(channel))
            time.sleep(0.3)
            started = time.monotonic()
            process.send_signal(signal.SIGTERM)
            process.wait(20)
            assert time.monotonic() - started < 8
            assert "grace over" in log_path.read_text()
        finally:
            if process.poll() is None:
                process.kill()
