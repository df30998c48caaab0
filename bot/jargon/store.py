"""Team terms in SQLite: each team (a Slack workspace, or `CLI_TEAM` for the command line)
can add its own terms, change them and remove terms, built-in ones included.

Functions take a `sqlite_utils.Database` from `bot.db.open_db` and validate their input,
so the CLI and the Slack app share them. `checker_for(db, team_id)` returns a compiled
checker with the team's changes, cached per database file and team and rebuilt when the
team's version number (bumped by every change, in the same transaction) moves on.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bot.jargon.matcher import Checker, term_key
from bot.jargon.terms import SEVERITIES, Term

log = logging.getLogger(__name__)

CLI_TEAM = "local"
SCOPE = "jargon"
MAX_TERM_CHARS = 80
MAX_TEXT_CHARS = 300
MAX_TEAM_TERMS = 5000
DEFAULT_WHY = "Your team marked this as jargon."


class TermError(ValueError):
    """Bad input for a team term: the message is fit to show to the person."""


@dataclass(frozen=True)
class TeamTerm:
    term: str
    action: str  # "add" (the team's own or changed term) or "remove" (a built-in turned off)
    instead: str = ""
    why: str = ""
    severity: str = "medium"
    updated_at: float = 0.0

    def to_json(self) -> dict:
        return {"term": self.term, "action": self.action, "instead": self.instead,
                "why": self.why, "severity": self.severity, "updated_at": self.updated_at}


def m001_create_team_terms(db) -> None:
    db.execute(
        "CREATE TABLE IF NOT EXISTS jargon_team_terms ("
        " team_id TEXT NOT NULL, term_key TEXT NOT NULL, term TEXT NOT NULL,"
        " action TEXT NOT NULL CHECK (action IN ('add', 'remove')),"
        " instead TEXT NOT NULL DEFAULT '', why TEXT NOT NULL DEFAULT '',"
        " severity TEXT NOT NULL DEFAULT 'medium', updated_at REAL NOT NULL,"
        " PRIMARY KEY (team_id, term_key))")
    db.execute(
        "CREATE TABLE IF NOT EXISTS jargon_team_versions ("
        " team_id TEXT PRIMARY KEY, version INTEGER NOT NULL)")


MIGRATIONS = [m001_create_team_terms]
_cache: dict[tuple[str, str], tuple[int, Checker]] = {}
_lock = threading.Lock()


def ensure_schema(db) -> None:
    if getattr(db, "_jargon_schema_ready", False):
        return
    from bot.db import migrate

    migrate(db, SCOPE, MIGRATIONS)
    db._jargon_schema_ready = True


def _clean(value: str | None, what: str, limit: int, *, required: bool) -> str:
    value = " ".join((value or "").split())
    if required and not value:
        raise TermError(f"{what} is empty")
    if len(value) > limit:
        raise TermError(f"{what} is too long ({len(value)} characters, at most {limit})")
    return value


def _key(term: str) -> str:
    key = term_key(term)
    if not key:
        raise TermError(f"{term!r} has no letters or digits to match")
    return key


def _builtin_names() -> dict[str, str]:
    """Every built-in spelling's key -> the entry's canonical term."""
    from bot.jargon.terms import default_lists

    lists = default_lists()
    names: dict[str, str] = {}
    for t in (*lists.terms, *lists.buzzwords):
        for spelling in (*t.variants, t.term):
            names[term_key(spelling)] = t.term
    return names


def _bump(db, team_id: str) -> None:
    db.execute("INSERT INTO jargon_team_versions (team_id, version) VALUES (?, 1)"
               " ON CONFLICT(team_id) DO UPDATE SET version = version + 1", [team_id])


def _row(db, team_id: str, key: str):
    return db.execute("SELECT action FROM jargon_team_terms WHERE team_id = ? AND term_key = ?",
                      [team_id, key]).fetchone()


def add_term(db, team_id: str, term: str, instead: str, why: str = "", *,
             severity: str = "medium", replace: bool = False) -> TeamTerm:
    """Add a team term (or, with replace=True, change an existing one)."""
    ensure_schema(db)
    term = _clean(term, "the term", MAX_TERM_CHARS, required=True)
    instead = _clean(instead, "the alternative (--instead)", MAX_TEXT_CHARS, required=True)
    why = _clean(why, "the explanation (--why)", MAX_TEXT_CHARS, required=False) or DEFAULT_WHY
    if severity not in SEVERITIES:
        raise TermError(f"severity must be one of {', '.join(SEVERITIES)}")
    key = _key(term)
    with db.conn:
        existing = _row(db, team_id, key)
        if existing and existing[0] == "add" and not replace:
            raise TermError(f"{term!r} is already in your team's terms; change it instead")
        if not existing:
            count = db.execute("SELECT count(*) FROM jargon_team_terms WHERE team_id = ?",
                               [team_id]).fetchone()[0]
            if count >= MAX_TEAM_TERMS:
                raise TermError(f"your team already has {MAX_TEAM_TERMS} terms")
        now = time.time()
        db.execute(
            "INSERT INTO jargon_team_terms (team_id, term_key, term, action, instead, why,"
            " severity, updated_at) VALUES (?, ?, ?, 'add', ?, ?, ?, ?)"
            " ON CONFLICT(team_id, term_key) DO UPDATE SET term = excluded.term,"
            " action = 'add', instead = excluded.instead, why = excluded.why,"
            " severity = excluded.severity, updated_at = excluded.updated_at",
            [team_id, key, term, instead, why, severity, now])
        _bump(db, team_id)
    return TeamTerm(term, "add", instead, why, severity, now)


def change_term(db, team_id: str, term: str, instead: str, why: str = "", *,
                severity: str = "medium") -> TeamTerm:
    """Change a team term, or give a built-in term the team's own alternative."""
    return add_term(db, team_id, term, instead, why, severity=severity, replace=True)


def remove_term(db, team_id: str, term: str) -> bool:
    """Remove a team term; for a built-in term, stop reporting it for this team.

    Returns False when there was nothing to remove.
    """
    ensure_schema(db)
    term = _clean(term, "the term", MAX_TERM_CHARS, required=True)
    key = _key(term)
    builtin = _builtin_names().get(key)
    with db.conn:
        existing = _row(db, team_id, key)
        if not existing and builtin:
            term, key = builtin, _key(builtin)
            existing = _row(db, team_id, key)
        if existing and existing[0] == "add":
            db.execute("DELETE FROM jargon_team_terms WHERE team_id = ? AND term_key = ?",
                       [team_id, key])
        elif not existing and builtin:
            db.execute(
                "INSERT INTO jargon_team_terms (team_id, term_key, term, action, updated_at)"
                " VALUES (?, ?, ?, 'remove', ?)", [team_id, key, term, time.time()])
        else:
            return False
        _bump(db, team_id)
    return True


def restore_term(db, team_id: str, term: str) -> bool:
    """Report a built-in term again after `remove_term` turned it off."""
    ensure_schema(db)
    key = _key(_clean(term, "the term", MAX_TERM_CHARS, required=True))
    with db.conn:
        gone = db.execute("DELETE FROM jargon_team_terms WHERE team_id = ? AND term_key = ?"
                          " AND action = 'remove'", [team_id, key]).rowcount
        if gone:
            _bump(db, team_id)
    return bool(gone)


def _select_terms(conn, team_id: str) -> list[TeamTerm]:
    rows = conn.execute(
        "SELECT term, action, instead, why, severity, updated_at FROM jargon_team_terms"
        " WHERE team_id = ? ORDER BY term_key", [team_id]).fetchall()
    return [TeamTerm(*row) for row in rows]


def list_terms(db, team_id: str) -> list[TeamTerm]:
    ensure_schema(db)
    return _select_terms(db.conn, team_id)


def _compile(rows: list[TeamTerm]) -> Checker:
    from bot.jargon import default_checker

    base = default_checker()
    if not rows:
        return base
    added = [Term(term=r.term, variants=(), instead=r.instead, why=r.why, category="team",
                  severity=r.severity, pos="n", kind="team")
             for r in rows if r.action == "add"]
    # a changed built-in replaces the built-in entry
    removed = [r.term for r in rows]
    return base.with_team(added, removed)


def _version(conn, team_id: str) -> int:
    row = conn.execute("SELECT version FROM jargon_team_versions WHERE team_id = ?",
                       [team_id]).fetchone()
    return row[0] if row else 0


def _cached(conn, where: str, team_id: str) -> Checker:
    version = _version(conn, team_id)
    with _lock:
        hit = _cache.get((where, team_id))
        if hit and hit[0] == version:
            return hit[1]
    checker = _compile(_select_terms(conn, team_id)) if version else _compile([])
    with _lock:
        _cache[(where, team_id)] = (version, checker)
    return checker


def _db_file(conn) -> str:
    row = conn.execute("PRAGMA database_list").fetchone()
    return (row[2] if row else "") or f"memory:{id(conn)}"


def checker_for(db, team_id: str) -> Checker:
    """The built-in lists plus the team's changes, compiled once per change."""
    ensure_schema(db)
    return _cached(db.conn, _db_file(db.conn), team_id)


def checker_for_path(path: Path, team_id: str = CLI_TEAM) -> Checker:
    """Read-only and without sqlite-utils, for the CLI: skip a missing file or table."""
    from bot.jargon import default_checker

    if not path.is_file():
        return default_checker()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        has_table = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND"
                                 " name = 'jargon_team_versions'").fetchone()
        if not has_table:
            return default_checker()
        return _cached(conn, str(path.resolve()), team_id)
    finally:
        conn.close()
