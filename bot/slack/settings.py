"""Slack settings, validated: a missing or malformed value gets one line naming the variable.

Three modes, chosen by what is set:
- "socket": `cio-coach serve` (SLACK_BOT_TOKEN + SLACK_APP_TOKEN, no public URL);
- "http": `serve --http` for one workspace (SLACK_SIGNING_SECRET + SLACK_BOT_TOKEN);
- "oauth": `serve --http` for many workspaces (SLACK_SIGNING_SECRET + SLACK_CLIENT_ID +
  SLACK_CLIENT_SECRET); each workspace's bot token comes from its stored installation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.config import DEFAULT_SLACK_API_URL, ConfigError, Settings, http_url

BOT_TOKEN = re.compile(r"^xoxb-[A-Za-z0-9-]+$")
APP_TOKEN = re.compile(r"^xapp-[A-Za-z0-9-]+$")
SIGNING_SECRET = re.compile(r"^[A-Za-z0-9]{8,}$")
CLIENT_ID = re.compile(r"^[0-9]+\.[0-9]+$")
CLIENT_SECRET = re.compile(r"^[A-Za-z0-9]{8,}$")

FORMATS = {
    "SLACK_BOT_TOKEN": (BOT_TOKEN, "a bot token starting with xoxb-"),
    "SLACK_APP_TOKEN": (APP_TOKEN, "an app-level token starting with xapp-"),
    "SLACK_SIGNING_SECRET": (SIGNING_SECRET, "the app's signing secret (letters and digits)"),
    "SLACK_CLIENT_ID": (CLIENT_ID, "the app's client ID, digits.digits"),
    "SLACK_CLIENT_SECRET": (CLIENT_SECRET, "the app's client secret (letters and digits)"),
}
REQUIRED = {
    "socket": ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"),
    "http": ("SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN"),
    "oauth": ("SLACK_SIGNING_SECRET", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"),
}


@dataclass(frozen=True)
class SlackSettings:
    mode: str  # "socket", "http" or "oauth"
    api_url: str
    bot_token: str = field(default="", repr=False)
    app_token: str = field(default="", repr=False)
    signing_secret: str = field(default="", repr=False)
    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    scopes: tuple[str, ...] = ()
    token_key: str = field(default="", repr=False)
    term_editors: str = "admins"


# The bot scopes the manifest asks for; the OAuth flow requests the same ones. users:read
# tells admins and owners apart (who may change the workspace's terms).
BOT_SCOPES = (
    "app_mentions:read", "assistant:write", "chat:write", "commands", "im:history",
    "users:read",
)


def raw_value(settings: Settings, name: str) -> str:
    """The value given for a SLACK_* variable (typed settings keep them by field name)."""
    return getattr(settings.slack, name.removeprefix("SLACK_").lower())


def select_mode(settings: Settings, *, http: bool) -> str:
    """The mode these settings select for `serve` (or `serve --http`)."""
    if not http:
        return "socket"
    if settings.slack.client_id or settings.slack.client_secret:
        return "oauth"
    return "http"


def problem(name: str, value: str) -> str | None:
    """Why `value` is not a well-formed `name`, or None when it is."""
    value = value.strip()
    if not value:
        return f"{name} is not set"
    pattern, what = FORMATS[name]
    if not pattern.match(value):
        return f"{name} is malformed: expected {what}"
    return None


def api_url(settings: Settings) -> str:
    return http_url("SLACK_API_URL", settings.slack.api_url, DEFAULT_SLACK_API_URL)


def load_slack_settings(settings: Settings, *, mode: str) -> SlackSettings:
    """Validated Slack settings for `mode`; raises ConfigError naming the first bad variable."""
    for name in REQUIRED[mode]:
        why = problem(name, raw_value(settings, name))
        if why:
            raise ConfigError(why)
    value = {name.removeprefix("SLACK_").lower(): raw_value(settings, name)
             for name in REQUIRED[mode]}
    return SlackSettings(mode=mode, api_url=api_url(settings), scopes=BOT_SCOPES,
                         token_key=settings.slack.token_key,
                         term_editors=settings.slack.term_editors, **value)
