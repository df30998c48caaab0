"""`cio-coach check`: point at the IT jargon in a draft and say what to write instead.

    cio-coach check "The ERP go-live slipped."      # the draft as an argument
    cio-coach check notes.txt other.md              # files, with path:line:col
    echo "..." | cio-coach check                    # piped stdin (or "-")
    cio-coach check --jsonl < drafts.jsonl          # {"text": ...} per line

Exit status: 0 clean, 1 jargon found, 2 bad input. Style notes (long sentences, passive
voice) never change it. `--jsonl` writes one result per line; a bad line gets
`{"error": ..., "line": N}`; it exits 0 once the stream is read. A large file on stdin
(not a pipe, whose lines are answered as they come) is checked by several processes at
once, one per CPU (`--workers`), its results still in input order.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from bot.cli._check_report import render, terminal_style
from bot.cli._input import InputError, looks_binary, text_argument
from bot.config import Settings
from bot.jargon import AUDIENCES, Checker, default_checker
from bot.service import Coach

log = logging.getLogger(__name__)

MAX_DRAFT_BYTES = 1_000_000
EXIT_CLEAN, EXIT_FOUND = 0, 1
EXIT_FAILED = 1  # as for any failure: the run could not finish
CONTROL_CHAR_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")  # only these can make text binary
MAX_WORKERS = 64
# Below this much input, starting processes costs more than it saves (~0.3 ms a draft).
PARALLEL_MIN_BYTES = 256_000
BATCH_LINES = 250  # lines handed to a worker at a time
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
                   help="who reads the draft (default: the readers its first line names, or "
                        "the trade whose words it uses, else general)")
    p.add_argument("--no-team-terms", action="store_true",
                   help="use only the built-in lists, not the terms added with `terms add`")
    p.add_argument("--workers", type=_worker_count, default=0, metavar="N",
                   help="with --jsonl: processes checking a large file on stdin at once "
                        "(default 0: one per CPU; 1: one at a time)")
    p.set_defaults(func=run)


def _worker_count(value: str) -> int:
    try:
        count = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0 <= count <= MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"give 0 to {MAX_WORKERS} (0: one per CPU)")
    return count


def load_checker(coach: Coach, use_team_terms: bool = True) -> Checker:
    """The knowledge folder's lists plus the local team terms (when a database holds any)."""
    checker = coach.checker() if use_team_terms else \
        default_checker(coach.settings.knowledge_dir)
    # the compiled lists live as long as the process: the garbage collector need not
    # walk them again after every few thousand allocations
    gc.freeze()
    return checker


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
        return run_jsonl(sys.stdin.buffer, sys.stdout, coach, checker, args.audience,
                         workers=_workers_for(sys.stdin.buffer, coach, args.workers))
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
              audience: str | None = None, workers: int = 1) -> int:
    """One result per non-blank input line; a line's own "audience" wins over the option.
    With `workers` > 1 the lines are checked by that many forked processes, in batches,
    and written in input order."""
    global _JOB
    _JOB = (coach, checker, audience)
    lines = ((number, raw) for number, raw in enumerate(stdin, 1) if raw.strip())
    write = stdout.write
    if workers > 1:
        from concurrent.futures.process import BrokenProcessPool

        log.info("checking the drafts with %d processes", workers)
        try:
            for results in _in_parallel(_batches(lines, BATCH_LINES), workers):
                write(results)
        except BrokenProcessPool:
            stdout.flush()  # the results written so far are whole lines, in order
            log.debug("a --jsonl worker process died", exc_info=True)
            print("cio-coach: a checking process stopped unexpectedly (killed, or out of "
                  "memory); the results written so far are complete lines in input order; "
                  "run again with --workers 1", file=sys.stderr)
            return EXIT_FAILED
    else:
        for number, raw in lines:
            write(_result_line(number, raw))
    stdout.flush()
    return EXIT_CLEAN


_JOB: tuple[Coach, Checker, str | None] | None = None  # what run_jsonl's workers check with


def _result_line(number: int, raw: bytes) -> str:
    assert _JOB is not None
    coach, checker, audience = _JOB
    try:
        text, own_audience = _draft_from_line(raw)
        result = coach.check(text, checker=checker, audience=own_audience or audience).to_json()
    except InputError as exc:
        result = {"error": str(exc), "line": number}
    return json.dumps(result, ensure_ascii=False) + "\n"


def _result_lines(batch: list[tuple[int, bytes]]) -> str:
    return "".join(_result_line(number, raw) for number, raw in batch)


def _in_parallel(batches: Iterator[list], workers: int) -> Iterator[str]:
    """Each batch's result lines, in input order. At most two batches a worker are in
    flight, so a large file is never read into memory whole; a worker that dies raises
    BrokenProcessPool (reported like any failure) instead of hanging."""
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    # fork: the workers inherit the compiled checker instead of building their own
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    pending: deque = deque()
    try:
        for batch in batches:
            pending.append(pool.submit(_result_lines, batch))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _batches(lines: Iterable[tuple[int, bytes]], size: int) -> Iterator[list]:
    batch: list = []
    for item in lines:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _workers_for(stdin, coach: Coach, asked: int) -> int:
    """Processes for a --jsonl run: one unless stdin is a large regular file (a pipe's
    lines are answered one by one as they come) and no model judges senses (a model is
    one resource, not one per process)."""
    if asked == 1 or coach.settings.model_configured:
        return 1
    try:
        info = os.fstat(stdin.fileno())
    except (OSError, ValueError, AttributeError):
        return 1
    if not stat.S_ISREG(info.st_mode):
        return 1
    if asked:
        return asked
    return usable_cpus() if info.st_size >= PARALLEL_MIN_BYTES else 1


def usable_cpus() -> int:
    """The CPUs this process may run on (not the machine's count, under a CPU limit)."""
    try:
        return min(MAX_WORKERS, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return min(MAX_WORKERS, os.cpu_count() or 1)
