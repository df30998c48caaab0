"""Shared fixtures: real SQLite files in temporary folders, the CLI as a subprocess."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.config import DEFAULT_KNOWLEDGE_DIR, Settings, load_settings
from bot.storage import Storage
from bot.storage.engine import make_engine, migrate
from bot.storage.slack_state import SlackState
from bot.storage.team_terms import TeamTerms
from tests.kit.cli import clean_env
from tests.kit.cli import run_cli as kit_run_cli

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
    return load_settings(clean_env({"CIO_COACH_DB": str(db_path)}))


@pytest.fixture
def run_cli(db_path: Path, tmp_path: Path) -> Callable[..., subprocess.CompletedProcess]:
    """Run `cio-coach ARGS...` in a subprocess against the test's database."""

    def run(*args: str, input: bytes | str | None = None, env: dict[str, str] | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess:
        return kit_run_cli(*args, input=input, env={"CIO_COACH_DB": str(db_path), **(env or {})},
                           cwd=tmp_path, timeout=timeout)

    return run
