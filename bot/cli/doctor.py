"""`cio-coach doctor`: what is configured, what answers, and what does not.

The core, the shared state and the model report through `Coach.health`; the Slack
section comes from `bot.slack.doctor`. Secrets are never printed.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from bot.config import Settings
from bot.health import Check
from bot.service import Coach


def all_checks(settings: Settings) -> list[Check]:
    from bot.slack import doctor as slack_doctor  # slack_sdk: only this command needs it

    checks = Coach(settings).health()
    try:
        checks.extend(slack_doctor.checks(settings))
    except Exception as exc:  # doctor reports, it does not crash
        checks.append(Check("slack", "checks", False, f"failed: {exc}"))
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
