"""Slack state in the project's one SQLite database, keyed by workspace (team id).

Tables (scope "slack" in `_migrations`): answers given (so buttons carry only an id),
conversation turns per DM thread, feedback clicks, processed event ids (dedupe across
retries and restarts) and the asked-questions log behind App Home. OAuth installations
and state live in the same file through slack-sdk's own SQLite stores.

Open one connection per request or thread with `connect(path)`; never share one.
"""

from __future__ import annotations

import json
import random
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from bot.answer import Answer, Turn
from bot.db import migrate, open_db

SCOPE = "slack"
EVENT_KEEP_SECONDS = 7 * 24 * 3600  # Slack retries within minutes; a week is ample
PRUNE_CHANCE = 0.01
WEEK_SECONDS = 7 * 24 * 3600


def m001_create_tables(db: sqlite_utils.Database) -> None:
    db["slack_answers"].create({
        "id": int, "team_id": str, "user_id": str, "question": str, "answer": str,
        "citations": str, "answered": int, "created_at": float,
    }, pk="id")
    db["slack_turns"].create({
        "id": int, "team_id": str, "channel": str, "thread_ts": str, "question": str,
        "answer": str, "created_at": float,
    }, pk="id")
    db["slack_turns"].create_index(["team_id", "channel", "thread_ts"])
    db["slack_feedback"].create({
        "id": int, "team_id": str, "answer_id": int, "user_id": str, "helpful": int,
        "question": str, "answer": str, "citations": str, "created_at": float,
    }, pk="id")
    db["slack_feedback"].create_index(["team_id"])
    db["slack_events"].create({"event_id": str, "team_id": str, "received_at": float},
                              pk="event_id")
    db["slack_questions"].create({
        "id": int, "team_id": str, "user_id": str, "surface": str, "question": str,
        "asked_at": float,
    }, pk="id")
    db["slack_questions"].create_index(["team_id", "asked_at"])


MIGRATIONS = [m001_create_tables]
_migrated: set[str] = set()
_migrate_lock = threading.Lock()


def prepare(path: Path | str) -> None:
    """Apply this module's migrations to the file once per process."""
    key = str(path)
    if key in _migrated:
        return
    with _migrate_lock:
        if key not in _migrated:
            db = open_db(path)
            try:
                migrate(db, SCOPE, MIGRATIONS)
            finally:
                db.close()
            _migrated.add(key)


_local = threading.local()


@contextmanager
def connect(path: Path | str) -> Iterator[sqlite_utils.Database]:
    """This thread's connection to the database (opened on first use, kept for the thread).

    Connections are never shared across threads; keeping one per thread spares each
    request the open/close (and the WAL checkpoint a last close triggers).
    """
    key = str(path)
    cached: dict[str, sqlite_utils.Database] = _local.__dict__.setdefault("dbs", {})
    db = cached.get(key)
    if db is None:
        prepare(path)
        db = open_db(path)
        # WAL with synchronous=NORMAL: durable across crashes of the process, and a
        # commit costs no fsync. Losing the last clicks on power loss is acceptable here.
        db.execute("PRAGMA synchronous = NORMAL")
        cached[key] = db
    try:
        yield db
    except sqlite3.DatabaseError:
        cached.pop(key, None)  # a broken connection is not reused
        db.close()
        raise


# --- events ---------------------------------------------------------------------------

def claim_event(db: sqlite_utils.Database, event_id: str, team_id: str = "") -> bool:
    """True the first time `event_id` is seen (this process or any other), False after."""
    now = time.time()
    with db.conn:
        cursor = db.execute(
            "INSERT OR IGNORE INTO slack_events (event_id, team_id, received_at) VALUES (?, ?, ?)",
            [event_id, team_id, now])
        claimed = cursor.rowcount == 1
    if claimed and random.random() < PRUNE_CHANCE:  # now and then, not on every event
        prune_events(db, now - EVENT_KEEP_SECONDS)
    return claimed


def prune_events(db: sqlite_utils.Database, older_than: float) -> int:
    """Forget event ids received before `older_than`; returns how many."""
    with db.conn:
        return db.execute("DELETE FROM slack_events WHERE received_at < ?",
                          [older_than]).rowcount


# --- answers, conversations, questions -----------------------------------------------

def _citations_json(answer: Answer) -> str:
    return json.dumps([c.to_json() | {"quote": c.quote} for c in answer.citations],
                      ensure_ascii=False)


def record_answer(db: sqlite_utils.Database, team_id: str, user_id: str, answer: Answer) -> int:
    with db.conn:
        return db["slack_answers"].insert({
            "team_id": team_id, "user_id": user_id, "question": answer.question,
            "answer": answer.answer, "citations": _citations_json(answer),
            "answered": int(answer.answered), "created_at": time.time(),
        }).last_pk


@dataclass
class StoredAnswer:
    id: int
    team_id: str
    user_id: str
    question: str
    answer: str
    citations: list[dict]
    answered: bool


def get_answer(db: sqlite_utils.Database, answer_id: int) -> StoredAnswer | None:
    rows = list(db["slack_answers"].rows_where("id = ?", [answer_id]))
    if not rows:
        return None
    row = rows[0]
    return StoredAnswer(row["id"], row["team_id"], row["user_id"], row["question"],
                        row["answer"], json.loads(row["citations"] or "[]"),
                        bool(row["answered"]))


def log_question(db: sqlite_utils.Database, team_id: str, user_id: str, surface: str,
                 question: str) -> None:
    with db.conn:
        db["slack_questions"].insert({"team_id": team_id, "user_id": user_id,
                                      "surface": surface, "question": question.strip(),
                                      "asked_at": time.time()})


def top_questions(db: sqlite_utils.Database, team_id: str, *, since: float | None = None,
                  limit: int = 5) -> list[tuple[str, int]]:
    """The most asked questions in the workspace since `since` (default: the last 7 days)."""
    since = time.time() - WEEK_SECONDS if since is None else since
    rows = db.execute(
        "SELECT min(question), count(*) AS n FROM slack_questions"
        " WHERE team_id = ? AND asked_at >= ? GROUP BY lower(question)"
        " ORDER BY n DESC, max(asked_at) DESC LIMIT ?", [team_id, since, limit]).fetchall()
    return [(q, n) for q, n in rows]


def add_turn(db: sqlite_utils.Database, team_id: str, channel: str, thread_ts: str,
             question: str, answer: str) -> None:
    with db.conn:
        db["slack_turns"].insert({"team_id": team_id, "channel": channel,
                                  "thread_ts": thread_ts, "question": question,
                                  "answer": answer, "created_at": time.time()})


def thread_history(db: sqlite_utils.Database, team_id: str, channel: str, thread_ts: str,
                   *, limit: int = 6) -> list[Turn]:
    """The last `limit` turns of a thread, oldest first."""
    rows = db.execute(
        "SELECT question, answer FROM slack_turns WHERE team_id = ? AND channel = ?"
        " AND thread_ts = ? ORDER BY id DESC LIMIT ?",
        [team_id, channel, thread_ts, limit]).fetchall()
    return [Turn(q, a) for q, a in reversed(rows)]


# --- feedback --------------------------------------------------------------------------

def record_feedback(db: sqlite_utils.Database, answer_id: int, user_id: str,
                    helpful: bool) -> bool:
    """Store a click with the question, answer and citations; False if the answer is unknown.

    A person's later click on the same answer replaces the earlier one.
    """
    stored = get_answer(db, answer_id)
    if stored is None:
        return False
    with db.conn:
        db.execute("DELETE FROM slack_feedback WHERE answer_id = ? AND user_id = ?",
                   [answer_id, user_id])
        db["slack_feedback"].insert({
            "team_id": stored.team_id, "answer_id": answer_id, "user_id": user_id,
            "helpful": int(helpful), "question": stored.question, "answer": stored.answer,
            "citations": json.dumps(stored.citations, ensure_ascii=False),
            "created_at": time.time(),
        })
    return True


def feedback_counts(db: sqlite_utils.Database, team_id: str) -> tuple[int, int]:
    """(helpful, not helpful) clicks in the workspace."""
    row = db.execute(
        "SELECT coalesce(sum(helpful), 0), coalesce(sum(1 - helpful), 0)"
        " FROM slack_feedback WHERE team_id = ?", [team_id]).fetchone()
    return int(row[0]), int(row[1])


# --- OAuth (slack-sdk's own stores, same file) ---------------------------------------

def installation_store(path: Path | str, client_id: str):
    from slack_sdk.oauth.installation_store.sqlite3 import SQLite3InstallationStore

    prepare(path)
    store = SQLite3InstallationStore(database=str(path), client_id=client_id)
    _init_once(store)
    return store


def state_store(path: Path | str, expiration_seconds: int = 600):
    from slack_sdk.oauth.state_store.sqlite3 import SQLite3OAuthStateStore

    prepare(path)
    store = SQLite3OAuthStateStore(database=str(path), expiration_seconds=expiration_seconds)
    _init_once(store)
    return store


def _init_once(store) -> None:
    """Create the store's tables; another worker may have just created them."""
    try:
        store.init()
    except sqlite3.OperationalError as exc:
        if "already exists" not in str(exc):
            raise
        store.init_called = True
