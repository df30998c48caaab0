"""The one fake language model for the tests: an OpenAI-compatible chat-completions
endpoint on loopback that streams a canned reply word by word, and a silent one that
accepts connections and never answers."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# A well-cited answer to the ERP question below, long enough to stream in many pieces.
ERP_QUESTION = "How do I get department heads involved in choosing the ERP?"
ERP_REPLY = ("Bring the department heads into the ERP choice from the very start, because "
             "they must not be absent from its selection and implementation [1]. Ask each "
             "of them what the new system has to do for their people, and let them own "
             "those requirements [1]. Keep the department heads involved through the "
             "selection and the implementation of the ERP, so that the new system is "
             "theirs as much as it is the IT department's [1].")
GROUNDED = ("Let the department heads own the requirements, so the choice is theirs [3]. "
            "Meet them early and often [1].")


class FakeModel:
    """`reply` streams one word at a time, `pause` seconds apart; `status` other than 200
    answers an error instead. Requests and their Authorization headers are recorded."""

    def __init__(self, reply: str = GROUNDED, *, pause: float = 0.0) -> None:
        self.reply = reply
        self.pause = pause
        self.status = 200
        self.requests: list[dict[str, Any]] = []
        self.authorizations: list[str | None] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.server.block_on_close = False  # a handler still trickling must not hold a test
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        model = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                model.requests.append(body)
                model.authorizations.append(self.headers.get("Authorization"))
                if model.status != 200:
                    self.send_response(model.status)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(b'{"error": {"message": "overloaded"}}')
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                words = model.reply.split(" ")
                for n, word in enumerate(words):
                    time.sleep(model.pause)
                    self._event({"role": "assistant",
                                 "content": word if n == len(words) - 1 else word + " "}, None)
                self._event({}, "stop")
                self.wfile.write(b"data: [DONE]\n\n")

            def _event(self, delta: dict[str, Any], finish: str | None) -> None:
                chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 0,
                         "model": "canned",
                         "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()

        return Handler

    def prompt(self, n: int = -1) -> str:
        return self.requests[n]["messages"][-1]["content"]

    def start(self) -> FakeModel:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def silent_model() -> Iterator[str]:
    """The URL of an endpoint that accepts TCP connections (the kernel's backlog) and
    never sends a byte."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    finally:
        sock.close()
