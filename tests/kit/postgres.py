"""A throwaway PostgreSQL server for CI, the tests and the benchmark: a cluster made with
initdb in a folder, listening on loopback only, with a random password.

    python3 -m tests.kit.postgres start FOLDER    # prints the URL (it holds the password)
    python3 -m tests.kit.postgres stop FOLDER
    python3 -m tests.kit.postgres restart FOLDER  # same port, same data
    python3 -m tests.kit.postgres binaries        # where initdb and pg_ctl are, or exit 1

Only the standard library at module level: `.ci/run` calls this with the system Python
before any virtual environment exists. PostgreSQL refuses to run as root, so as root the
server runs as the `postgres` user (Debian's package creates it; otherwise a system user
is created).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

ROLE = "cio"
DATABASE = "postgres"
SERVER_USER = "postgres"
FALLBACK_SERVER_USER = "ciocoachpg"
DEBIAN_BIN_ROOT = Path("/usr/lib/postgresql")


class NoPostgres(RuntimeError):
    """initdb and pg_ctl are not on this machine."""


def binaries() -> Path:
    """The folder holding initdb and pg_ctl: on PATH, else Debian's newest version."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    versions = sorted(DEBIAN_BIN_ROOT.glob("*/bin/initdb"),
                      key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit()
                      else 0)
    if versions:
        return versions[-1].parent
    raise NoPostgres("initdb and pg_ctl not found (install Debian's `postgresql` package)")


def _server_user() -> str | None:
    """Who runs the server: None (this user) unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in (SERVER_USER, FALLBACK_SERVER_USER):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    subprocess.run(["useradd", "--system", "--no-create-home", FALLBACK_SERVER_USER],
                   check=True)
    return FALLBACK_SERVER_USER


def _run(*args: str | Path, user: str | None) -> subprocess.CompletedProcess:
    command = [str(a) for a in args]
    if user:
        command = ["runuser", "-u", user, "--", *command]
    return subprocess.run(command, check=True, capture_output=True, text=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _give_to(user: str | None, *paths: Path) -> None:
    if user:
        entry = pwd.getpwnam(user)
        for path in paths:
            os.chown(path, entry.pw_uid, entry.pw_gid)


def _pg_ctl(folder: Path, action: str) -> None:
    user = _server_user()
    port = (folder / "port").read_text().strip()
    options = (f"-p {port} -c listen_addresses=127.0.0.1 -k {folder} "
               "-c max_connections=300")
    args = ["-D", folder / "data", "-l", folder / "server.log", "-w", "-t", "60"]
    if action == "start":
        _run(binaries() / "pg_ctl", action, *args, "-o", options, user=user)
    else:
        _run(binaries() / "pg_ctl", action, *args, "-m", "fast", user=user)


def start(folder: Path, port: int | None = None) -> str:
    """Create (first time) and start the cluster in `folder`; returns its URL."""
    folder.mkdir(parents=True, exist_ok=True)
    user = _server_user()
    if not (folder / "data").exists():
        password = secrets.token_urlsafe(18)
        pwfile = folder / "pwfile"
        pwfile.write_text(password + "\n")
        pwfile.chmod(0o600)
        _give_to(user, folder, pwfile)
        _run(binaries() / "initdb", "-D", folder / "data", "-U", ROLE, "-E", "UTF8",
             "--auth=scram-sha-256", f"--pwfile={pwfile}", user=user)
        pwfile.unlink()
        (folder / "port").write_text(str(port or _free_port()))
        url = (f"postgresql://{ROLE}:{quote(password, safe='')}@127.0.0.1:"
               f"{(folder / 'port').read_text()}/{DATABASE}")
        (folder / "url").write_text(url)
        (folder / "url").chmod(0o600)
    _pg_ctl(folder, "start")
    return url_of(folder)


def stop(folder: Path) -> None:
    if (folder / "data" / "postmaster.pid").exists():
        _pg_ctl(folder, "stop")


def restart(folder: Path) -> None:
    stop(folder)
    _pg_ctl(folder, "start")


def url_of(folder: Path) -> str:
    return (folder / "url").read_text().strip()


# --- in the tests ----------------------------------------------------------------------------

def required(variable: str, what: str) -> str:
    """The variable's value; without it the test is skipped, or fails in CI (CI=1), which
    must run every PostgreSQL test."""
    import pytest

    value = os.environ.get(variable, "").strip()
    if value:
        return value
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false"):
        pytest.fail(f"{variable} is not set, so {what} cannot run; CI must provide it "
                    "(.ci/run starts a PostgreSQL server and sets it)", pytrace=False)
    pytest.skip(f"{variable} is not set ({what}; `python3 -m tests.kit.postgres start "
                "FOLDER` starts a server and prints its URL)")


def with_search_path(url: str, schema: str) -> str:
    """`url` whose connections use `schema` (libpq's `options`)."""
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options=-csearch_path%3D{schema}"


@contextlib.contextmanager
def fresh_schema(url: str, prefix: str = "t") -> Iterator[str]:
    """A new, empty schema in the database at `url`, dropped afterwards; yields a URL
    whose connections work in it."""
    import psycopg

    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield with_search_path(url, schema)
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def main(argv: list[str]) -> int:
    if argv == ["binaries"]:
        try:
            print(binaries())
            return 0
        except NoPostgres as exc:
            print(exc, file=sys.stderr)
            return 1
    if len(argv) != 2 or argv[0] not in ("start", "stop", "restart"):
        print(__doc__, file=sys.stderr)
        return 2
    action, folder = argv[0], Path(argv[1]).resolve()
    try:
        if action == "start":
            print(start(folder))
        elif action == "stop":
            stop(folder)
        else:
            restart(folder)
    except NoPostgres as exc:
        print(exc, file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as exc:
        print(f"{' '.join(exc.cmd[:4])}… failed:\n{exc.stdout}{exc.stderr}", file=sys.stderr)
        log = folder / "server.log"
        if log.exists():
            print(log.read_text()[-2000:], file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
