"""The one SQLite database behind everything, opened through sqlite-utils.

Each feature owns its schema as a list of plain migration functions (like
`sqlite-migrate`): `migrate(db, "knowledge", [m001_..., m002_...])` applies the ones
not yet recorded in `_migrations`. Connections use WAL and a busy timeout so several
processes (CLI, Slack workers) can share the file.
"""

from __future__ import annotations

import fcntl
import logging
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    import sqlite_utils

log = logging.getLogger(__name__)

Migration = Callable[["sqlite_utils.Database"], None]
# Read paths (a CLI question) use the plain connection: importing sqlite-utils (and the
# numpy it pulls in when installed) costs more than answering.
AnyDb = Union["sqlite_utils.Database", sqlite3.Connection]
BUSY_TIMEOUT_MS = 10_000


class DatabaseUnavailable(RuntimeError):
    """The database file cannot be opened or created (permissions, disk, a directory...)."""


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # Reading a page forces SQLite to validate the header: a corrupt file fails here.
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    if str(path) != ":memory:" and conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        conn.execute("PRAGMA journal_mode = wal")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _set_aside(path: Path) -> Path:
    """Move a corrupt database (and its WAL files) aside so nothing is deleted."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(path) + suffix)
        if src.exists():
            src.rename(Path(str(target) + suffix))
    return target


def open_db(path: Path | str) -> sqlite_utils.Database:
    """Open (creating if needed) the database; a corrupt file is set aside and rebuilt."""
    import sqlite_utils

    return sqlite_utils.Database(connect(path))


def as_database(db: AnyDb) -> sqlite_utils.Database:
    """The sqlite-utils view of a connection, for writes and schema changes."""
    import sqlite_utils

    return db if isinstance(db, sqlite_utils.Database) else sqlite_utils.Database(db)


def raw_connection(db: AnyDb) -> sqlite3.Connection:
    return db if isinstance(db, sqlite3.Connection) else db.conn


def connect(path: Path | str) -> sqlite3.Connection:
    """A plain connection with the same guarantees as `open_db` (WAL, busy timeout,
    a corrupt file set aside and started afresh)."""
    path = Path(path)
    if str(path) != ":memory:":
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseUnavailable(f"cannot create {path.parent}: {exc.strerror}") from exc
        if path.is_dir():
            raise DatabaseUnavailable(f"database path {path} is a directory")
    try:
        return _connect(path)
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, sqlite3.OperationalError) and "unable to open" in str(exc):
            raise DatabaseUnavailable(f"cannot open database {path}: {exc}") from exc
        moved = _set_aside(path)
        log.warning("database %s was unreadable (%s); moved it to %s and started afresh",
                    path, exc, moved)
        return _connect(path)


@contextmanager
def schema_lock(db: AnyDb) -> Iterator[None]:
    """Serialise schema changes and re-indexing across threads and processes.

    SQLite's own locks do not cover a read-decide-write sequence that sqlite-utils splits
    into several transactions, so a lock file beside the database does.
    """
    row = raw_connection(db).execute("PRAGMA database_list").fetchone()
    path = row[2] if row else ""
    if not path:  # an in-memory database belongs to one connection
        yield
        return
    with open(f"{path}.lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _applied(db: AnyDb, scope: str) -> set[str]:
    return {row[0] for row in db.execute(
        "SELECT name FROM _migrations WHERE scope = ?", [scope]).fetchall()}


def migrate(db: AnyDb, scope: str, migrations: Iterable[Migration]) -> None:
    """Apply, in order, the migrations of `scope` that have not been applied yet."""
    migrations = list(migrations)
    db.execute(
        "CREATE TABLE IF NOT EXISTS _migrations ("
        " scope TEXT NOT NULL, name TEXT NOT NULL, applied_at REAL NOT NULL,"
        " PRIMARY KEY (scope, name))"
    )
    if all(fn.__name__ in _applied(db, scope) for fn in migrations):
        return
    with schema_lock(db):
        done = _applied(db, scope)  # another process may have got here first
        udb = as_database(db)
        for fn in migrations:
            if fn.__name__ in done:
                continue
            with udb.conn:
                fn(udb)
                udb.execute("INSERT INTO _migrations (scope, name, applied_at) "
                            "VALUES (?, ?, ?)", [scope, fn.__name__, time.time()])
