"""The shared state's database: one SQLAlchemy engine per process and URL, and the one
way migrations run (once, under a lock, when several processes start together).

SQLite (the default, the file at CIO_COACH_DB) gets its connections from
`bot.db.connect_sqlite` and serialises migrations with the lock file beside it;
PostgreSQL (DATABASE_URL, driver psycopg 3) uses an advisory lock. Pools are bounded
and check a connection before lending it, so a dead one is replaced, not fatal.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Column, Connection, Engine, Float, MetaData, String, Table, create_engine
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

_migrations_table = Table(
    "_migrations", MetaData(),
    Column("scope", String(32), primary_key=True),
    Column("name", String(100), primary_key=True),
    Column("applied_at", Float, nullable=False),
)


def database_url(settings: Settings) -> str:
    """The SQLAlchemy URL of the shared state (the SQLite file unless DATABASE_URL)."""
    url = settings.database_url
    if not url:
        return f"sqlite:///{settings.db_path}"
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str) -> Engine:
    common = {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW,
              "pool_timeout": POOL_TIMEOUT, "pool_pre_ping": True}
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        return create_engine("sqlite://", creator=lambda: connect_sqlite(path),
                             poolclass=QueuePool, **common)
    return create_engine(url, connect_args={"connect_timeout": CONNECT_TIMEOUT},
                         pool_recycle=1800, **common)


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
    _migrations_table.create(conn, checkfirst=True)
    return {(r.scope, r.name) for r in conn.execute(_migrations_table.select())}


def pending_migrations(engine: Engine) -> list[str]:
    """"scope/name" of every migration not applied yet."""
    with engine.begin() as conn:
        done = _applied(conn)
    return [f"{scope}/{fn.__name__}" for scope, fns in MIGRATIONS.items() for fn in fns
            if (scope, fn.__name__) not in done]


def applied_count(engine: Engine) -> int:
    with engine.begin() as conn:
        return len(_applied(conn))


def migrate(engine: Engine) -> list[str]:
    """Apply every migration not applied yet, each in its own transaction; returns them."""
    if not pending_migrations(engine):
        return []
    ran: list[str] = []
    with migration_lock(engine):
        with engine.begin() as conn:
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
                except sa_exc.OperationalError as exc:
                    engine.dispose()
                    raise DatabaseUnavailable(f"cannot reach the database: {_reason(exc)}") \
                        from exc
            _engines[url] = engine
        return engine


def after_fork() -> None:
    """In a forked worker: leave the parent's pooled connections to the parent; the
    engines open their own from here on."""
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose(close=False)


def _reason(exc: sa_exc.DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
