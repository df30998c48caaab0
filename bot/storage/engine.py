"""The shared state's database: one SQLAlchemy engine per process and URL, and the one
way migrations run (once, under a lock, when several processes start together).

SQLite (the default, the file at CIO_COACH_DB) gets its connections from
`bot.db.connect_sqlite` and serialises migrations with the lock file beside it;
PostgreSQL (DATABASE_URL, driver psycopg 3) uses an advisory lock. Pools are bounded
and check a connection before lending it, so a dead one is replaced, not fatal.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Float,
    MetaData,
    String,
    Table,
    create_engine,
    inspect,
    make_url,
)
from sqlalchemy import exc as sa_exc
from sqlalchemy.pool import QueuePool

from bot.config import Settings
from bot.db import DatabaseUnavailable, connect_sqlite, file_lock
from bot.storage.schema import MIGRATIONS

log = logging.getLogger(__name__)

POOL_SIZE = 5
POOL_OVERFLOW = 10
POOL_TIMEOUT = 10  # seconds a request waits for a free connection
CONNECT_TIMEOUT = 5
ADVISORY_LOCK_KEY = 0x63696F  # "cio": one key for this application's migrations
APPLICATION_NAME = "cio-coach"  # how its connections show in pg_stat_activity

_migrations_table = Table(
    "_migrations", MetaData(),
    Column("scope", String(32), primary_key=True),
    Column("name", String(100), primary_key=True),
    Column("applied_at", Float, nullable=False),
)


def database_url(settings: Settings) -> str:
    """The SQLAlchemy URL of the shared state (the SQLite file unless DATABASE_URL)."""
    return normalize_url(settings.database_url or f"sqlite:///{settings.db_path}")


def normalize_url(url: str) -> str:
    """`postgresql://` means psycopg 3 (SQLAlchemy's own default would be psycopg2)."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def safe_url(url: str) -> str:
    """`url` fit to print or log: the password, if any, as ***."""
    return make_url(url).render_as_string(hide_password=True)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str) -> Engine:
    """An engine with a bounded pool that tests each connection before lending it (a
    connection the server dropped, after a restart say, is replaced, not handed out)."""
    url = normalize_url(url)
    common = {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW,
              "pool_timeout": POOL_TIMEOUT, "pool_pre_ping": True}
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        return create_engine("sqlite://", creator=lambda: _transactional(connect_sqlite(path)),
                             poolclass=QueuePool, **common)
    # Keepalives notice a server that vanished without closing the connection (a host
    # gone, a failover) long before the system's TCP timeout would.
    connect_args = {"connect_timeout": CONNECT_TIMEOUT, "application_name": APPLICATION_NAME,
                    "keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10,
                    "keepalives_count": 3}
    return create_engine(url, connect_args=connect_args, pool_recycle=1800, **common)


def _transactional(conn: sqlite3.Connection) -> sqlite3.Connection:
    """connect_sqlite's connections autocommit every statement; here a write opens a
    transaction that lasts until SQLAlchemy commits or rolls back, as on PostgreSQL
    (several writes at once or none). Reads before the first write take no lock and see
    the latest commits, like PostgreSQL's default READ COMMITTED."""
    conn.isolation_level = "DEFERRED"
    return conn


@contextmanager
def migration_lock(engine: Engine) -> Iterator[None]:
    if is_sqlite(engine):
        with file_lock(engine.url.database or _sqlite_path(engine)):
            yield
        return
    with engine.connect() as conn:
        conn.exec_driver_sql(f"SELECT pg_advisory_lock({ADVISORY_LOCK_KEY})")
        try:
            yield
        finally:
            conn.exec_driver_sql(f"SELECT pg_advisory_unlock({ADVISORY_LOCK_KEY})")
            conn.commit()


def _sqlite_path(engine: Engine) -> str:
    with engine.connect() as conn:
        return conn.exec_driver_sql("PRAGMA database_list").fetchone()[2]


def _applied(conn: Connection) -> set[tuple[str, str]]:
    """Migrations applied so far (none in a database that has never been migrated)."""
    if not inspect(conn).has_table(_migrations_table.name):
        return set()
    return {(r.scope, r.name) for r in conn.execute(_migrations_table.select())}


def schema_status(engine: Engine) -> tuple[list[str], list[str]]:
    """("scope/name" applied, "scope/name" pending), read without changing anything."""
    with engine.connect() as conn:
        done = _applied(conn)
    known = [(scope, fn.__name__) for scope, fns in MIGRATIONS.items() for fn in fns]
    return ([f"{s}/{n}" for s, n in known if (s, n) in done],
            [f"{s}/{n}" for s, n in known if (s, n) not in done])


def pending_migrations(engine: Engine) -> list[str]:
    """"scope/name" of every migration not applied yet."""
    return schema_status(engine)[1]


def applied_count(engine: Engine) -> int:
    return len(schema_status(engine)[0])


def migrate(engine: Engine) -> list[str]:
    """Apply every migration not applied yet, each in its own transaction; returns them.
    Several processes may call this at once: one applies, the others find nothing left."""
    if not pending_migrations(engine):
        return []
    ran: list[str] = []
    with migration_lock(engine):
        with engine.begin() as conn:
            _migrations_table.create(conn, checkfirst=True)  # under the lock: no race
            done = _applied(conn)  # another process may have got here first
        for scope, fns in MIGRATIONS.items():
            for fn in fns:
                if (scope, fn.__name__) in done:
                    continue
                with engine.begin() as conn:
                    fn(conn)
                    conn.execute(_migrations_table.insert().values(
                        scope=scope, name=fn.__name__, applied_at=time.time()))
                ran.append(f"{scope}/{fn.__name__}")
                log.debug("applied migration %s/%s", scope, fn.__name__)
    return ran


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def shared_engine(settings: Settings, *, migrated: bool = True) -> Engine:
    """This process's engine for the settings' shared state, migrated on first use."""
    url = database_url(settings)
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = make_engine(url)
            if migrated:
                try:
                    migrate(engine)
                except (sa_exc.OperationalError, sa_exc.InterfaceError) as exc:
                    engine.dispose()
                    raise DatabaseUnavailable(
                        f"cannot reach the database at {safe_url(url)}: {reason(exc)}") from exc
            _engines[url] = engine
        return engine


def after_fork() -> None:
    """In a forked worker: leave the parent's pooled connections to the parent; the
    engines open their own from here on."""
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose(close=False)


def reason(exc: BaseException) -> str:
    """The first line of a database error, without SQLAlchemy's SQL and links."""
    inner = getattr(exc, "orig", None) or exc
    lines = str(inner).strip().splitlines()
    return lines[0] if lines else type(inner).__name__
