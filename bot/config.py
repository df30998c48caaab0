"""Settings, typed, from the environment (and a `.env` file in the working directory).

Every variable the program reads is parsed here, once, into `Settings`; `.env.example`
lists and explains each. A malformed value is a `ConfigError` naming the variable.
Nothing here imports Slack, model or database libraries, so the CLI starts fast.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlparse

from bot.errors import CioCoachError

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_KNOWLEDGE_DIR = REPO_ROOT / "knowledge"
DEFAULT_PROMPTS_DIR = REPO_ROOT / "prompts"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_LLM_TIMEOUT = 30.0
DEFAULT_RETENTION_DAYS = 90
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

N = TypeVar("N", int, float)


class ConfigError(CioCoachError, ValueError):
    """A setting is missing or malformed; the message names the variable."""


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("cio-coach", appauthor=False)) / "cio-coach.db"


def _with_dotenv(environ: dict[str, str]) -> dict[str, str]:
    """The environment over `.env` in the working directory; an empty variable counts as
    unset, so it does not hide the file's value."""
    env_file = Path.cwd() / ".env"
    if not env_file.is_file():
        return environ
    from dotenv import dotenv_values

    merged = {k: v for k, v in dotenv_values(env_file).items() if v is not None}
    merged.update((k, v) for k, v in environ.items() if v != "" or k not in merged)
    return merged


def env_number(environ: Mapping[str, str], name: str, kind: Callable[[str], N],
               default: N | None, *, minimum: N | None = None) -> N | None:
    """`name` parsed as `kind` (int or float); `default` when unset or empty."""
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise ConfigError(f"{name} must be {what}, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {raw!r}")
    return value


def _text(environ: Mapping[str, str], name: str, default: str = "") -> str:
    return environ.get(name, "").strip() or default


def _flag(environ: Mapping[str, str], name: str) -> bool:
    raw = _text(environ, name).lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise ConfigError(f"{name} must be 1 or 0, got {raw!r}")


def http_url(name: str, raw: str, example: str) -> str:
    """`raw` as an http(s) base URL ending in "/"; ConfigError naming `name` otherwise."""
    parsed = urlparse(raw)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(f"{name} must be an http(s) URL such as {example}")
    return raw if raw.endswith("/") else raw + "/"


@dataclass(frozen=True)
class ModelSettings:
    """The optional language model (docs/models.md)."""

    base_url: str = ""
    model: str = ""
    api_key: str = field(default="", repr=False)
    model_path: str = ""
    timeout: float = DEFAULT_LLM_TIMEOUT
    n_ctx: int | None = None
    threads: int | None = None
    chat_format: str = ""
    repack_weights: bool = False

    @property
    def configured(self) -> bool:
        return bool(self.model_path or (self.base_url and self.model))


@dataclass(frozen=True)
class SlackConfig:
    """Slack settings as given; `bot.slack.settings` checks what each mode requires."""

    bot_token: str = field(default="", repr=False)
    app_token: str = field(default="", repr=False)
    signing_secret: str = field(default="", repr=False)
    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    api_url: str = DEFAULT_SLACK_API_URL  # checked by `bot.slack.settings` when serving
    token_key: str = field(default="", repr=False)  # encrypts stored tokens when set
    term_editors: str = "admins"  # "admins", "everyone", or user ids separated by commas


@dataclass(frozen=True)
class Settings:
    db_path: Path
    knowledge_dir: Path
    prompts_dir: Path
    database_url: str = field(default="", repr=False)  # "" keeps shared state in db_path
    log_level: str = "WARNING"
    retention_days: int = DEFAULT_RETENTION_DAYS
    model: ModelSettings = field(default_factory=ModelSettings)
    slack: SlackConfig = field(default_factory=SlackConfig)

    @property
    def model_configured(self) -> bool:
        return self.model.configured


def _model_settings(environ: Mapping[str, str]) -> ModelSettings:
    return ModelSettings(
        base_url=_text(environ, "LLM_BASE_URL"),
        model=_text(environ, "LLM_MODEL"),
        api_key=_text(environ, "LLM_API_KEY"),
        model_path=_text(environ, "LLM_MODEL_PATH"),
        timeout=env_number(environ, "LLM_TIMEOUT", float, DEFAULT_LLM_TIMEOUT, minimum=0.0),
        n_ctx=env_number(environ, "LLM_N_CTX", int, None, minimum=1),
        threads=env_number(environ, "LLM_THREADS", int, None, minimum=1),
        chat_format=_text(environ, "LLM_CHAT_FORMAT"),
        repack_weights=_flag(environ, "LLM_REPACK_WEIGHTS"),
    )


def _slack_config(environ: Mapping[str, str]) -> SlackConfig:
    return SlackConfig(
        bot_token=_text(environ, "SLACK_BOT_TOKEN"),
        app_token=_text(environ, "SLACK_APP_TOKEN"),
        signing_secret=_text(environ, "SLACK_SIGNING_SECRET"),
        client_id=_text(environ, "SLACK_CLIENT_ID"),
        client_secret=_text(environ, "SLACK_CLIENT_SECRET"),
        api_url=_text(environ, "SLACK_API_URL", DEFAULT_SLACK_API_URL),
        token_key=_text(environ, "SLACK_TOKEN_KEY"),
        term_editors=_text(environ, "SLACK_TERM_EDITORS", "admins"),
    )


def _log_level(environ: Mapping[str, str]) -> str:
    level = _text(environ, "LOG_LEVEL", "WARNING").upper()
    if level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {level!r}")
    return level


def _database_url(environ: Mapping[str, str]) -> str:
    url = _text(environ, "DATABASE_URL")
    if url and not url.startswith(("postgresql://", "postgresql+psycopg://", "sqlite:///")):
        raise ConfigError("DATABASE_URL must start with postgresql:// (or be unset for SQLite)")
    return url


def load_settings(environ: Mapping[str, str] | None = None, *, dotenv: bool = True) -> Settings:
    if environ is None:
        environ = _with_dotenv(dict(os.environ)) if dotenv else dict(os.environ)
    db = _text(environ, "CIO_COACH_DB")
    return Settings(
        db_path=Path(db).expanduser() if db else default_db_path(),
        knowledge_dir=Path(_text(environ, "CIO_COACH_KNOWLEDGE") or DEFAULT_KNOWLEDGE_DIR),
        prompts_dir=Path(_text(environ, "CIO_COACH_PROMPTS") or DEFAULT_PROMPTS_DIR),
        database_url=_database_url(environ),
        log_level=_log_level(environ),
        retention_days=env_number(environ, "CIO_COACH_RETENTION_DAYS", int,
                                  DEFAULT_RETENTION_DAYS, minimum=1),
        model=_model_settings(environ),
        slack=_slack_config(environ),
    )
