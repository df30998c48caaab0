"""The shared state on a real PostgreSQL server: connections the server drops are replaced,
a restart is survived without restarting the program, the pool stays within its bound,
and the command line (`terms`, `check`, `doctor`, `db migrate`) works on DATABASE_URL
without ever printing the password."""

from __future__ import annotations

import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import make_url, text

from bot.storage import Storage
from bot.storage.engine import APPLICATION_NAME, POOL_OVERFLOW, POOL_SIZE, make_engine, migrate
from bot.storage.slack_state import SlackState
from bot.storage.team_terms import TeamTerms
from tests.kit import postgres


@pytest.fixture
def pg_storage(pg_url):
    engine = make_engine(pg_url)
    migrate(engine)
    yield Storage(engine, TeamTerms(engine), SlackState(engine))
    engine.dispose()


def plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def use_every_pooled_connection(storage: Storage, n: int = POOL_SIZE) -> None:
    """Check out `n` connections at once, so the pool holds that many afterwards."""
    barrier = threading.Barrier(n)

    def hold(_: int) -> None:
        with storage.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            barrier.wait(timeout=10)

    with ThreadPoolExecutor(n) as pool:
        list(pool.map(hold, range(n)))


def test_connections_the_server_drops_are_replaced(pg_storage, pg_url):
    use_every_pooled_connection(pg_storage)
    with psycopg.connect(plain(pg_url), autocommit=True) as admin:
        killed = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = %s AND pid <> pg_backend_pid()",
            (APPLICATION_NAME,)).fetchone()[0]
    assert killed >= POOL_SIZE
    for n in range(POOL_SIZE * 2):  # every pooled connection is dead: each is replaced
        assert pg_storage.slack.claim_event(f"EvAfterKill{n}")


def test_a_server_restart_is_survived_without_restarting_the_program(pg_storage, pg_server):
    use_every_pooled_connection(pg_storage)
    postgres.stop(pg_server)
    try:
        started = time.monotonic()
        with pytest.raises(sa_exc.OperationalError):
            pg_storage.slack.claim_event("EvDuringOutage")
        assert time.monotonic() - started < 5, "a refused connection must fail fast"
    finally:
        postgres.restart(pg_server)
    for n in range(POOL_SIZE * 2):
        assert pg_storage.slack.claim_event(f"EvAfterRestart{n}")
    pg_storage.team_terms.add("T1", "Falcon", "the ordering system")
    assert [t.term for t in pg_storage.team_terms.list("T1")] == ["Falcon"]


def test_the_pool_stays_within_its_bound(pg_storage, pg_url):
    marker = f"bound-{uuid.uuid4().hex[:8]}"
    peak = 0
    done = threading.Event()

    def watch() -> None:
        nonlocal peak
        with psycopg.connect(plain(pg_url), autocommit=True) as admin:
            while not done.is_set():
                busy = admin.execute("SELECT count(*) FROM pg_stat_activity WHERE query LIKE %s "
                                     "AND pid <> pg_backend_pid()",
                                     (f"%{marker}%",)).fetchone()[0]
                peak = max(peak, busy)
                time.sleep(0.02)

    def slow_query(_: int) -> None:
        with pg_storage.engine.connect() as conn:
            conn.execute(text(f"SELECT pg_sleep(0.3), '{marker}'"))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with ThreadPoolExecutor(40) as pool:
            list(pool.map(slow_query, range(40)))  # more threads than connections: they wait
    finally:
        done.set()
        watcher.join()
    assert POOL_SIZE <= peak <= POOL_SIZE + POOL_OVERFLOW


def test_terms_and_check_on_postgres_from_the_command_line(pg_url, run_cli):
    env = {"DATABASE_URL": pg_url}
    added = run_cli("terms", "add", "Falcon", "--instead", "the ordering system", env=env)
    assert added.returncode == 0, added.stderr_text
    report = run_cli("check", "--json", "Falcon ships on Monday.", env=env)
    assert "Falcon" in [f["term"] for f in json.loads(report.stdout_text)["findings"]]
    on_sqlite = run_cli("check", "--json", "Falcon ships on Monday.")  # not on PostgreSQL
    assert json.loads(on_sqlite.stdout_text)["findings"] == []


def test_doctor_and_db_migrate_report_postgres_without_the_password(pg_url, run_cli):
    password = make_url(pg_url).password
    env = {"DATABASE_URL": pg_url}

    def storage_checks() -> dict[str, dict]:
        out = run_cli("doctor", "--json", env=env).stdout_text
        assert not password or password not in out
        return {c["name"]: c for c in json.loads(out) if c["section"] == "storage"}

    before = storage_checks()
    assert before["backend"]["ok"] and "PostgreSQL" in before["backend"]["detail"]
    assert not before["schema"]["ok"] and "0 migrations applied" in before["schema"]["detail"]
    assert "0 migrations applied" in storage_checks()["schema"]["detail"]  # doctor changed nothing

    migrated = run_cli("db", "migrate", env=env)
    assert migrated.returncode == 0 and "applied slack/m001_create_tables" in migrated.stdout_text
    assert not password or password not in migrated.stdout_text + migrated.stderr_text
    after = storage_checks()["schema"]
    assert after["ok"] and "0 pending" in after["detail"]


def test_an_unreachable_server_is_one_line_without_the_password(run_cli):
    url = "postgresql://cio:not-this-secret@127.0.0.1:1/cio"
    migrated = run_cli("db", "migrate", env={"DATABASE_URL": url})
    assert migrated.returncode == 1
    assert "cannot reach the database" in migrated.stderr_text
    doctor = run_cli("doctor", env={"DATABASE_URL": url})
    assert doctor.returncode == 1 and "cannot connect" in doctor.stdout_text
    for out in (migrated.stdout_text, migrated.stderr_text, doctor.stdout_text,
                doctor.stderr_text):
        assert "not-this-secret" not in out
