"""Build the Bolt app: a WebClient pointed at SLACK_API_URL (through HTTPS_PROXY when set),
OAuth when configured, the middleware, and the listeners from `bot.slack.listeners`.

Before anything is served: secrets are kept out of the logs, Slack is reached once (one
clear line if it cannot be), the SQLite file is made readable by its owner only, the
knowledge index is built and the retention period applied.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import stat
import threading
from dataclasses import dataclass
from pathlib import Path

from slack_bolt import App
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config import ConfigError, Settings
from bot.errors import CioCoachError
from bot.service import Coach
from bot.slack import lifecycle, middleware, oauth, redact
from bot.slack.client import WEB_API_TIMEOUT, retry_handlers
from bot.slack.listeners import actions, assistant, commands, events, shortcuts, views
from bot.slack.priority import ack_first
from bot.slack.retention import retention
from bot.slack.settings import SlackSettings
from bot.slack.terms import TermPolicy

log = logging.getLogger(__name__)

LISTENER_THREADS = 8
LISTENER_NICENESS = 10
REACH_TIMEOUT = 10


class SlackUnreachable(CioCoachError):
    """Slack's Web API (or the proxy in front of it) did not answer."""


def _lower_priority() -> None:
    """Listener threads (the slow work after the ack) yield the CPU to request threads."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), LISTENER_NICENESS)


def web_client(slack: SlackSettings, token: str | None = None) -> WebClient:
    return WebClient(token=token, base_url=slack.api_url, timeout=WEB_API_TIMEOUT,
                     retry_handlers=retry_handlers())


@dataclass
class Built:
    app: App
    coach: Coach


def build_app(settings: Settings, slack: SlackSettings) -> App:
    return build(settings, slack).app


def build(settings: Settings, slack: SlackSettings) -> Built:
    """The Bolt app for `slack.mode` and its Coach; raises ConfigError when Slack rejects
    the bot token and SlackUnreachable when Slack does not answer."""
    redact.install([slack.bot_token, slack.app_token, slack.signing_secret,
                    slack.client_secret, slack.token_key, settings.model.api_key])
    policy = TermPolicy.parse(slack.term_editors)
    check_reachable(slack)
    coach = Coach(settings, cpu_gate=ack_first.slow_work)
    storage = coach.storage()  # migrated here, once, not in the first burst of requests
    secure_database_file(settings)
    _prepare_index(coach)
    _apply_retention(coach)
    try:
        app = App(logger=_bolt_logger(), **_app_arguments(slack, storage.engine))
    except BoltError as exc:
        code = re.search(r"'error': '([a-z_]+)'", str(exc))
        raise ConfigError("SLACK_BOT_TOKEN was not accepted by Slack"
                          f" ({code.group(1) if code else exc})") from None
    app.middleware(middleware.with_coach(coach, policy))
    app.middleware(middleware.budgeted_client)
    app.middleware(middleware.checked_respond)
    app.middleware(middleware.dedupe_events)
    for module in (assistant, commands, events, actions, shortcuts, views):
        module.register(app)
    app.error(_log_error)
    return Built(app, coach)


def _app_arguments(slack: SlackSettings, engine) -> dict:
    kwargs: dict = {
        "name": "cio-coach",
        "signing_secret": slack.signing_secret,
        # Every listener is an ack function (run in the request thread, answered at once)
        # plus lazy functions (the slow work, run in the listener threads after the ack).
        # Without this Bolt would run the ack function in those same threads, behind slow
        # work, and poll for it.
        "process_before_response": True,
        "listener_executor": lifecycle.pool("slack-listener", LISTENER_THREADS,
                                            _lower_priority),
    }
    if slack.mode != "oauth":
        return kwargs | {"client": web_client(slack, slack.bot_token)}
    store = oauth.installation_store(engine, slack)
    sealed = store.seal_stored_tokens()
    if sealed:
        log.warning("encrypted the tokens of %d stored installation rows", sealed)
    return kwargs | {"client": web_client(slack), "installation_store": store,
                     "authorize": oauth.authorize(store, slack),
                     "oauth_settings": oauth.oauth_settings(store, engine, slack)}


def check_reachable(slack: SlackSettings) -> None:
    """One call that needs no token (api.test), quietly, without retries: Slack or the
    proxy not answering becomes one line saying what to check."""
    quiet = logging.getLogger("cio_coach.reach")
    quiet.propagate = False
    quiet.addHandler(logging.NullHandler())
    client = WebClient(base_url=slack.api_url, timeout=REACH_TIMEOUT, retry_handlers=[],
                       logger=quiet)
    through = f" through the proxy {redact.redact(client.proxy)}" if client.proxy else ""
    try:
        client.api_call("api.test")
    except SlackApiError as exc:
        status = exc.response.status_code
        if status == 407 or status >= 500 or not isinstance(exc.response.data, dict):
            raise SlackUnreachable(
                f"Slack's Web API at {slack.api_url}{through} answered HTTP {status}; check "
                "HTTPS_PROXY (and its credentials) and SLACK_API_URL") from None
    except Exception as exc:
        reason = getattr(exc, "reason", None) or exc
        raise SlackUnreachable(
            f"cannot reach Slack's Web API at {slack.api_url}{through}: "
            f"{redact.redact(str(reason))}; check the network, HTTPS_PROXY and SLACK_API_URL"
        ) from None


def secure_database_file(settings: Settings) -> None:
    """The SQLite file (and its WAL files) readable and writable by their owner only: it
    holds people's questions and, in OAuth mode, the workspaces' tokens."""
    if settings.database_url:
        return
    for suffix in ("", "-wal", "-shm"):
        path = Path(str(settings.db_path) + suffix)
        with contextlib.suppress(OSError):
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode & 0o077:
                path.chmod(0o600)
                log.warning("%s was readable by others (mode %o); now 0600", path, mode)


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


def _apply_retention(coach: Coach) -> None:
    try:
        retention.sweep(coach)
    except Exception:
        log.exception("could not apply the retention period at start; trying again later")


def _log_error(error, body, logger):
    logger.exception("listener failed: %s (request type %s)", error, body.get("type"))
