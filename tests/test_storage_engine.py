"""The shared state's engine on both backends (a SQLite file, a PostgreSQL schema):
transactions, migrations started by several processes at once, and `cio-coach db copy`
from a single host's SQLite file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import func, insert, select

from bot.storage import AudienceChoice, Storage
from bot.storage.engine import make_engine, migrate
from bot.storage.schema import MIGRATIONS, questions
from bot.storage.slack_state import SlackState
from bot.storage.team_terms import TeamTerms
from tests.kit.cli import clean_env

ALL_MIGRATIONS = sum(len(fns) for fns in MIGRATIONS.values())
CLIENT_ID = "1111.2222"


def test_writes_in_one_transaction_are_all_or_nothing(storage):
    row = {"team_id": "T1", "user_id": "U1", "surface": "dm", "question": "q", "asked_at": 1.0}
    with pytest.raises(RuntimeError), storage.engine.begin() as conn:
        conn.execute(insert(questions).values(**row))
        raise RuntimeError("a failure after the first write")
    with storage.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(questions)).scalar_one() == 0


def test_migrations_started_together_apply_once(storage_url, tmp_path):
    """Four processes run `db migrate` on a fresh database at the same moment."""
    env = clean_env({"DATABASE_URL": storage_url, "CIO_COACH_DB": str(tmp_path / "i.db")})
    runs = [subprocess.Popen([sys.executable, "-m", "bot", "db", "migrate"], env=env,
                             cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(4)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0] * 4, outputs
    applied = [line for out, _ in outputs for line in out.splitlines()
               if line.startswith("applied ")]
    assert len(applied) == len(set(applied)) == ALL_MIGRATIONS
    assert sum("none pending" in out for out, _ in outputs) == 3


def fill_every_table(storage: Storage) -> dict:
    """At least one row in every table of the shared state; returns what to look for."""
    terms, state, engine = storage.team_terms, storage.slack, storage.engine
    terms.add("T1", "Falcon", "the ordering system", user_id="U1")
    terms.remove("T1", "cutover", user_id="U1")
    answer_ids = [state.record_answer("T1", "U1", f"q{n}", f"a{n}", [{"source": "s"}], True)
                  for n in range(3)]
    state.record_feedback(answer_ids[1], "U1", True)
    state.record_feedback(answer_ids[2], "U2", False)
    state.claim_event("Ev1", "T1")
    state.log_question("T1", "U1", "dm", "How do I start?")
    state.add_turn("T1", "D1", "1.0", "q", "a")
    state.record_check("T1", "U1", "The VPN is down.", {"findings": []})
    storage.audiences.set_person("T1", "U1", "finance")
    storage.audiences.set_workspace("T1", "operations", user_id="U1")
    SQLAlchemyInstallationStore(client_id=CLIENT_ID, engine=engine).save(Installation(
        app_id="A1", enterprise_id=None, team_id="T9", user_id="U9", bot_token="xoxb-t9",
        bot_id="B9", bot_user_id="U0B9", bot_scopes="chat:write"))
    SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=engine).issue()
    return {"answer_ids": answer_ids}


def copy_cli(source_db: Path, target: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", "db", "copy", "--to", target, *extra],
                          env=clean_env({"CIO_COACH_DB": str(source_db)}), cwd=source_db.parent,
                          capture_output=True, text=True, timeout=120)


def test_db_copy_moves_every_table_and_checks_the_counts(storage_url, tmp_path):
    source_db = tmp_path / "single-host.db"
    source = make_engine(f"sqlite:///{source_db}")
    migrate(source)
    expected = fill_every_table(Storage(source, TeamTerms(source), SlackState(source)))
    source.dispose()

    done = copy_cli(source_db, storage_url)
    assert done.returncode == 0, done.stderr
    assert "every count matches" in done.stdout and "MISMATCH" not in done.stdout
    assert "slack_installations" in done.stdout and "slack_answers: 3/3 rows" in done.stderr
    _assert_password_hidden(storage_url, done.stdout + done.stderr)

    target = make_engine(storage_url)
    try:
        copied = Storage(target, TeamTerms(target), SlackState(target))
        first, *_ = expected["answer_ids"]
        assert copied.slack.get_answer(first).question == "q0"  # ids kept for old buttons
        assert copied.slack.record_answer("T1", "U1", "new", "a", [], True) > max(
            expected["answer_ids"])
        assert copied.slack.feedback_counts("T1") == (1, 1)
        assert not copied.slack.claim_event("Ev1")
        assert [(t.term, t.action) for t in copied.team_terms.list("T1")] == [
            ("cutover", "remove"), ("Falcon", "add")]
        assert copied.audiences.get("T1", "U1") == AudienceChoice("finance", "operations",
                                                                  "U1")
        found = SQLAlchemyInstallationStore(client_id=CLIENT_ID, engine=target).find_bot(
            enterprise_id=None, team_id="T9")
        assert found.bot_token == "xoxb-t9"
    finally:
        target.dispose()

    again = copy_cli(source_db, storage_url)
    assert again.returncode == 1 and "already holds rows" in again.stderr
    assert copy_cli(source_db, storage_url, "--replace").returncode == 0


def test_db_copy_refuses_a_missing_source_and_a_bad_target(tmp_path):
    missing = copy_cli(tmp_path / "none.db", "postgresql://u@127.0.0.1:1/x")
    assert missing.returncode == 2 and "nothing to copy" in missing.stderr
    (tmp_path / "some.db").touch()
    bad = copy_cli(tmp_path / "some.db", "mysql://u@h/x")
    assert bad.returncode == 2 and "postgresql://" in bad.stderr


def _assert_password_hidden(url: str, output: str) -> None:
    from sqlalchemy import make_url

    password = make_url(url).password
    if password:
        assert password not in output
