"""`cio-coach db`: the shared state's database, for deployments.

    cio-coach db migrate                         # apply pending migrations, once
    cio-coach db copy --to postgresql://…        # move the shared state, checked by counts

The app migrates by itself when it starts (under a lock, so several processes may start
together); `db migrate` does it explicitly, before a rollout say. `db copy` copies the
configured database (the SQLite file unless DATABASE_URL) into another, then compares row
counts table by table. Passwords in URLs are never printed.
"""

from __future__ import annotations

import argparse
import sys

from bot.cli._input import InputError
from bot.config import Settings
from bot.db import DatabaseUnavailable

EXIT_OK, EXIT_FAILED = 0, 1
TARGET_SCHEMES = ("postgresql://", "postgresql+psycopg://", "sqlite:///")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("db", help="migrate the shared state's database, or copy it to another",
                       description="The shared state's database (team terms, Slack state): "
                       "the SQLite file at CIO_COACH_DB, or DATABASE_URL.")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("migrate", help="apply the migrations not applied yet",
                       description="Apply pending migrations (once, under a lock, even when "
                       "several processes run this together). Exit 0, also when none is "
                       "pending.")
    c = actions.add_parser("copy", help="copy the shared state to another database",
                           description="Copy every table of the shared state into another "
                           "database (created and migrated as needed), in one transaction, "
                           "then compare row counts. Exit 0 when every count matches.")
    c.add_argument("--to", required=True, metavar="URL",
                   help="target database, e.g. postgresql://user:password@host/dbname")
    c.add_argument("--replace", action="store_true",
                   help="delete what the target already holds (by default it must be empty)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import exc as sa_exc

    from bot.storage.engine import database_url, reason, safe_url

    source = database_url(settings)
    try:
        if args.action == "migrate":
            return _migrate(source, shown=safe_url(settings.database_url or source))
        return _copy(source, args.to.strip(), settings, replace=args.replace)
    except (sa_exc.OperationalError, sa_exc.InterfaceError) as exc:
        raise DatabaseUnavailable(f"cannot reach the database: {reason(exc)}") from None
    except sa_exc.DBAPIError as exc:
        print(f"cio-coach: database error: {reason(exc)}", file=sys.stderr)
        return EXIT_FAILED


def _migrate(url: str, *, shown: str) -> int:
    from bot.storage.engine import make_engine, migrate, schema_status

    engine = make_engine(url)
    try:
        ran = migrate(engine)
        applied, _ = schema_status(engine)
    finally:
        engine.dispose()
    for name in ran:
        print(f"applied {name}")
    print(f"{shown}: {len(applied)} migrations applied"
          + ("" if ran else ", none pending"))
    return EXIT_OK


def _copy(source_url: str, target_url: str, settings: Settings, *, replace: bool) -> int:
    from bot.storage.engine import make_engine, normalize_url, safe_url
    from bot.storage.transfer import TargetNotEmpty, copy_state

    if not target_url.startswith(TARGET_SCHEMES):
        raise InputError("--to must be a postgresql:// URL (or sqlite:///PATH)")
    if normalize_url(target_url) == source_url:
        raise InputError("--to names the database being copied")
    if not settings.database_url and not settings.db_path.is_file():
        raise InputError(f"nothing to copy: there is no database at {settings.db_path}")
    shown_source = safe_url(settings.database_url or source_url)
    print(f"copying {shown_source} -> {safe_url(target_url)}", file=sys.stderr)
    source, target = make_engine(source_url), make_engine(target_url)
    try:
        counts = copy_state(source, target, replace=replace, progress=_show_progress)
    except TargetNotEmpty as exc:
        print(f"cio-coach: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        source.dispose()
        target.dispose()
    return _report(counts)


def _show_progress(table: str, done: int, total: int) -> None:
    print(f"  {table}: {done}/{total} rows", file=sys.stderr, flush=True)


def _report(counts) -> int:
    width = max(len(c.table) for c in counts)
    print(f"{'table':<{width}}  {'source':>8}  {'target':>8}")
    for c in counts:
        print(f"{c.table:<{width}}  {c.source:>8}  {c.target:>8}"
              + ("" if c.matches else "  MISMATCH"))
    wrong = [c.table for c in counts if not c.matches]
    if wrong:
        print(f"row counts differ for {', '.join(wrong)}: do not switch over", file=sys.stderr)
        return EXIT_FAILED
    print(f"every count matches: {sum(c.source for c in counts)} rows in {len(counts)} tables")
    return EXIT_OK
