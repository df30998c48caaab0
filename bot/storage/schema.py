"""The shared state's tables (SQLAlchemy Core, the same on SQLite and PostgreSQL) and the
migrations that create them, as plain functions of a connection.

Scopes and migration names carry over from the SQLite-only releases, so a database they
created is recognised and only the newer migrations run on it.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Column,
    Connection,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from bot.db import TEAM_TERMS_TABLE

metadata = MetaData()

ID = 64  # Slack ids and similar keys

team_terms = Table(
    TEAM_TERMS_TABLE, metadata,
    Column("team_id", String(ID), primary_key=True),
    Column("term_key", String(200), primary_key=True),
    Column("term", String(200), nullable=False),
    Column("action", String(8), nullable=False),  # "add", or "remove" (a built-in off)
    Column("instead", Text, nullable=False, default=""),
    Column("why", Text, nullable=False, default=""),
    Column("severity", String(8), nullable=False, default="medium"),
    Column("updated_at", Float, nullable=False),
)
team_versions = Table(
    "jargon_team_versions", metadata,
    Column("team_id", String(ID), primary_key=True),
    Column("version", Integer, nullable=False),
)
team_changes = Table(
    "jargon_team_changes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("team_id", String(ID), nullable=False),
    Column("user_id", String(ID), nullable=False, default=""),
    Column("change", String(16), nullable=False),  # add, change, remove, restore
    Column("term", String(200), nullable=False),
    Column("detail", Text, nullable=False, default=""),
    Column("changed_at", Float, nullable=False),
    Index("jargon_team_changes_team", "team_id", "changed_at"),
)

# Who reads a person's drafts (the jargon check's audience): a person's own choice, and
# a workspace's default for people who chose none. Names are checked against the audience
# data files when set, not here.
user_audiences = Table(
    "jargon_user_audiences", metadata,
    Column("team_id", String(ID), primary_key=True),
    Column("user_id", String(ID), primary_key=True),
    Column("audience", String(32), nullable=False),
    Column("updated_at", Float, nullable=False),
)
team_audiences = Table(
    "jargon_team_audiences", metadata,
    Column("team_id", String(ID), primary_key=True),
    Column("audience", String(32), nullable=False),
    Column("user_id", String(ID), nullable=False, default=""),  # who set it
    Column("updated_at", Float, nullable=False),
)

answers = Table(
    "slack_answers", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("team_id", String(ID), nullable=False),
    Column("user_id", String(ID), nullable=False),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("citations", Text, nullable=False),
    Column("answered", Integer, nullable=False),
    Column("created_at", Float, nullable=False),
)
turns = Table(
    "slack_turns", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("team_id", String(ID), nullable=False),
    Column("channel", String(ID), nullable=False),
    Column("thread_ts", String(ID), nullable=False),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    # Added by m004_turn_users (after the table was first created): whose turn it is.
    Column("user_id", String(ID), nullable=False, default="", server_default=""),
    Index("slack_turns_thread", "team_id", "channel", "thread_ts"),
)
feedback = Table(
    "slack_feedback", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("team_id", String(ID), nullable=False),
    Column("answer_id", Integer, nullable=False),
    Column("user_id", String(ID), nullable=False),
    Column("helpful", Integer, nullable=False),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("citations", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Index("slack_feedback_team", "team_id"),
)
events = Table(
    "slack_events", metadata,
    Column("event_id", String(ID), primary_key=True),
    Column("team_id", String(ID), nullable=False),
    Column("received_at", Float, nullable=False),
)
questions = Table(
    "slack_questions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("team_id", String(ID), nullable=False),
    Column("user_id", String(ID), nullable=False),
    Column("surface", String(16), nullable=False),
    Column("question", Text, nullable=False),
    Column("asked_at", Float, nullable=False),
    Index("slack_questions_team", "team_id", "asked_at"),
)
checks = Table(
    "slack_checks", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("team_id", String(ID), nullable=False),
    Column("user_id", String(ID), nullable=False),
    Column("draft", Text, nullable=False),
    Column("report", Text, nullable=False),  # the findings the person was shown, as JSON
    Column("created_at", Float, nullable=False),
)

Migration = Callable[[Connection], None]

# Tables whose rows are a person's words, deleted after the retention period.
PERSONAL_TABLES = (("slack_questions", "asked_at"), ("slack_turns", "created_at"),
                   ("slack_feedback", "created_at"), ("slack_answers", "created_at"),
                   ("slack_checks", "created_at"))


def _create(*tables: Table) -> Migration:
    def create(conn: Connection) -> None:
        metadata.create_all(conn, tables=list(tables), checkfirst=True)

    return create


def m001_create_team_terms(conn: Connection) -> None:
    _create(team_terms, team_versions)(conn)


def m002_team_term_changes(conn: Connection) -> None:
    _create(team_changes)(conn)


def m003_audiences(conn: Connection) -> None:
    """A person's chosen audience for the jargon check, and a workspace's default."""
    _create(user_audiences, team_audiences)(conn)


def m001_create_tables(conn: Connection) -> None:
    _create(answers, turns, feedback, events, questions)(conn)


def m002_checks(conn: Connection) -> None:
    _create(checks)(conn)


def m003_oauth_stores(conn: Connection) -> None:
    """slack-sdk's own tables for installations, bots and OAuth state."""
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    for store in (SQLAlchemyInstallationStore(client_id="-", engine=conn.engine),
                  SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=conn.engine)):
        store.metadata.create_all(conn, checkfirst=True)


def m004_turn_users(conn: Connection) -> None:
    """Whose turn each conversation turn is (so one person's data can be deleted), and the
    indexes that retention and deletion by person use."""
    from sqlalchemy import inspect

    if "user_id" not in {c["name"] for c in inspect(conn).get_columns("slack_turns")}:
        conn.exec_driver_sql("ALTER TABLE slack_turns ADD COLUMN user_id VARCHAR(64) "
                             "NOT NULL DEFAULT ''")
    for table, stamp in PERSONAL_TABLES:
        conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {table}_stamp ON {table} ({stamp})")
        conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {table}_user "
                             f"ON {table} (team_id, user_id)")


MIGRATIONS: dict[str, list[Migration]] = {
    "jargon": [m001_create_team_terms, m002_team_term_changes, m003_audiences],
    "slack": [m001_create_tables, m002_checks, m003_oauth_stores, m004_turn_users],
}
