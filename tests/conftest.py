"""Shared fixtures: real SQLite files in temporary folders, the CLI as a subprocess, and
the shared state on both of its databases: a SQLite file, and a fresh schema on the
PostgreSQL server at TEST_DATABASE_URL (`.ci/run` starts one; locally, without it, the
PostgreSQL cases are skipped, and under CI=1 they fail)."""

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
from tests.kit.postgres import fresh_schema, required

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


def postgres_url() -> str:
    return required("TEST_DATABASE_URL", "the PostgreSQL tests")


@pytest.fixture
def pg_server() -> Path:
    """The test server's folder (tests/kit/postgres.py), for tests that restart it."""
    return Path(required("TEST_POSTGRES_DIR", "the tests that restart PostgreSQL"))


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty schema on the test server (dropped afterwards), as a URL."""
    with fresh_schema(postgres_url()) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def storage_url(request: pytest.FixtureRequest, db_path: Path) -> Iterator[str]:
    """The shared state's URL, once per backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{db_path}"
    else:
        with fresh_schema(postgres_url()) as url:
            yield url


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
            timeout: float = 60, stdin_file: Path | None = None
            ) -> subprocess.CompletedProcess:
        return kit_run_cli(*args, input=input, env={"CIO_COACH_DB": str(db_path), **(env or {})},
                           cwd=tmp_path, timeout=timeout, stdin_file=stdin_file)

    return run
