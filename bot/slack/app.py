"""Build the Bolt app: one WebClient pointed at SLACK_API_URL, retry handlers, OAuth when
configured, event dedupe, and the listeners from `bot.slack.listeners`.

The app is thin: each listener module registers its handlers; the work they share
(answering, checking, posting) lives in `bot.slack.coach`.
"""

from __future__ import annotations

import logging
import re
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App, BoltResponse
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

LISTENER_THREADS = 16
WEB_API_TIMEOUT = 15


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
    kwargs: dict = {
        "name": "cio-coach",
        "signing_secret": slack.signing_secret,
        "listener_executor": ThreadPoolExecutor(max_workers=LISTENER_THREADS,
                                                thread_name_prefix="slack-listener"),
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


def _with_settings(settings: Settings):
    def attach_settings(context, next):
        context["settings"] = settings
        next()

    return attach_settings


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
