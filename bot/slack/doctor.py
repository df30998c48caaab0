"""`cio-coach doctor`, Slack section: which settings are present and well formed (never
their values), which modes they select, and whether Slack's `auth.test` accepts the token."""

from __future__ import annotations

from bot.config import ConfigError, Settings
from bot.health import Check
from bot.slack.settings import FORMATS, REQUIRED, api_url, problem, raw_value

SECTION = "slack"
AUTH_TEST_TIMEOUT = 5
MODE_NAMES = {
    "socket": "Socket Mode (`cio-coach serve`)",
    "http": "HTTP, one workspace (`cio-coach serve --http`)",
    "oauth": "HTTP with OAuth, many workspaces (`cio-coach serve --http`)",
}


def checks(settings: Settings) -> list[Check]:
    found = [_setting_check(settings, name) for name in FORMATS]
    url_check, url = _api_url_check(settings)
    result = [_mode_check(settings), *found, url_check]
    token = settings.slack.bot_token
    if url is not None and not problem("SLACK_BOT_TOKEN", token):
        result.append(_auth_test(token, url))
    return result


def ready_modes(settings: Settings) -> list[str]:
    return [mode for mode, names in REQUIRED.items()
            if all(problem(name, raw_value(settings, name)) is None for name in names)]


def _mode_check(settings: Settings) -> Check:
    modes = ready_modes(settings)
    if not modes:
        return Check(SECTION, "mode", None,
                     "not configured: set SLACK_BOT_TOKEN with SLACK_APP_TOKEN (Socket Mode) "
                     "or SLACK_SIGNING_SECRET (HTTP); see docs/slack.md")
    if "oauth" in modes and "http" in modes:
        modes.remove("http")  # with OAuth settings, `serve --http` runs the OAuth app
    return Check(SECTION, "mode", True, "; ".join(MODE_NAMES[m] for m in modes))


def _setting_check(settings: Settings, name: str) -> Check:
    value = raw_value(settings, name)
    if not value:
        return Check(SECTION, name, None, "not set")
    why = problem(name, value)
    return Check(SECTION, name, why is None, why or f"set, well formed ({len(value)} characters)")


def _api_url_check(settings: Settings) -> tuple[Check, str | None]:
    try:
        url = api_url(settings)
    except ConfigError as exc:
        return Check(SECTION, "SLACK_API_URL", False, str(exc)), None
    return Check(SECTION, "SLACK_API_URL", True, url), url


def _auth_test(token: str, url: str) -> Check:
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    try:
        response = WebClient(token=token, base_url=url, timeout=AUTH_TEST_TIMEOUT).auth_test()
    except SlackApiError as exc:
        return Check(SECTION, "auth.test", False,
                     f"Slack refused the bot token: {exc.response.get('error', 'error')}")
    except Exception as exc:
        reason = getattr(exc, "reason", "") or type(exc).__name__
        return Check(SECTION, "auth.test", False, f"Slack did not answer at {url}: {reason}")
    return Check(SECTION, "auth.test", True,
                 f"bot {response.get('user', '?')} in {response.get('team', '?')} "
                 f"({response.get('team_id', '?')})")
