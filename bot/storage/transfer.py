"""Copying the shared state from one database to another (`cio-coach db copy`), the move
from one host on SQLite to several on PostgreSQL.

Every table of the shared state is copied (this program's and slack-sdk's installations,
bots and OAuth state), ids included, so buttons already posted in Slack still name the
right answers. The source is read in one transaction, a consistent snapshot even while
the app keeps writing; the target is written in one transaction, all or nothing, and
then counted afresh against the snapshot. The knowledge index is not copied: each host
builds its own from `knowledge/`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, Table, delete, func, insert, select, text

from bot.errors import CioCoachError
from bot.storage.engine import is_sqlite, migrate
from bot.storage.schema import metadata

BATCH_ROWS = 1000

Progress = Callable[[str, int, int], None]  # table, rows copied so far, rows in all


class TargetNotEmpty(CioCoachError):
    """The target already holds shared state; copying would mix two deployments."""


@dataclass(frozen=True)
class TableCount:
    table: str
    source: int
    target: int

    @property
    def matches(self) -> bool:
        return self.source == self.target


def shared_tables(engine: Engine) -> list[Table]:
    """Every table of the shared state, each before the tables that refer to it."""
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    stores = (SQLAlchemyInstallationStore(client_id="-", engine=engine),
              SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=engine))
    return [*metadata.sorted_tables, *(t for s in stores for t in s.metadata.sorted_tables)]


def copy_state(source: Engine, target: Engine, *, replace: bool = False,
               progress: Progress | None = None) -> list[TableCount]:
    """Copy every shared table from `source` to `target` (both migrated first); returns
    the row counts of the source snapshot and of the target read back afterwards.
    Raises TargetNotEmpty when the target holds rows, unless `replace`."""
    migrate(source)
    migrate(target)
    tables = shared_tables(source)
    snapshot = source.connect()
    if not is_sqlite(source):
        snapshot = snapshot.execution_options(isolation_level="REPEATABLE READ")
    with snapshot as src:
        if is_sqlite(source):  # reads alone open no transaction there (see make_engine)
            src.exec_driver_sql("BEGIN")
        counts = {t.name: _count(src, t) for t in tables}
        with target.begin() as dst:
            _clear_target(dst, tables, replace=replace)
            for table in tables:
                _copy_table(src, dst, table, counts[table.name], progress)
                _continue_ids_after_copied(dst, table)
    with target.connect() as dst:
        return [TableCount(t.name, counts[t.name], _count(dst, t)) for t in tables]


def _count(conn: Connection, table: Table) -> int:
    return conn.execute(select(func.count()).select_from(table)).scalar_one()


def _clear_target(dst: Connection, tables: list[Table], *, replace: bool) -> None:
    filled = {t.name: n for t in tables if (n := _count(dst, t))}
    if filled and not replace:
        listed = ", ".join(f"{name} ({n})" for name, n in filled.items())
        raise TargetNotEmpty(f"the target already holds rows: {listed}; "
                             "copy into an empty database, or pass --replace to delete them")
    for table in reversed(tables):
        dst.execute(delete(table))


def _copy_table(src: Connection, dst: Connection, table: Table, total: int,
                progress: Progress | None) -> None:
    order = list(table.primary_key.columns) or list(table.columns)
    result = src.execution_options(yield_per=BATCH_ROWS).execute(
        select(table).order_by(*order))
    done = 0
    for rows in result.partitions():
        dst.execute(insert(table), [row._asdict() for row in rows])
        done += len(rows)
        if progress:
            progress(table.name, done, total)
    if progress and not total:
        progress(table.name, 0, 0)


def _continue_ids_after_copied(dst: Connection, table: Table) -> None:
    """PostgreSQL hands out ids from a sequence that explicit ids do not move: set it past
    the copied ones, or the next insert would collide with a copied row."""
    column = table.autoincrement_column
    if column is None or dst.dialect.name != "postgresql":
        return
    dst.execute(text(f"SELECT setval(pg_get_serial_sequence(:table, :column), "
                     f"coalesce(max({column.name}), 0) + 1, false) FROM {table.name}"),
                {"table": table.name, "column": column.name})
