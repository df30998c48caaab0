"""`cio-coach doctor`: what is configured, what answers, and what does not.

Sections come from the core (database, knowledge index) and, when present, from
`bot.llm.doctor` and `bot.slack.doctor`; each section is a function
`checks(settings) -> list[Check]`. Secrets are never printed.
"""

from __future__ import annotations

import argparse
import importlib
import json
from dataclasses import asdict, dataclass

from bot.config import Settings

SECTION_MODULES = ("bot.llm.doctor", "bot.slack.doctor")


@dataclass
class Check:
    section: str
    name: str
    ok: bool | None  # None: not configured / not applicable
    detail: str


def core_checks(settings: Settings) -> list[Check]:
    from bot.db import open_db
    from bot.knowledge import ensure_index

    checks = [Check("core", "knowledge folder", settings.knowledge_dir.is_dir(),
                    str(settings.knowledge_dir))]
    try:
        db = open_db(settings.db_path)
        report = ensure_index(db, settings.knowledge_dir)
        checks.append(Check("core", "database", True, str(settings.db_path)))
        checks.append(Check("core", "knowledge index", report.passages > 0,
                            f"{report.documents} documents, {report.passages} passages"))
    except Exception as exc:  # doctor reports, it does not crash
        checks.append(Check("core", "database", False, f"{settings.db_path}: {exc}"))
    return checks


def all_checks(settings: Settings) -> list[Check]:
    checks = core_checks(settings)
    for name in SECTION_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name in (name, name.rsplit(".", 1)[0]):
                continue
            raise
        try:
            checks.extend(module.checks(settings))
        except Exception as exc:
            checks.append(Check(name.split(".")[1], "checks", False, f"failed: {exc}"))
    return checks


def _mark(ok: bool | None) -> str:
    return {True: "ok  ", False: "FAIL", None: "--  "}[ok]


def run(args: argparse.Namespace, settings: Settings) -> int:
    checks = all_checks(settings)
    if args.json:
        print(json.dumps([asdict(c) for c in checks], ensure_ascii=False))
    else:
        section = None
        for c in checks:
            if c.section != section:
                section = c.section
                print(f"[{section}]")
            print(f"  {_mark(c.ok)} {c.name}: {c.detail}")
    return 1 if any(c.ok is False for c in checks) else 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("doctor", help="check settings, database, model and Slack connectivity",
                       description="Report what is configured and whether it answers. "
                       "Exit 0 when nothing failed, 1 otherwise. Secrets are never printed.")
    p.add_argument("--json", action="store_true", help="print the checks as JSON")
    p.set_defaults(func=run)
