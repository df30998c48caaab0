"""Shared fixtures: real SQLite files in temporary folders, the CLI as a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.config import DEFAULT_KNOWLEDGE_DIR, Settings, load_settings
from bot.storage import Storage
from bot.storage.engine import make_engine, migrate
from bot.storage.slack_state import SlackState
from bot.storage.team_terms import TeamTerms

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    """A private copy of the knowledge folder that a test may change."""
    target = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, target)
    return target


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "cio-coach.db"


def _clean_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("LLM_", "SLACK_", "CIO_COACH_"))}
    env.update(extra)
    return env


@pytest.fixture
def storage_url(db_path: Path) -> str:
    return f"sqlite:///{db_path}"


@pytest.fixture
def storage(storage_url: str) -> Iterator[Storage]:
    """The shared state on a fresh, migrated database."""
    engine = make_engine(storage_url)
    migrate(engine)
    yield Storage(engine, TeamTerms(engine), SlackState(engine))
    engine.dispose()


@pytest.fixture
def settings(db_path: Path) -> Settings:
    """Settings with a fresh database, the repo's knowledge, and no model."""
    return load_settings(_clean_env({"CIO_COACH_DB": str(db_path)}))


@pytest.fixture
def run_cli(db_path: Path, tmp_path: Path) -> Callable[..., subprocess.CompletedProcess]:
    """Run `cio-coach ARGS...` in a subprocess against the test's database."""

    def run(*args: str, input: bytes | str | None = None, env: dict[str, str] | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess:
        full_env = _clean_env({"CIO_COACH_DB": str(db_path), **(env or {})})
        data = input.encode("utf-8") if isinstance(input, str) else input
        proc = subprocess.run([sys.executable, "-m", "bot", *args], input=data,
                              capture_output=True, env=full_env, cwd=tmp_path,
                              timeout=timeout)
        proc.stdout_text = proc.stdout.decode("utf-8", "replace")  # type: ignore[attr-defined]
        proc.stderr_text = proc.stderr.decode("utf-8", "replace")  # type: ignore[attr-defined]
        return proc

    return run
