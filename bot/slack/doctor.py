"""`cio-coach doctor`, Slack section: which settings are present and well formed (never
their values), which modes they select, whether Slack's `auth.test` accepts the token, and
the privacy and permission settings: retention, token encryption, the database file's
mode, who may change the workspace's terms."""

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
    return result + [_retention(settings), _encryption(settings), _database_mode(settings),
                     _terms_policy(settings)]


def _retention(settings: Settings) -> Check:
    return Check(SECTION, "retention", True,
                 f"{settings.retention_days} days (CIO_COACH_RETENTION_DAYS): questions, "
                 "conversation turns, feedback, answers and reports older than that are "
                 "deleted")


def _encryption(settings: Settings) -> Check:
    from bot.slack.oauth import TokenCipher

    if not settings.slack.token_key:
        oauth = "oauth" in ready_modes(settings)
        return Check(SECTION, "token encryption", False if oauth else None,
                     "SLACK_TOKEN_KEY not set: installations' tokens would be stored in "
                     "plain text" + (" (OAuth is configured)" if oauth else ""))
    try:
        TokenCipher(settings.slack.token_key)
    except ConfigError as exc:
        return Check(SECTION, "token encryption", False, str(exc))
    return Check(SECTION, "token encryption", True,
                 "stored tokens are encrypted (Fernet, SLACK_TOKEN_KEY)")


def _database_mode(settings: Settings) -> Check:
    import stat

    if settings.database_url:
        return Check(SECTION, "database file", None, "PostgreSQL: access is the server's")
    if not settings.db_path.exists():
        return Check(SECTION, "database file", None, "not created yet (it will be 0600)")
    mode = stat.S_IMODE(settings.db_path.stat().st_mode)
    return Check(SECTION, "database file", not mode & 0o077,
                 f"mode {mode:o}" + ("" if not mode & 0o077 else
                                     ": readable by others; `serve` makes it 0600"))


def _terms_policy(settings: Settings) -> Check:
    from bot.slack.terms import TermPolicy

    try:
        policy = TermPolicy.parse(settings.slack.term_editors)
    except ConfigError as exc:
        return Check(SECTION, "terms policy", False, str(exc))
    return Check(SECTION, "terms policy", True,
                 f"{policy.describe()} (SLACK_TERM_EDITORS={settings.slack.term_editors})")


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
