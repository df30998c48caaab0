"""`cio-coach terms`: the local team's own jargon terms, kept in SQLite.

    cio-coach terms add TERM --instead "..." [--why "..."] [--severity high|medium|low]
    cio-coach terms change TERM --instead "..." [--why "..."]
    cio-coach terms remove TERM      # a team term, or turn a built-in term off
    cio-coach terms restore TERM     # turn a removed built-in term back on
    cio-coach terms list [--json]

`cio-coach check` applies these terms. The Slack app offers the same per workspace.
"""

from __future__ import annotations

import argparse
import json

from bot.cli._input import InputError
from bot.config import Settings

EXIT_OK, EXIT_NOT_FOUND = 0, 1


def register(sub) -> None:
    p = sub.add_parser("terms", help="add, change, remove and list your team's jargon terms",
                       description="Your team's own jargon terms, used by `cio-coach check`.")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, text in (("add", "add a term"),
                       ("change", "change a term (or give a built-in term your own advice)")):
        a = actions.add_parser(name, help=text)
        a.add_argument("term", help="the word or phrase to point at")
        a.add_argument("--instead", required=True, help="what to write instead")
        a.add_argument("--why", default="", help="one line on why readers stumble on it")
        a.add_argument("--severity", default="medium", choices=("high", "medium", "low"))
    r = actions.add_parser("remove", help="remove a team term, or stop reporting a built-in one")
    r.add_argument("term")
    s = actions.add_parser("restore", help="report a removed built-in term again")
    s.add_argument("term")
    ls = actions.add_parser("list", help="list the team's terms and removed built-in terms")
    ls.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.db import open_db
    from bot.jargon import store

    db = open_db(settings.db_path)
    try:
        return _dispatch(args, db, store)
    except store.TermError as exc:
        raise InputError(str(exc)) from None
    finally:
        db.conn.close()


def _dispatch(args, db, store) -> int:
    team = store.CLI_TEAM
    if args.action in ("add", "change"):
        fn = store.add_term if args.action == "add" else store.change_term
        saved = fn(db, team, args.term, args.instead, args.why, severity=args.severity)
        verb = "Added" if args.action == "add" else "Changed"
        print(f"{verb} {saved.term!r}: write {saved.instead!r} instead.")
        return EXIT_OK
    if args.action == "remove":
        if store.remove_term(db, team, args.term):
            print(f"Removed {args.term!r}; `cio-coach check` will not point at it.")
            return EXIT_OK
        print(f"{args.term!r} is neither a team term nor a built-in term; nothing removed.")
        return EXIT_NOT_FOUND
    if args.action == "restore":
        if store.restore_term(db, team, args.term):
            print(f"Restored the built-in term {args.term!r}.")
            return EXIT_OK
        print(f"{args.term!r} was not removed; nothing to restore.")
        return EXIT_NOT_FOUND
    terms = store.list_terms(db, team)
    if args.json:
        print(json.dumps([t.to_json() for t in terms], ensure_ascii=False))
    elif not terms:
        print("No team terms yet. Add one: cio-coach terms add TERM --instead \"...\"")
    else:
        for t in terms:
            if t.action == "remove":
                print(f"- {t.term}  (built-in term turned off)")
            else:
                print(f"+ {t.term} -> {t.instead}  [{t.severity}]  {t.why}")
    return EXIT_OK
