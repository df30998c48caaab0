"""Privacy: retention deletes what people wrote once it is old, `cio-coach forget` deletes
one person's data, `cio-coach export` gives a workspace's data as JSON lines, App Home's
workspace figures are counts and topics, and `doctor` reports what is set."""

from __future__ import annotations

import json
import sqlite3
import stat
import time

from sqlalchemy import func, select, update

from bot.storage import AudienceChoice
from bot.storage.engine import make_engine, migrate
from bot.storage.schema import answers, checks, feedback, questions, turns, user_audiences
from bot.storage.slack_state import SlackState
from tests.kit.cli import run_cli as kit_run_cli
from tests.kit.slackapp import app_env, start_app

OLD = time.time() - 100 * 24 * 3600
CITES = [{"locator": "Book › Working with the board › ¶3", "quote": "q"}]


def fill(state: SlackState, team: str, user: str, text: str) -> int:
    state.log_question(team, user, "dm", text)
    state.add_turn(team, "D1", "1.0", text, "answer", user)
    answer_id = state.record_answer(team, user, text, "answer", CITES, True)
    state.record_feedback(answer_id, user, True)
    state.record_check(team, user, text, {"findings": []})
    return answer_id


def counts(db_path, user: str | None = None) -> dict[str, int]:
    where = " WHERE user_id = ?" if user else ""
    with sqlite3.connect(db_path) as db:
        return {t: db.execute(f"SELECT count(*) FROM {t}{where}", [user] if user else []
                              ).fetchone()[0]
                for t in ("slack_questions", "slack_turns", "slack_answers",
                          "slack_feedback", "slack_checks")}


def user_rows(storage, user: str) -> int:
    """Rows of `user` in every table that holds what people wrote, on either backend."""
    with storage.engine.connect() as conn:
        return sum(conn.execute(select(func.count()).select_from(t).where(
            t.c.user_id == user)).scalar_one() for t in (questions, turns, answers, feedback,
                                                          checks, user_audiences))


def backend_env(storage_url: str) -> dict[str, str]:
    """The CLI pointed at the test's shared state (the SQLite file is CIO_COACH_DB)."""
    return {"DATABASE_URL": storage_url} if storage_url.startswith("postgresql") else {}


def age_everything(engine, before: float) -> None:
    with engine.begin() as conn:
        for table, column in ((questions, "asked_at"), (turns, "created_at"),
                              (answers, "created_at"), (feedback, "created_at"),
                              (checks, "created_at")):
            conn.execute(update(table).where(table.c[column] < before).values(
                {column: OLD}))


def test_retention_deletes_only_what_is_older_than_the_period(storage):
    state = storage.slack
    fill(state, "T1", "U1", "old question")
    age_everything(storage.engine, time.time() + 1)
    fill(state, "T1", "U1", "new question")
    deleted = state.purge(time.time() - 90 * 24 * 3600)
    assert set(deleted.values()) == {1}
    assert state.recent_questions("T1", "U1") == ["new question"]


def test_forget_deletes_one_persons_data_in_one_workspace(storage, storage_url, run_cli):
    state = storage.slack
    env = backend_env(storage_url)
    for team, user in (("T1", "U0GONE"), ("T2", "U0GONE"), ("T1", "U0STAYS")):
        fill(state, team, user, f"{user} in {team}")
    storage.team_terms.add("T1", "Widget", "part", user_id="U0GONE")
    choices = storage.audiences
    for team in ("T1", "T2"):
        choices.set_person(team, "U0GONE", "finance")
    choices.set_person("T1", "U0STAYS", "sales")
    choices.set_workspace("T1", "executive", user_id="U0GONE")
    result = run_cli("forget", "--user", "U0GONE", "--team", "T1", env=env)
    assert result.returncode == 0 and "Forgot U0GONE in workspace T1" in result.stdout_text
    assert "1 from jargon_user_audiences" in result.stdout_text
    assert state.recent_questions("T1", "U0GONE") == []
    assert state.recent_questions("T2", "U0GONE") == ["U0GONE in T2"]
    assert state.recent_questions("T1", "U0STAYS") == ["U0STAYS in T1"]
    assert [c.user_id for c in storage.team_terms.changes("T1")] == [""]  # name taken off
    assert choices.get("T1", "U0GONE") == AudienceChoice(None, "executive", "")  # id off
    assert choices.get("T2", "U0GONE").person == "finance"
    assert run_cli("forget", "--user", "U0GONE", env=env).returncode == 0
    assert user_rows(storage, "U0GONE") == 0
    assert choices.get("T2", "U0GONE").person is None
    assert user_rows(storage, "U0STAYS") == 6
    assert run_cli("forget", "--user", "bob; drop", env=env).returncode == 2


def test_export_writes_the_workspaces_records_as_json_lines(storage, storage_url, run_cli,
                                                            tmp_path):
    env = backend_env(storage_url)
    fill(storage.slack, "T1", "U1", "exported question")
    fill(storage.slack, "T2", "U2", "another workspace's question")
    storage.team_terms.add("T1", "Widget", "part", user_id="U1")
    storage.audiences.set_person("T1", "U1", "finance")
    storage.audiences.set_person("T2", "U2", "sales")
    out = tmp_path / "export.jsonl"
    result = run_cli("export", "--team", "T1", "--output", str(out), env=env)
    assert result.returncode == 0 and "Exported 7 records" in result.stderr_text
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert {r["kind"] for r in records} == {"questions", "turns", "feedback", "answers",
                                            "checks", "jargon_team_changes",
                                            "jargon_user_audiences"}
    assert all(r["team_id"] == "T1" for r in records)
    assert "another workspace" not in out.read_text() and "sales" not in out.read_text()
    printed = run_cli("export", "--team", "T1", env=env)
    assert printed.stdout_text.count("\n") == 7


def test_workspace_topics_need_several_people_and_never_quote_anyone(storage):
    state = storage.slack
    fill(state, "T1", "U1", "my private words")
    assert state.topics("T1") == []  # one person: nothing shown
    fill(state, "T1", "U2", "other private words")
    assert state.topics("T1") == [("Working with the board", 2)]
    assert state.week_counts("T1") == (2, 2)


def test_the_app_applies_retention_when_it_starts(fake, tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'cio-coach.db'}")
    migrate(engine)
    state = SlackState(engine)
    fill(state, "T1", "U1", "stale")
    age_everything(engine, time.time() + 1)
    fill(state, "T1", "U1", "fresh")
    engine.dispose()
    for app in start_app(fake, tmp_path, CIO_COACH_RETENTION_DAYS="30"):
        assert counts(app.db_path) == dict.fromkeys(counts(app.db_path), 1)
        mode = stat.S_IMODE(app.db_path.stat().st_mode)
        assert mode == 0o600, oct(mode)
        assert "deleted 1 from slack_questions" in app.log_path.read_text()


def test_doctor_reports_retention_encryption_and_the_terms_policy(fake, tmp_path):
    from cryptography.fernet import Fernet

    env = app_env(fake, tmp_path / "db.sqlite", CIO_COACH_RETENTION_DAYS="30",
                  SLACK_TERM_EDITORS="admins,U0PAT", SLACK_TOKEN_KEY=Fernet.generate_key()
                  .decode())
    result = kit_run_cli("doctor", "--json", env=env, cwd=tmp_path)
    found = {c["name"]: c for c in json.loads(result.stdout_text) if c["section"] == "slack"}
    assert "30 days" in found["retention"]["detail"]
    assert found["token encryption"]["ok"] is True
    assert "admins and owners and 1 named member" in found["terms policy"]["detail"]
    assert env["SLACK_TOKEN_KEY"] not in result.stdout_text
    bad = kit_run_cli("doctor", "--json", env=app_env(fake, tmp_path / "db.sqlite",
                                                     SLACK_TOKEN_KEY="not-a-key",
                                                     SLACK_TERM_EDITORS="bob"), cwd=tmp_path)
    found = {c["name"]: c for c in json.loads(bad.stdout_text) if c["section"] == "slack"}
    assert found["token encryption"]["ok"] is False and found["terms policy"]["ok"] is False
    assert "not-a-key" not in bad.stdout_text
