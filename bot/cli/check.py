"""`cio-coach check`: point at the IT jargon in a draft and say what to write instead.

    cio-coach check "The ERP go-live slipped."      # the draft as an argument
    cio-coach check notes.txt other.md              # files, with path:line:col
    echo "..." | cio-coach check                    # piped stdin (or "-")
    cio-coach check --jsonl < drafts.jsonl          # {"text": ...} per line

Exit status: 0 clean, 1 jargon found, 2 bad input. Style notes (long sentences, passive
voice) never change it. `--jsonl` writes one result per line; a bad line gets
`{"error": ..., "line": N}`; it exits 0 once the stream is read.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from bot.cli._check_report import render, terminal_style
from bot.cli._input import InputError, looks_binary, text_argument
from bot.config import Settings
from bot.jargon import Checker, default_checker
from bot.service import Coach

MAX_DRAFT_BYTES = 1_000_000
EXIT_CLEAN, EXIT_FOUND = 0, 1
AUDIENCES = ("general", "finance", "operations", "sales", "executive")
CONTROL_CHAR_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")  # only these can make text binary
PASTE_PROMPT = "Paste your draft, then press Ctrl-D (Ctrl-Z and Enter on Windows)."


def register(sub) -> None:
    p = sub.add_parser(
        "check", help="check a draft for IT jargon",
        description="Point at every term a non-technical reader would stumble on, say why, "
        "and what to write instead. Exit status 0 clean, 1 jargon found, 2 bad input.")
    p.add_argument("text", nargs="*", metavar="TEXT|FILE",
                   help='the draft, one or more files, or "-" for stdin (read when piped)')
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the result as JSON")
    out.add_argument("--jsonl", action="store_true",
                     help='read {"text": ...} per line on stdin, write one JSON result per line')
    p.add_argument("--audience", choices=AUDIENCES, default=None,
                   help="who reads the draft (default: the readers its first line names, "
                        "else general)")
    p.add_argument("--no-team-terms", action="store_true",
                   help="use only the built-in lists, not the terms added with `terms add`")
    p.set_defaults(func=run)


def load_checker(coach: Coach, use_team_terms: bool = True) -> Checker:
    """The knowledge folder's lists plus the local team terms (when a database holds any)."""
    if use_team_terms:
        return coach.checker()
    return default_checker(coach.settings.knowledge_dir)


def _drafts(args: argparse.Namespace) -> list[tuple[str | None, str]]:
    """(file path or None, text) for each draft the arguments name."""
    given = args.text or ["-"]
    if given == ["-"] and sys.stdin.isatty():  # never wait silently on a terminal
        print(PASTE_PROMPT, file=sys.stderr, flush=True)
    if len(given) == 1 and (given[0] == "-" or not _is_file(given[0])):
        return [(None, text_argument(given[0], what="the draft", max_bytes=MAX_DRAFT_BYTES))]
    drafts = []
    for name in given:
        path = Path(name)
        if not _is_file(name):
            raise InputError(f"no such file: {name}")
        if path.stat().st_size > MAX_DRAFT_BYTES:
            raise InputError(f"{name} is too long (over 1 MB)")
        drafts.append((name, _file_text(path)))
    return drafts


def _is_file(name: str) -> bool:
    """A file's name, not a draft (a long draft is no valid path at all)."""
    try:
        return Path(name).is_file()
    except (OSError, ValueError):
        return False


def _file_text(path: Path) -> str:
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path} is not valid UTF-8 text") from None
    if looks_binary(text):
        raise InputError(f"{path} looks like binary data, not text")
    return text


def run(args: argparse.Namespace, settings: Settings) -> int:
    coach = Coach(settings)
    checker = load_checker(coach, not args.no_team_terms)
    if args.jsonl:
        if args.text:
            raise InputError("--jsonl reads drafts from stdin; give no text argument")
        return run_jsonl(sys.stdin.buffer, sys.stdout, coach, checker, args.audience)
    style = terminal_style(sys.stdout)
    found = False
    for n, (path, text) in enumerate(_drafts(args)):
        report = coach.check(text, checker=checker, audience=args.audience)
        found = found or bool(report.findings)
        if args.json:
            print(json.dumps(report.to_json() | ({"path": path} if path else {}),
                             ensure_ascii=False))
        else:
            print(("\n" if n else "") + render(report, style, path))
    return EXIT_FOUND if found else EXIT_CLEAN


def _draft_from_line(raw: bytes) -> tuple[str, str | None]:
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
    if CONTROL_CHAR_RE.search(text) and looks_binary(text):
        raise InputError("the draft looks like binary data, not text")
    audience = item.get("audience")
    if audience is not None and audience not in AUDIENCES:
        raise InputError(f"unknown audience {audience!r}; choose from {', '.join(AUDIENCES)}")
    return text, audience


def run_jsonl(stdin, stdout, coach: Coach, checker: Checker,
              audience: str | None = None) -> int:
    """One result per non-blank input line; a line's own "audience" wins over the option."""
    dumps = json.dumps
    write = stdout.write
    for number, raw in enumerate(stdin, 1):
        if not raw.strip():
            continue
        try:
            text, own_audience = _draft_from_line(raw)
            result = coach.check(text, checker=checker,
                                 audience=own_audience or audience).to_json()
        except InputError as exc:
            result = {"error": str(exc), "line": number}
        write(dumps(result, ensure_ascii=False) + "\n")
    stdout.flush()
    return EXIT_CLEAN
