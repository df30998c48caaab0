"""`cio-coach serve`: run the Slack app.

- `cio-coach serve`: Socket Mode (SLACK_BOT_TOKEN, SLACK_APP_TOKEN; no public URL).
- `cio-coach serve --http [--host H] [--port N] [--workers N]`: the Events API, slash
  commands and interactivity on /slack/events (plus /slack/install and
  /slack/oauth_redirect with OAuth settings, and GET /healthz and /readyz) through
  gunicorn, a production WSGI server.

Settings are validated before anything starts: a missing or malformed one is one line
naming the variable (exit 2); Slack (or the proxy) not answering is one line saying what to
check (exit 1). One log line says when serving starts (mode, address, workers) and when it
stops. SIGTERM (or Ctrl-C) stops taking requests and gives the answers being prepared
`--grace` seconds to finish.
"""

from __future__ import annotations

import argparse
import sys

from bot.cli._input import InputError
from bot.config import Settings

DEFAULT_PORT = 3000
DEFAULT_GRACE = 20.0
THREADS_PER_WORKER = 16


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="run the Slack app (Socket Mode, or HTTP with --http)",
                       description="Run the Slack app. Without --http it connects to Slack in "
                       "Socket Mode; with --http it serves /slack/events through gunicorn.")
    p.add_argument("--http", action="store_true",
                   help="serve HTTP (Events API, commands, interactivity, OAuth) instead of "
                   "Socket Mode")
    p.add_argument("--host", default="0.0.0.0", help="address to listen on (default 0.0.0.0)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT,
                   help=f"port to listen on (default {DEFAULT_PORT})")
    p.add_argument("--workers", type=int, default=1,
                   help="worker processes sharing the database (default 1)")
    p.add_argument("--grace", type=float, default=DEFAULT_GRACE,
                   help="seconds answers in progress get to finish after SIGTERM "
                   f"(default {DEFAULT_GRACE:.0f})")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    # Slack, gunicorn and their dependencies load here, for this command only: importing
    # slack_bolt costs every other command a few hundred milliseconds.
    from bot.slack.app import SlackUnreachable
    from bot.slack.settings import load_slack_settings, select_mode

    if not 0 < args.port < 65536:
        raise InputError(f"--port must be between 1 and 65535, got {args.port}")
    if not 0 < args.workers <= 64:
        raise InputError(f"--workers must be between 1 and 64, got {args.workers}")
    if args.workers > 1 and not args.http:
        raise InputError("--workers applies to --http only; Socket Mode runs one process")
    if not 0 <= args.grace <= 600:
        raise InputError(f"--grace must be between 0 and 600 seconds, got {args.grace}")
    slack = load_slack_settings(settings, mode=select_mode(settings, http=args.http))
    try:
        if slack.mode == "socket":
            return _serve_socket_mode(settings, slack, grace=args.grace)
        return _serve_http(settings, slack, host=args.host, port=args.port,
                           workers=args.workers, grace=args.grace)
    except SlackUnreachable as exc:
        print(f"cio-coach: {exc}", file=sys.stderr)
        return 1


def _serve_socket_mode(settings: Settings, slack, *, grace: float) -> int:
    import signal
    import threading

    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.slack import lifecycle
    from bot.slack.app import build_app

    handler = SocketModeHandler(build_app(settings, slack), slack.app_token)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    handler.connect()
    lifecycle.started("Socket Mode", slack.api_url, 1)
    stop.wait()
    handler.close()
    lifecycle.drain(grace)
    lifecycle.stopped("signal")
    return 0


def _serve_http(settings: Settings, slack, *, host: str, port: int, workers: int,
                grace: float) -> int:
    from gunicorn.app.base import BaseApplication
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    from bot.slack import lifecycle
    from bot.slack.app import build
    from bot.slack.budget import budget
    from bot.slack.priority import ack_first
    from bot.slack.web import with_health
    from bot.storage.engine import after_fork

    budget.set_share(1 / workers)  # the workers share each workspace's budget
    # Built once in the master (preload) so a bad token fails here, in one line.
    built = build(settings, slack)
    handler = ack_first.wrap(with_health(SlackRequestHandler(built.app), built.coach))
    mode = "HTTP with OAuth" if slack.mode == "oauth" else "HTTP"

    def worker_exit(server, worker) -> None:
        if not lifecycle.drain(grace):
            import os

            os._exit(0)  # not Python's exit, which would wait for the unfinished work

    options = {
        "bind": f"{host}:{port}", "workers": workers, "worker_class": "gthread",
        "threads": THREADS_PER_WORKER, "preload_app": True, "timeout": 60,
        "graceful_timeout": int(grace) + 5, "keepalive": 5, "backlog": 2048,
        "accesslog": None, "errorlog": "-", "loglevel": settings.log_level.lower(),
        "proc_name": "cio-coach",
        # One host may run several instances; none needs gunicorn's control socket.
        "control_socket_disable": True,
        "post_fork": lambda server, worker: after_fork(),
        "when_ready": lambda server: lifecycle.started(mode, f"{host}:{port}", workers),
        "worker_exit": worker_exit,
        "on_exit": lambda server: lifecycle.stopped(),
    }

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                if key in self.cfg.settings:
                    self.cfg.set(key, value)

        def load(self):
            return handler

    Server().run()
    return 0

