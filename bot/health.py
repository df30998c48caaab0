"""What `cio-coach doctor` reports: one `Check` per thing configured or reachable."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Check:
    section: str
    name: str
    ok: bool | None  # None: not configured / not applicable
    detail: str
