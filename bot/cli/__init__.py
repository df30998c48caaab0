"""The `cio-coach` command line: a thin adapter over the core.

Each subcommand lives in its own module under `bot.cli` with a
`register(subparsers)` function that adds its parser and sets `func(args, settings)`.
Modules import their heavy dependencies inside functions so `ask` and `check`
start fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import traceback
from pathlib import Path

from bot import __version__
from bot.cli._input import InputError
from bot.config import ConfigError, Settings, load_settings
from bot.db import DatabaseUnavailable

COMMAND_MODULES = ("index", "ask", "check", "terms", "serve", "doctor", "db", "forget")
MODULE_OF_COMMAND = {name: name for name in COMMAND_MODULES} | {"export": "forget"}
EXIT_BAD_INPUT = 2

log = logging.getLogger("cio_coach")


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; when `argv` names a command, only that command's module is imported
    (each start-up pays for one command, not eight)."""
    parser = argparse.ArgumentParser(
        prog="cio-coach",
        description="Coaching answers for IT leaders, cited from the knowledge base, "
        "and a jargon check for drafts to non-technical colleagues.",
    )
    parser.add_argument("--version", action="version", version=f"cio-coach {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    named = [MODULE_OF_COMMAND[argv[0]]] if argv and argv[0] in MODULE_OF_COMMAND \
        else COMMAND_MODULES
    for name in named:
        try:
            module = importlib.import_module(f"bot.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"bot.cli.{name}":
                raise
            continue
        module.register(sub)
    return parser


def _log_file(settings: Settings | None) -> Path | None:
    if settings is None:
        return None
    return settings.db_path.parent / "cio-coach.log"


def _record_crash(settings: Settings | None) -> str:
    path = _log_file(settings)
    if path is None:
        return ""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(traceback.format_exc())
        return f" (details in {path})"
    except OSError:
        return ""


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_BAD_INPUT
    settings: Settings | None = None
    try:
        settings = load_settings()
        logging.basicConfig(level=settings.log_level, stream=sys.stderr,
                            format="%(levelname)s %(name)s: %(message)s")
        return int(args.func(args, settings) or 0)
    except InputError as exc:
        print(f"cio-coach: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ConfigError as exc:
        print(f"cio-coach: configuration error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except DatabaseUnavailable as exc:
        print(f"cio-coach: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("cio-coach: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:  # the last line of defence: one clear line, detail to the log
        where = _record_crash(settings)
        print(f"cio-coach: unexpected error: {type(exc).__name__}: {exc}{where}",
              file=sys.stderr)
        return 1
