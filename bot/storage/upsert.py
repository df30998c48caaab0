"""INSERT ... ON CONFLICT, written once for both dialects (SQLite and PostgreSQL share
the syntax; SQLAlchemy has one construct per dialect)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, CursorResult, Table
from sqlalchemy.dialects import postgresql, sqlite


def _insert(conn: Connection, table: Table, values: Mapping[str, Any]):
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).values(**values)


def upsert(conn: Connection, table: Table, values: Mapping[str, Any], *,
           keys: Iterable[str], update: Mapping[str, Any] | None = None) -> CursorResult:
    """Insert `values`, or on a key conflict update the other columns (or `update`)."""
    keys = list(keys)
    stmt = _insert(conn, table, values)
    set_ = dict(update) if update is not None else {
        name: stmt.excluded[name] for name in values if name not in keys}
    return conn.execute(stmt.on_conflict_do_update(index_elements=keys, set_=set_))


def insert_new(conn: Connection, table: Table, values: Mapping[str, Any], *,
               keys: Iterable[str]) -> bool:
    """Insert `values` unless a row with the same keys exists; True when inserted."""
    keys = list(keys)
    stmt = _insert(conn, table, values).on_conflict_do_nothing(index_elements=keys)
    # RETURNING, not rowcount: drivers need not report a count for an INSERT (psycopg 3
    # under SQLAlchemy 2.1 gives -1), while a returned row is exact on both dialects.
    return conn.execute(stmt.returning(table.c[keys[0]])).first() is not None
