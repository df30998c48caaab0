"""Build the Bolt app: one WebClient pointed at SLACK_API_URL with retry handlers, OAuth
when configured, the middleware, and the listeners from `bot.slack.listeners`."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App
from slack_bolt.error import BoltError
from slack_sdk import WebClient

from bot.config import ConfigError, Settings
from bot.service import Coach
from bot.slack import middleware
from bot.slack.listeners import actions, assistant, commands, events, shortcuts, views
from bot.slack.oauth import oauth_settings
from bot.slack.priority import ack_first
from bot.slack.settings import SlackSettings

log = logging.getLogger(__name__)

LISTENER_THREADS = 8
LISTENER_NICENESS = 10
WEB_API_TIMEOUT = 15


def _lower_priority() -> None:
    """Listener threads (the slow work after the ack) yield the CPU to request threads."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), LISTENER_NICENESS)


def web_client(slack: SlackSettings, token: str | None = None) -> WebClient:
    return WebClient(token=token, base_url=slack.api_url, timeout=WEB_API_TIMEOUT,
                     retry_handlers=middleware.retry_handlers())


def build_app(settings: Settings, slack: SlackSettings) -> App:
    """The Bolt app for `slack.mode`; raises ConfigError when Slack rejects the bot token."""
    coach = Coach(settings, cpu_gate=ack_first.slow_work)
    storage = coach.storage()  # migrated here, once, not in the first burst of requests
    _prepare_index(coach)
    kwargs: dict = {
        "name": "cio-coach",
        "signing_secret": slack.signing_secret,
        # Every listener is an ack function (run in the request thread, answered at once)
        # plus lazy functions (the slow work, run in the listener threads after the ack).
        # Without this Bolt would run the ack function in those same threads, behind slow
        # work, and poll for it.
        "process_before_response": True,
        "listener_executor": ThreadPoolExecutor(max_workers=LISTENER_THREADS,
                                                thread_name_prefix="slack-listener",
                                                initializer=_lower_priority),
    }
    if slack.mode == "oauth":
        kwargs["client"] = web_client(slack)
        kwargs["oauth_settings"] = oauth_settings(storage.engine, slack)
    else:
        kwargs["client"] = web_client(slack, slack.bot_token)
    try:
        app = App(logger=_bolt_logger(), **kwargs)
    except BoltError as exc:
        code = re.search(r"'error': '([a-z_]+)'", str(exc))
        raise ConfigError("SLACK_BOT_TOKEN was not accepted by Slack"
                          f" ({code.group(1) if code else exc})") from exc
    app.middleware(middleware.with_coach(coach))
    app.middleware(middleware.checked_respond)
    app.middleware(middleware.dedupe_events)
    for module in (assistant, commands, events, actions, shortcuts, views):
        module.register(app)
    app.error(_log_error)
    return app


def _bolt_logger() -> logging.Logger:
    """Bolt's logger, without its notice that the token it read from the environment is
    unused: the client built here carries that same token (and SLACK_API_URL)."""
    logger = logging.getLogger("cio_coach.slack")
    if not logger.filters:
        logger.addFilter(lambda record: "will be unused" not in record.getMessage())
    return logger


def _prepare_index(coach: Coach) -> None:
    """Build (or refresh) the knowledge index before serving, once, rather than in the
    first burst of concurrent requests."""
    try:
        coach.refresh_index()
        coach.close_thread_connections()  # `serve --http` forks its workers after this
    except Exception:
        log.exception("could not prepare the knowledge index; questions will get an "
                      "apology until it can be built")


def _log_error(error, body, logger):
    logger.exception("listener failed: %s (request type %s)", error, body.get("type"))
