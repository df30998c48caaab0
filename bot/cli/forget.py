"""`cio-coach forget` and `cio-coach export`: one person's data deleted, one workspace's
data exported, from the shared state the Slack app keeps.

    cio-coach forget --user U0123ABCD [--team T0123ABCD]
    cio-coach export --team T0123ABCD [--output FILE]

`forget` deletes the person's questions, conversation turns, feedback, the answers and
jargon reports shown to them and the audience they chose for the jargon check, and takes
their name off the term changes and workspace audiences they made; without --team, in
every workspace. `export` writes every record kept for the workspace as JSON
lines (one object a line, with its "kind"), to stdout or FILE (created 0600).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys

from bot.cli._input import InputError
from bot.config import Settings
from bot.service import Coach

SLACK_ID = re.compile(r"^[A-Z][A-Z0-9]{1,20}$")


def register(sub: argparse._SubParsersAction) -> None:
    f = sub.add_parser("forget", help="delete one person's data kept by the Slack app",
                       description="Delete a person's questions, conversation turns, "
                       "feedback, answers, reports and chosen audience (in one workspace, "
                       "or all).")
    f.add_argument("--user", required=True, help="the person's Slack user id (U...)")
    f.add_argument("--team", help="only in this workspace (T...); default: every workspace")
    f.set_defaults(func=run_forget)
    e = sub.add_parser("export", help="export a workspace's data as JSON lines",
                       description="Every record the Slack app keeps for a workspace, one "
                       "JSON object a line.")
    e.add_argument("--team", required=True, help="the workspace's team id (T...)")
    e.add_argument("--output", help="write to this file (mode 0600) instead of stdout")
    e.set_defaults(func=run_export)


def _slack_id(value: str | None, what: str) -> str | None:
    if value is not None and not SLACK_ID.match(value):
        raise InputError(f"{what} must be a Slack id such as U0123ABCD, got {value!r}")
    return value


def run_forget(args: argparse.Namespace, settings: Settings) -> int:
    user = _slack_id(args.user, "--user")
    team = _slack_id(args.team, "--team")
    deleted = Coach(settings).storage().slack.forget_user(user or "", team)
    where = f"workspace {team}" if team else "every workspace"
    if not any(deleted.values()):
        print(f"Nothing kept for {user} in {where}.")
        return 0
    parts = ", ".join(f"{n} from {table}" for table, n in deleted.items() if n)
    print(f"Forgot {user} in {where}: {parts}.")
    return 0


def run_export(args: argparse.Namespace, settings: Settings) -> int:
    team = _slack_id(args.team, "--team") or ""
    records = Coach(settings).storage().slack.export(team)
    if not args.output:
        count = _write(records, sys.stdout)
    else:
        fd = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            count = _write(records, out)
    print(f"Exported {count} records of workspace {team}.", file=sys.stderr)
    return 0


def _write(records, out) -> int:
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        count += 1
    return count
