"""The HTTP endpoints around Bolt's: `GET /healthz` (the process is up) and `GET /readyz`
(the database answers and the knowledge index is built), for load balancers and service
managers. Everything else goes to Bolt (/slack/events, /slack/install, ...)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import text

from bot.service import Coach

log = logging.getLogger(__name__)

WsgiApp = Callable[..., Iterable[bytes]]


def readiness(coach: Coach) -> tuple[bool, dict[str, str]]:
    """(ready, what was checked) without changing anything."""
    checks: dict[str, str] = {}
    try:
        with coach.storage().engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"unreachable: {type(exc).__name__}"
    try:
        passages = coach.knowledge().stats().passages
        checks["index"] = f"{passages} passages" if passages else "empty"
    except Exception as exc:
        passages = 0
        checks["index"] = f"unreadable: {type(exc).__name__}"
    return checks["database"] == "ok" and passages > 0, checks


def with_health(app: WsgiApp, coach: Coach) -> WsgiApp:
    def serve(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path not in ("/healthz", "/readyz") or environ.get("REQUEST_METHOD") not in \
                ("GET", "HEAD"):
            return app(environ, start_response)
        ready, checks = (True, {"process": "up"}) if path == "/healthz" else readiness(coach)
        if not ready:
            log.warning("not ready: %s", checks)
        body = json.dumps({"ok": ready, **checks}).encode()
        start_response("200 OK" if ready else "503 Service Unavailable",
                       [("Content-Type", "application/json"),
                        ("Content-Length", str(len(body)))])
        return [body]

    return serve
