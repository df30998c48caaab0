"""`cio-coach check`: point at the IT jargon in a draft and say what to write instead.

Exit status: 0 clean, 1 something found, 2 bad input. `--jsonl` reads `{"text": ...}`
per line on stdin and writes one result per line (a bad line gets `{"error": ...}`);
it exits 0 once the stream is read.
"""

from __future__ import annotations

import argparse
import json
import sys

from bot.cli._input import InputError, looks_binary, text_argument
from bot.config import Settings
from bot.jargon import Checker, default_checker, format_text
from bot.service import Coach

MAX_DRAFT_BYTES = 1_000_000
EXIT_CLEAN, EXIT_FOUND = 0, 1


def register(sub) -> None:
    p = sub.add_parser(
        "check", help="check a draft for IT jargon",
        description="Point at every term a non-technical reader would stumble on, say why, "
        "and what to write instead. Exit status 0 clean, 1 jargon found, 2 bad input.")
    p.add_argument("text", nargs="?", help='the draft, or "-" to read it from stdin')
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the result as JSON")
    out.add_argument("--jsonl", action="store_true",
                     help='read {"text": ...} per line on stdin, write one JSON result per line')
    p.add_argument("--no-team-terms", action="store_true",
                   help="use only the built-in lists, not the terms added with `terms add`")
    p.set_defaults(func=run)


def load_checker(coach: Coach, use_team_terms: bool = True) -> Checker:
    """The built-in lists plus the local team terms (when a database holds any)."""
    return coach.checker() if use_team_terms else default_checker()


def run(args: argparse.Namespace, settings: Settings) -> int:
    coach = Coach(settings)
    checker = load_checker(coach, not args.no_team_terms)
    if args.jsonl:
        if args.text is not None:
            raise InputError("--jsonl reads drafts from stdin; give no text argument")
        return run_jsonl(sys.stdin.buffer, sys.stdout, coach, checker)
    if args.text is None:
        raise InputError('give the draft to check, or "-" to read it from stdin')
    text = text_argument(args.text, what="the draft", max_bytes=MAX_DRAFT_BYTES)
    report = coach.check(text, checker=checker)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        print(format_text(report))
    return EXIT_FOUND if report.findings else EXIT_CLEAN


def _draft_from_line(raw: bytes) -> str:
    if len(raw) > MAX_DRAFT_BYTES:
        raise InputError(f"line is too long (over {MAX_DRAFT_BYTES:,} bytes)")
    try:
        item = json.loads(raw)
    except UnicodeDecodeError:
        raise InputError("line is not valid UTF-8") from None
    except ValueError as exc:
        raise InputError(f"line is not JSON ({exc.msg})") from None
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        raise InputError('line must be a JSON object with a "text" string')
    text = item["text"]
    if not text.strip():
        raise InputError("the draft is empty")
    if looks_binary(text):
        raise InputError("the draft looks like binary data, not text")
    return text


def run_jsonl(stdin, stdout, coach: Coach, checker: Checker) -> int:
    dumps = json.dumps
    write = stdout.write
    for raw in stdin:
        if not raw.strip():
            continue
        try:
            result = coach.check(_draft_from_line(raw), checker=checker).to_json()
        except InputError as exc:
            result = {"error": str(exc)}
        write(dumps(result, ensure_ascii=False) + "\n")
    stdout.flush()
    return EXIT_CLEAN
