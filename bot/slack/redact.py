"""Secrets never reach a log, at any level: every log record, whoever makes it (slack_sdk
logs the whole oauth.v2.access response, bot token included, at DEBUG), has Slack tokens
(xoxb-, xoxp-, xapp-, xoxe-, ...), credentials in URLs and the configured secrets
replaced before any handler sees it."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable

TOKEN = re.compile(r"\b(xox[a-z]|xapp)-[A-Za-z0-9-]+")
URL_CREDENTIALS = re.compile(r"(?<=://)[^/\s:@]+:[^/\s@]+@")
BEARER = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+")
HIDDEN = "[redacted]"

_secrets: set[str] = set()
_lock = threading.Lock()
_installed = False


def redact(text: str) -> str:
    text = TOKEN.sub(lambda m: f"{m.group(1)}-{HIDDEN}", text)
    text = URL_CREDENTIALS.sub(HIDDEN + "@", text)
    text = BEARER.sub(lambda m: m.group(1) + HIDDEN, text)
    for secret in _secrets:
        text = text.replace(secret, HIDDEN)
    return text


def _scrub(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: leave it to the handler to report
        return
    record.msg, record.args = redact(message), None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


def install(secrets: Iterable[str] = ()) -> None:
    """Scrub every log record made from now on (idempotent; `secrets` are added)."""
    global _installed
    with _lock:
        _secrets.update(s for s in secrets if s and len(s) >= 6)
        if _installed:
            return
        _installed = True
    make_record = logging.getLogRecordFactory()

    def scrubbed_record(*args, **kwargs) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        _scrub(record)
        return record

    logging.setLogRecordFactory(scrubbed_record)
