"""Settings read from the environment (and a `.env` file in the working directory).

Every setting the program reads is listed in `.env.example`. Nothing here imports
Slack or model libraries, so the CLI starts fast.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_KNOWLEDGE_DIR = REPO_ROOT / "knowledge"
DEFAULT_PROMPTS_DIR = REPO_ROOT / "prompts"


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


def _float(environ: dict[str, str], name: str, default: float) -> float:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from exc


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    db_path: Path
    knowledge_dir: Path
    prompts_dir: Path
    log_level: str = "WARNING"
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: str = ""
    llm_model_path: str = ""
    llm_timeout: float = 30.0
    env: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def model_configured(self) -> bool:
        return bool(self.llm_model_path or (self.llm_base_url and self.llm_model))

    def get(self, name: str, default: str = "") -> str:
        """Raw access to any other variable (Slack settings and the like)."""
        return self.env.get(name, default)


def load_settings(environ: dict[str, str] | None = None, *, dotenv: bool = True) -> Settings:
    if environ is None:
        environ = _with_dotenv(dict(os.environ)) if dotenv else dict(os.environ)
    db = environ.get("CIO_COACH_DB", "").strip()
    return Settings(
        db_path=Path(db).expanduser() if db else default_db_path(),
        knowledge_dir=Path(environ.get("CIO_COACH_KNOWLEDGE", "") or DEFAULT_KNOWLEDGE_DIR),
        prompts_dir=Path(environ.get("CIO_COACH_PROMPTS", "") or DEFAULT_PROMPTS_DIR),
        log_level=environ.get("LOG_LEVEL", "WARNING").upper(),
        llm_base_url=environ.get("LLM_BASE_URL", "").strip(),
        llm_model=environ.get("LLM_MODEL", "").strip(),
        llm_api_key=environ.get("LLM_API_KEY", "").strip(),
        llm_model_path=environ.get("LLM_MODEL_PATH", "").strip(),
        llm_timeout=_float(environ, "LLM_TIMEOUT", 30.0),
        env=dict(environ),
    )
