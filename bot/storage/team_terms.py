"""Team terms: each team (a Slack workspace, or the command line's own) adds its
own jargon terms, changes them and turns built-in terms off. Every change is recorded
(who, when, what).

`TeamTerms.checker(team_id)` gives the built-in checker with the team's changes,
compiled once per change: each change bumps the team's version number in the same
transaction, and a cached checker is rebuilt when the version moves on (in any process).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select
from sqlalchemy import delete as sql_delete

from bot.config import DEFAULT_KNOWLEDGE_DIR
from bot.errors import CioCoachError
from bot.jargon import Checker, default_checker
from bot.jargon.matcher import term_key
from bot.jargon.terms import SEVERITIES, Term, default_lists
from bot.storage.schema import team_changes, team_terms, team_versions
from bot.storage.upsert import upsert

MAX_TERM_CHARS = 80
MAX_TEXT_CHARS = 300
MAX_TEAM_TERMS = 5000
DEFAULT_WHY = "Your team marked this as jargon."


class TermError(CioCoachError, ValueError):
    """Bad input for a team term: the message is fit to show to the person."""


@dataclass(frozen=True)
class TeamTerm:
    term: str
    action: str  # "add" (the team's own or changed term) or "remove" (a built-in turned off)
    instead: str = ""
    why: str = ""
    severity: str = "medium"
    updated_at: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"term": self.term, "action": self.action, "instead": self.instead,
                "why": self.why, "severity": self.severity, "updated_at": self.updated_at}


@dataclass(frozen=True)
class TermChange:
    user_id: str
    change: str  # add, change, remove, restore
    term: str
    detail: str
    changed_at: float


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


@cache
def _builtin_names() -> dict[str, str]:
    """Every built-in spelling's key -> the entry's canonical term."""
    lists = default_lists()
    names: dict[str, str] = {}
    for t in (*lists.terms, *lists.buzzwords):
        for spelling in (*t.variants, t.term):
            names[term_key(spelling)] = t.term
    return names


def _compile(rows: list[TeamTerm], knowledge_dir: Path) -> Checker:
    base = default_checker(knowledge_dir)
    if not rows:
        return base
    added = [Term(term=r.term, variants=(), instead=r.instead, why=r.why, category="team",
                  severity=r.severity, pos="n", kind="team")
             for r in rows if r.action == "add"]
    return base.with_team(added, [r.term for r in rows])  # a changed built-in is replaced


class TeamTerms:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._cache: dict[tuple[str, Path], tuple[int, Checker]] = {}
        self._lock = threading.Lock()

    # --- changes ----------------------------------------------------------------------

    def add(self, team_id: str, term: str, instead: str, why: str = "", *,
            severity: str = "medium", replace: bool = False, user_id: str = "") -> TeamTerm:
        """Add a team term (or, with replace=True, change an existing one)."""
        term = _clean(term, "the term", MAX_TERM_CHARS, required=True)
        instead = _clean(instead, "the alternative (--instead)", MAX_TEXT_CHARS, required=True)
        why = _clean(why, "the explanation (--why)", MAX_TEXT_CHARS, required=False) \
            or DEFAULT_WHY
        if severity not in SEVERITIES:
            raise TermError(f"severity must be one of {', '.join(SEVERITIES)}")
        key = _key(term)
        now = time.time()
        with self.engine.begin() as conn:
            existing = self._action(conn, team_id, key)
            if existing == "add" and not replace:
                raise TermError(f"{term!r} is already in your team's terms; change it instead")
            if existing is None and self._count(conn, team_id) >= MAX_TEAM_TERMS:
                raise TermError(f"your team already has {MAX_TEAM_TERMS} terms")
            upsert(conn, team_terms, {"team_id": team_id, "term_key": key, "term": term,
                                      "action": "add", "instead": instead, "why": why,
                                      "severity": severity, "updated_at": now},
                   keys=("team_id", "term_key"))
            self._changed(conn, team_id, user_id, "change" if existing else "add", term,
                          f"instead: {instead}")
        return TeamTerm(term, "add", instead, why, severity, now)

    def change(self, team_id: str, term: str, instead: str, why: str = "", *,
               severity: str = "medium", user_id: str = "") -> TeamTerm:
        """Change a team term, or give a built-in term the team's own alternative."""
        return self.add(team_id, term, instead, why, severity=severity, replace=True,
                        user_id=user_id)

    def remove(self, team_id: str, term: str, *, user_id: str = "") -> bool:
        """Remove a team term; for a built-in term, stop reporting it for this team.
        False when there was nothing to remove."""
        term = _clean(term, "the term", MAX_TERM_CHARS, required=True)
        key = _key(term)
        builtin = _builtin_names().get(key)
        with self.engine.begin() as conn:
            existing = self._action(conn, team_id, key)
            if existing is None and builtin:
                term, key = builtin, _key(builtin)
                existing = self._action(conn, team_id, key)
            if existing == "add":
                conn.execute(sql_delete(team_terms).where(
                    team_terms.c.team_id == team_id, team_terms.c.term_key == key))
            elif existing is None and builtin:
                conn.execute(insert(team_terms).values(
                    team_id=team_id, term_key=key, term=term, action="remove", instead="",
                    why="", severity="medium", updated_at=time.time()))
            else:
                return False
            self._changed(conn, team_id, user_id, "remove", term, "")
        return True

    def restore(self, team_id: str, term: str, *, user_id: str = "") -> bool:
        """Report a built-in term again after `remove` turned it off."""
        key = _key(_clean(term, "the term", MAX_TERM_CHARS, required=True))
        with self.engine.begin() as conn:
            gone = conn.execute(sql_delete(team_terms).where(
                team_terms.c.team_id == team_id, team_terms.c.term_key == key,
                team_terms.c.action == "remove")).rowcount
            if gone:
                self._changed(conn, team_id, user_id, "restore", term, "")
        return bool(gone)

    # --- reading ----------------------------------------------------------------------

    def list(self, team_id: str) -> list[TeamTerm]:
        with self.engine.connect() as conn:
            return self._select(conn, team_id)

    def changes(self, team_id: str, limit: int = 20) -> list[TermChange]:
        """The latest changes, newest first."""
        c = team_changes.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(c.user_id, c.change, c.term, c.detail, c.changed_at)
                                .where(c.team_id == team_id)
                                .order_by(c.changed_at.desc(), c.id.desc()).limit(limit))
            return [TermChange(*row) for row in rows]

    def checker(self, team_id: str, knowledge_dir: Path = DEFAULT_KNOWLEDGE_DIR) -> Checker:
        """The lists of `knowledge_dir` plus the team's changes, compiled once per change."""
        key = (team_id, knowledge_dir)
        with self.engine.connect() as conn:
            version = self._version(conn, team_id)
            with self._lock:
                hit = self._cache.get(key)
            if hit and hit[0] == version:
                return hit[1]
            checker = _compile(self._select(conn, team_id), knowledge_dir) if version \
                else default_checker(knowledge_dir)
        with self._lock:
            self._cache[key] = (version, checker)
        return checker

    def forget_team(self, conn: Connection, team_id: str) -> None:
        """Delete every term and change of a team (uninstall)."""
        for table in (team_terms, team_versions, team_changes):
            conn.execute(sql_delete(table).where(table.c.team_id == team_id))

    # --- helpers ----------------------------------------------------------------------

    @staticmethod
    def _select(conn: Connection, team_id: str) -> list[TeamTerm]:
        c = team_terms.c
        rows = conn.execute(select(c.term, c.action, c.instead, c.why, c.severity,
                                   c.updated_at).where(c.team_id == team_id)
                            .order_by(c.term_key))
        return [TeamTerm(*row) for row in rows]

    @staticmethod
    def _action(conn: Connection, team_id: str, key: str) -> str | None:
        return conn.execute(select(team_terms.c.action).where(
            team_terms.c.team_id == team_id, team_terms.c.term_key == key)).scalar()

    @staticmethod
    def _count(conn: Connection, team_id: str) -> int:
        return conn.execute(select(func.count()).select_from(team_terms).where(
            team_terms.c.team_id == team_id)).scalar_one()

    @staticmethod
    def _version(conn: Connection, team_id: str) -> int:
        return conn.execute(select(team_versions.c.version).where(
            team_versions.c.team_id == team_id)).scalar() or 0

    @staticmethod
    def _changed(conn: Connection, team_id: str, user_id: str, change: str, term: str,
                 detail: str) -> None:
        """Bump the team's version and record who changed what (same transaction)."""
        upsert(conn, team_versions, {"team_id": team_id, "version": 1}, keys=("team_id",),
               update={"version": team_versions.c.version + 1})
        conn.execute(insert(team_changes).values(team_id=team_id, user_id=user_id,
                                                 change=change, term=term, detail=detail,
                                                 changed_at=time.time()))
