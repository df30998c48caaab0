"""Socket Mode: `cio-coach serve` opens a connection through `apps.connections.open` on the
fake Slack, connects to the local WebSocket server it names, acks an events_api envelope
and answers the event through the Web API."""

from __future__ import annotations

import subprocess
import time

import pytest

from tests.kit.fakeslack import FakeSocketMode
from tests.kit.slackapp import CLI, app_env, event_body, stop_process, unique


@pytest.fixture(scope="module")
def socket_mode(fake, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("slack-socket")
    server = FakeSocketMode().start()
    fake.socket_url = server.url
    env = app_env(fake, tmp / "cio-coach.db", SLACK_APP_TOKEN="xapp-1-A0APP-1-fake",
                  SLACK_SIGNING_SECRET="")
    log_path = tmp / "serve.log"
    with log_path.open("w") as log:
        process = subprocess.Popen([str(CLI), "serve"], env=env, stdout=log,
                                   stderr=subprocess.STDOUT, cwd=tmp)
    try:
        if not server.connected.wait(30):
            raise RuntimeError(f"no Socket Mode connection: {log_path.read_text()[-3000:]}")
        yield server
    finally:
        stop_process(process)
        server.stop()


def test_socket_mode_acks_the_envelope_and_answers(fake, socket_mode):
    channel = unique("D")
    event = {"type": "message", "channel": channel, "channel_type": "im", "user": "U0PERSON",
             "text": "How do I get department heads involved in choosing the ERP?",
             "ts": f"{time.time():.6f}"}
    assert fake.find("apps.connections.open")[0].token == "xapp-1-A0APP-1-fake"
    socket_mode.send_event(event_body(event), envelope_id="env-1")
    assert socket_mode.wait_for_ack("env-1")["envelope_id"] == "env-1"
    final = fake.wait_for("chat.update", lambda c: c.params.get("channel") == channel)[0]
    assert "ERP" in final.params["text"]
    placeholder = fake.find("chat.postMessage", lambda c: c.params.get("channel") == channel)
    assert [p.params["thread_ts"] for p in placeholder] == [event["ts"]]
