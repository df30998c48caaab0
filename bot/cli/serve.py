"""`cio-coach serve`: run the Slack app.

- `cio-coach serve`: Socket Mode (SLACK_BOT_TOKEN, SLACK_APP_TOKEN; no public URL).
- `cio-coach serve --http [--host H] [--port N] [--workers N]`: the Events API, slash
  commands and interactivity on /slack/events (plus /slack/install and
  /slack/oauth_redirect with OAuth settings) through gunicorn, a production WSGI server.

Settings are validated before anything starts: a missing or malformed one is one line
naming the variable (exit 2).
"""

from __future__ import annotations

import argparse

from bot.cli._input import InputError
from bot.config import Settings

DEFAULT_PORT = 3000
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
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    # Slack, gunicorn and their dependencies load here, for this command only: importing
    # slack_bolt costs every other command a few hundred milliseconds.
    from bot.slack.settings import load_slack_settings, select_mode

    if not 0 < args.port < 65536:
        raise InputError(f"--port must be between 1 and 65535, got {args.port}")
    if not 0 < args.workers <= 64:
        raise InputError(f"--workers must be between 1 and 64, got {args.workers}")
    if args.workers > 1 and not args.http:
        raise InputError("--workers applies to --http only; Socket Mode runs one process")
    slack = load_slack_settings(settings, mode=select_mode(settings, http=args.http))
    if slack.mode == "socket":
        return _serve_socket_mode(settings, slack)
    return _serve_http(settings, slack, host=args.host, port=args.port, workers=args.workers)


def _serve_socket_mode(settings: Settings, slack) -> int:
    import logging

    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.slack.app import build_app

    app = build_app(settings, slack)
    logging.getLogger("cio_coach").warning("cio-coach: connecting to Slack in Socket Mode")
    SocketModeHandler(app, slack.app_token).start()
    return 0


def _serve_http(settings: Settings, slack, *, host: str, port: int, workers: int) -> int:
    from gunicorn.app.base import BaseApplication
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    from bot.slack.app import build_app
    from bot.slack.priority import ack_first
    from bot.storage.engine import after_fork

    # Built once in the master (preload) so a bad token fails here, in one line.
    handler = ack_first.wrap(SlackRequestHandler(build_app(settings, slack)))

    class Server(BaseApplication):
        def load_config(self) -> None:
            options = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "worker_class": "gthread",
                "threads": THREADS_PER_WORKER,
                "preload_app": True,
                "timeout": 60,
                "graceful_timeout": 10,
                "keepalive": 5,
                "backlog": 2048,
                "accesslog": None,
                "errorlog": "-",
                "loglevel": settings.log_level.lower(),
                "proc_name": "cio-coach",
                # One host may run several instances; none needs gunicorn's control socket.
                "control_socket_disable": True,
                "post_fork": lambda server, worker: after_fork(),
            }
            for key, value in options.items():
                if key in self.cfg.settings:
                    self.cfg.set(key, value)

        def load(self):
            return handler

    Server().run()
    return 0
