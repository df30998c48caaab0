"""The one SQLite database behind everything, opened through sqlite-utils.

Each feature owns its schema as a list of plain migration functions (like
`sqlite-migrate`): `migrate(db, "knowledge", [m001_..., m002_...])` applies the ones
not yet recorded in `_migrations`. Connections use WAL and a busy timeout so several
processes (CLI, Slack workers) can share the file.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import sqlite_utils

log = logging.getLogger(__name__)

Migration = Callable[[sqlite_utils.Database], None]
BUSY_TIMEOUT_MS = 10_000


class DatabaseUnavailable(RuntimeError):
    """The database file cannot be opened or created (permissions, disk, a directory...)."""


def _connect(path: Path) -> sqlite_utils.Database:
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db = sqlite_utils.Database(conn)
    if str(path) != ":memory:":
        db.enable_wal()
    conn.execute("PRAGMA foreign_keys = ON")
    # Reading a page forces SQLite to validate the header: a corrupt file fails here.
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return db


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


def migrate(db: sqlite_utils.Database, scope: str, migrations: Iterable[Migration]) -> None:
    """Apply, in order, the migrations of `scope` that have not been applied yet."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS _migrations ("
        " scope TEXT NOT NULL, name TEXT NOT NULL, applied_at REAL NOT NULL,"
        " PRIMARY KEY (scope, name))"
    )
    done = {row[0] for row in db.execute(
        "SELECT name FROM _migrations WHERE scope = ?", [scope]).fetchall()}
    for fn in migrations:
        if fn.__name__ in done:
            continue
        with db.conn:
            fn(db)
            db.execute("INSERT INTO _migrations (scope, name, applied_at) VALUES (?, ?, ?)",
                       [scope, fn.__name__, time.time()])
