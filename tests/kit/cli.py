"""The one way tests run the command line: `python -m bot` in a subprocess, with an
environment cleaned of the developer's own settings."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

CLI = Path(sys.executable).with_name("cio-coach")


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment without LLM_*, SLACK_*, CIO_COACH_* and DATABASE_URL, plus `extra`
    (an empty value in `extra` removes the variable)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("LLM_", "SLACK_", "CIO_COACH_")) and k != "DATABASE_URL"}
    env.update(extra or {})
    return {k: v for k, v in env.items() if v != ""}


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
            input: bytes | str | None = None, timeout: float = 60,
            stdin_file: Path | None = None) -> subprocess.CompletedProcess:
    """`cio-coach ARGS...`; `stdout_text` and `stderr_text` hold the decoded output.
    `stdin_file`: a file opened as standard input (a regular file, not a pipe)."""
    data = input.encode("utf-8") if isinstance(input, str) else input
    with stdin_file.open("rb") if stdin_file else contextlib.nullcontext() as fh:
        proc = subprocess.run([sys.executable, "-m", "bot", *args], stdin=fh,
                              input=None if fh else data, capture_output=True,
                              env=clean_env(env), cwd=cwd, timeout=timeout)
    proc.stdout_text = proc.stdout.decode("utf-8", "replace")  # type: ignore[attr-defined]
    proc.stderr_text = proc.stderr.decode("utf-8", "replace")  # type: ignore[attr-defined]
    return proc
