"""`cio-coach terms`: the local team's own jargon terms, kept in the shared state.

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
from bot.service import CLI_TEAM, Coach

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
    from bot.storage import TermError  # with SQLAlchemy: see Coach.storage

    terms = Coach(settings).storage().team_terms
    try:
        return _dispatch(args, terms)
    except TermError as exc:
        raise InputError(str(exc)) from None


def _dispatch(args: argparse.Namespace, terms) -> int:
    if args.action in ("add", "change"):
        fn = terms.add if args.action == "add" else terms.change
        saved = fn(CLI_TEAM, args.term, args.instead, args.why, severity=args.severity)
        verb = "Added" if args.action == "add" else "Changed"
        print(f"{verb} {saved.term!r}: write {saved.instead!r} instead.")
        return EXIT_OK
    if args.action == "remove":
        if terms.remove(CLI_TEAM, args.term):
            print(f"Removed {args.term!r}; `cio-coach check` will not point at it.")
            return EXIT_OK
        print(f"{args.term!r} is neither a team term nor a built-in term; nothing removed.")
        return EXIT_NOT_FOUND
    if args.action == "restore":
        if terms.restore(CLI_TEAM, args.term):
            print(f"Restored the built-in term {args.term!r}.")
            return EXIT_OK
        print(f"{args.term!r} was not removed; nothing to restore.")
        return EXIT_NOT_FOUND
    return _list(terms.list(CLI_TEAM), as_json=args.json)


def _list(listed, *, as_json: bool) -> int:
    if as_json:
        print(json.dumps([t.to_json() for t in listed], ensure_ascii=False))
    elif not listed:
        print("No team terms yet. Add one: cio-coach terms add TERM --instead \"...\"")
    else:
        for t in listed:
            if t.action == "remove":
                print(f"- {t.term}  (built-in term turned off)")
            else:
                print(f"+ {t.term} -> {t.instead}  [{t.severity}]  {t.why}")
    return EXIT_OK
