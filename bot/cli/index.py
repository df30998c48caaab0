"""`cio-coach index`: build or refresh the knowledge index."""

from __future__ import annotations

import argparse
import json
import sys

from bot.config import Settings
from bot.knowledge import source_files
from bot.service import Coach


def run(args: argparse.Namespace, settings: Settings) -> int:
    if not source_files(settings.knowledge_dir):
        print(f"cio-coach: no .md or .txt files in {settings.knowledge_dir}", file=sys.stderr)
        return 1
    report = Coach(settings).refresh_index(
        progress=_show_progress if sys.stderr.isatty() else None, rebuild=args.rebuild)
    if sys.stderr.isatty():
        print("\r\033[K", end="", file=sys.stderr)
    if args.json:
        print(json.dumps({"database": str(settings.db_path), "documents": report.documents,
                          "passages": report.passages, "added": report.added,
                          "updated": report.updated, "removed": report.removed,
                          "seconds": round(report.seconds, 3)}))
        return 0
    if report.changed:
        for label, names in (("added", report.added), ("updated", report.updated),
                             ("removed", report.removed)):
            for name in names:
                print(f"{label}: {name}")
    else:
        print("index up to date")
    print(f"{report.documents} documents, {report.passages} passages in {settings.db_path} "
          f"({report.seconds * 1000:.0f} ms)")
    return 0


def _show_progress(done: int, total: int, name: str) -> None:
    print(f"\r\033[Kindexing {done + 1}/{total}: {name[:60]}", end="", file=sys.stderr,
          flush=True)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("index", help="build or refresh the knowledge index",
                       description="Index the .md and .txt files at the top of the knowledge "
                       "folder. Incremental: unchanged files are skipped, changed ones "
                       "re-indexed, deleted ones removed. Other commands do this by themselves.")
    p.add_argument("--rebuild", action="store_true", help="re-index every file from scratch")
    p.add_argument("--json", action="store_true", help="print a JSON summary")
    p.set_defaults(func=run)
