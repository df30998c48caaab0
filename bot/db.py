"""Opening SQLite files: the one connection factory and the one cross-process lock.

Every SQLite connection in the program comes from `connect_sqlite`: WAL, a busy timeout,
autocommit (writes use `transaction`), and a corrupt file moved aside (nothing deleted)
and started afresh; a file another process holds ("database is locked") is waited for,
never set aside. The knowledge index uses it directly; the shared state
(`bot.storage`) hands it to SQLAlchemy as its connection creator. One read-only look
(`sqlite_has_team_terms`) opens a file without it, to avoid importing SQLAlchemy.
"""

from __future__ import annotations

import fcntl
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.errors import CioCoachError

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
OPEN_RETRY_SECONDS = 0.05
TEAM_TERMS_TABLE = "jargon_team_terms"  # bot.storage.schema's table, named once here


class DatabaseUnavailable(CioCoachError):
    """The database cannot be opened or reached (permissions, disk, a directory, a server
    that is down)."""


def _open(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False,
                           isolation_level=None)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Reading a page forces SQLite to validate the header: a corrupt file fails here.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if str(path) != ":memory:" and \
                conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = wal")
        # WAL with synchronous=NORMAL: durable across crashes of the process, and a commit
        # costs no fsync; only the last writes before a power loss could be lost.
        conn.execute("PRAGMA synchronous = NORMAL")
    except BaseException:
        conn.close()
        raise
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


def _prepare_file(path: Path) -> None:
    """The folder exists and the file, when new, is readable by its owner only."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseUnavailable(f"cannot create {path.parent}: {exc.strerror}") from exc
    if path.is_dir():
        raise DatabaseUnavailable(f"database path {path} is a directory")
    if not path.exists():
        try:
            path.touch(mode=0o600)
        except OSError as exc:
            raise DatabaseUnavailable(f"cannot create database {path}: {exc.strerror}") from exc


def connect_sqlite(path: Path | str) -> sqlite3.Connection:
    """A connection to the SQLite file at `path`, created (mode 0600) when missing."""
    path = Path(path)
    if str(path) != ":memory:":
        _prepare_file(path)
    try:
        return _open_when_free(path)
    except sqlite3.OperationalError as exc:  # locked, busy, unable to open: not corrupt
        raise DatabaseUnavailable(f"cannot open database {path}: {exc}") from exc
    except sqlite3.DatabaseError as exc:  # not a database, or a malformed one
        moved = _set_aside(path)
        log.warning("database %s was unreadable (%s); moved it to %s and started afresh",
                    path, exc, moved)
        _prepare_file(path)
        return _open_when_free(path)


def _open_when_free(path: Path) -> sqlite3.Connection:
    """`_open`, tried again while another process holds the file: switching a new file to
    WAL needs it alone, and SQLite answers "locked" at once, without waiting, when another
    connection is reading it at that moment."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            return _open(path)
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(OPEN_RETRY_SECONDS)


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction, taken at once (no upgrade deadlocks between processes)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


@contextmanager
def file_lock(path: Path | str) -> Iterator[None]:
    """Serialise a read-decide-write sequence (schema changes, re-indexing) across threads
    and processes with a lock file beside `path`."""
    with open(f"{path}.lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


class PerThread:
    """One connection per thread, opened on first use (SQLite connections are not shared
    between threads here)."""

    def __init__(self, open_connection: Callable[[], sqlite3.Connection]) -> None:
        self._open = open_connection
        self._local = threading.local()

    def get(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._open()
        return conn

    def discard(self) -> None:
        """Drop this thread's connection (after an error that may have broken it)."""
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            conn.close()


def sqlite_has_team_terms(path: Path, team_id: str) -> bool:
    """Does the SQLite file at `path` hold terms of `team_id`? A read-only look with the
    standard library, so `check` imports SQLAlchemy (about 180 ms) only when there are
    terms to load. True when the file cannot be read: the storage layer then says why."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                               timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error:
        return True
    try:
        known = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                             (TEAM_TERMS_TABLE,)).fetchone()
        return known is not None and conn.execute(
            f"SELECT 1 FROM {TEAM_TERMS_TABLE} WHERE team_id = ? LIMIT 1",
            (team_id,)).fetchone() is not None
    except sqlite3.Error:
        return True
    finally:
        conn.close()
