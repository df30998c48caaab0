"""Build the Bolt app: one WebClient pointed at SLACK_API_URL, retry handlers, OAuth when
configured, event dedupe, and the listeners from `bot.slack.listeners`.

The app is thin: each listener module registers its handlers; the work they share
(answering, checking, posting) lives in `bot.slack.coach`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App, BoltResponse
from slack_bolt.context.respond import Respond
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.config import ConfigError, Settings
from bot.slack import store
from bot.slack.listeners import actions, assistant, commands, events, shortcuts, views
from bot.slack.settings import SlackSettings

log = logging.getLogger(__name__)

LISTENER_THREADS = 8
LISTENER_NICENESS = 10
WEB_API_TIMEOUT = 15


def _lower_priority() -> None:
    """Listener threads (the slow work after the ack) yield the CPU to request threads."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), LISTENER_NICENESS)


def retry_handlers() -> list:
    """Retry as Slack asks: 429s after Retry-After, 5xx and dropped connections a few times."""
    return [
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=3),
        ServerErrorRetryHandler(max_retry_count=2),
    ]


def web_client(slack: SlackSettings, token: str | None = None) -> WebClient:
    return WebClient(token=token, base_url=slack.api_url, timeout=WEB_API_TIMEOUT,
                     retry_handlers=retry_handlers())


def _oauth_settings(settings: Settings, slack: SlackSettings):
    from slack_bolt.oauth.oauth_settings import OAuthSettings

    return OAuthSettings(
        client_id=slack.client_id,
        client_secret=slack.client_secret,
        scopes=list(slack.scopes),
        installation_store=store.installation_store(settings.db_path, slack.client_id),
        state_store=store.state_store(settings.db_path),
    )


def build_app(settings: Settings, slack: SlackSettings) -> App:
    """The Bolt app for `slack.mode`; raises ConfigError when Slack rejects the bot token."""
    store.prepare(settings.db_path)
    _prepare_database(settings)
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
        kwargs["oauth_settings"] = _oauth_settings(settings, slack)
    else:
        kwargs["client"] = web_client(slack, slack.bot_token)
    try:
        app = App(logger=_bolt_logger(), **kwargs)
    except BoltError as exc:
        code = re.search(r"'error': '([a-z_]+)'", str(exc))
        raise ConfigError("SLACK_BOT_TOKEN was not accepted by Slack"
                          f" ({code.group(1) if code else exc})") from exc
    app.middleware(_with_settings(settings))
    app.middleware(_checked_respond)
    app.middleware(_dedupe_events(settings))
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


def _prepare_database(settings: Settings) -> None:
    """Create the team-terms tables and build (or refresh) the knowledge index before
    serving, once, rather than in the first burst of concurrent requests, which would all
    try to create them at the same time."""
    from bot.db import open_db
    from bot.jargon.store import ensure_schema
    from bot.knowledge import ensure_index

    # A connection of its own, closed here: `serve --http` forks its workers after this.
    db = open_db(settings.db_path)
    try:
        ensure_schema(db)
        ensure_index(db, settings.knowledge_dir)
    except Exception:
        log.exception("could not prepare the database; requests that need the knowledge "
                      "index or team terms will get an apology until it can be")
    finally:
        db.close()


class SharedSettings(Settings):
    """Settings are read-only: Bolt's copy of the context for lazy listeners may share them
    instead of deep-copying the whole environment on every request."""

    def __deepcopy__(self, memo: dict) -> SharedSettings:
        return self


def _with_settings(settings: Settings):
    shared = SharedSettings(**{f.name: getattr(settings, f.name)
                               for f in dataclasses.fields(settings)})

    def attach_settings(context, next):
        context["settings"] = shared
        next()

    return attach_settings


class ResponseUrlError(RuntimeError):
    """A response_url post failed even after the retries."""


class CheckedRespond(Respond):
    """Bolt's `respond()` through slack-sdk's WebhookClient with the same retry handlers as
    Web API calls, raising when the post still fails (Bolt's returns the failed response,
    which would leave the person without a reply and the log without a line)."""

    def __call__(self, text: str = "", **fields):  # type: ignore[override]
        from slack_sdk.webhook import WebhookClient

        if self.response_url is None:
            raise ValueError("respond is unsupported here as there is no response_url")
        client = WebhookClient(self.response_url, proxy=self.proxy, ssl=self.ssl,
                               retry_handlers=retry_handlers())
        response = client.send(text=text, **fields)
        if response.status_code != 200:
            raise ResponseUrlError(f"response_url answered HTTP {response.status_code}: "
                                   f"{response.body[:200]}")
        return response


def _checked_respond(context, next):
    if context.response_url:
        context["respond"] = CheckedRespond(response_url=context.response_url,
                                            proxy=context.client.proxy,
                                            ssl=context.client.ssl)
    next()


def _dedupe_events(settings: Settings):
    """Slack retries events it thinks were lost: answer each event id once, across restarts."""

    def dedupe_events(body, context, next, logger):
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id:
            with store.connect(settings.db_path) as db:
                first = store.claim_event(db, event_id, context.team_id or "")
            if not first:
                logger.info("event %s already handled; skipping the retry", event_id)
                return BoltResponse(status=200, body="")
        next()

    return dedupe_events


def _log_error(error, body, logger):
    logger.exception("listener failed: %s (request type %s)", error, body.get("type"))
