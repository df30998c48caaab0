"""Who reads a person's drafts, kept in the shared state (`bot.storage.audiences`) on both
backends: a person's choice per workspace, a workspace's default, clearing, and the
service's order (named, the person's, the workspace's, the guess from the opening)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.jargon import AudienceError
from bot.service import Coach, Reader
from bot.storage import AudienceChoice
from tests.kit.cli import clean_env

DRAFT = "Please check the GL accounts before Friday, and the BOM too."


def test_choices_round_trip(storage):
    choices = storage.audiences
    assert choices.get("T1", "U1") == AudienceChoice()
    assert choices.set_person("T1", "U1", "finance")
    assert choices.set_person("T1", "U1", " Operations ")  # a change replaces the choice
    assert choices.set_workspace("T1", "sales", user_id="U9")
    assert choices.get("T1", "U1") == AudienceChoice("operations", "sales", "U9")
    assert choices.get("T1", "U2") == AudienceChoice(None, "sales", "U9")  # the default only
    assert choices.get("T2", "U1") == AudienceChoice()  # another workspace
    assert choices.get("T1", "U1").chosen == "operations"
    assert choices.get("T1", "U2").chosen == "sales"
    assert choices.set_person("T1", "U1", None) and not choices.set_person("T1", "U1", None)
    assert choices.set_workspace("T1", None) and not choices.set_workspace("T1", None)
    assert choices.get("T1", "U1") == AudienceChoice()
    with pytest.raises(ValueError):
        choices.set_person("T1", "U1", "x" * 33)


def test_forget_export_and_uninstall_include_the_choices(storage):
    choices, state = storage.audiences, storage.slack
    for team in ("T1", "T2"):
        choices.set_person(team, "U0GONE", "finance")
        choices.set_person(team, "U0STAYS", "sales")
    choices.set_workspace("T1", "executive", user_id="U0GONE")
    exported = [r for r in state.export("T1") if r["kind"].startswith("jargon_")]
    assert {(r["kind"], r["audience"]) for r in exported} == {
        ("jargon_user_audiences", "finance"), ("jargon_user_audiences", "sales"),
        ("jargon_team_audiences", "executive")}
    deleted = state.forget_user("U0GONE", "T1")
    assert deleted["jargon_user_audiences"] == 1 and deleted["jargon_team_audiences"] == 1
    assert choices.get("T1", "U0GONE") == AudienceChoice(None, "executive", "")  # id gone
    assert choices.get("T2", "U0GONE").person == "finance"  # another workspace's
    state.forget_user("U0GONE")
    assert choices.get("T2", "U0GONE").person is None
    with storage.engine.begin() as conn:
        gone = state.forget_team(conn, "T1")
    assert gone["jargon_user_audiences"] == 1 and gone["jargon_team_audiences"] == 1
    assert choices.get("T1", "U0STAYS") == AudienceChoice()
    assert choices.get("T2", "U0STAYS").person == "sales"


@pytest.fixture
def coach(storage_url: str, db_path: Path) -> Iterator[Coach]:
    """A Coach on the test's shared state (the SQLite file, or PostgreSQL's schema)."""
    env = {"CIO_COACH_DB": str(db_path)}
    if storage_url.startswith("postgresql"):
        env["DATABASE_URL"] = storage_url
    yield Coach(load_settings(clean_env(env)))


def test_the_service_checks_for_the_named_then_the_persons_then_the_workspaces(coach):
    assert coach.audience_names() == ["general", "finance", "operations", "sales",
                                      "executive"]
    assert coach.reader_for("T1", "U1") == Reader(None, "guess")
    coach.set_audience("T1", "U0ADMIN", "operations", workspace=True)
    coach.set_audience("T1", "U1", "finance")
    assert coach.reader_for("T1", "U1") == Reader("finance", "person")
    assert coach.reader_for("T1", "U2") == Reader("operations", "workspace")
    assert coach.reader_for("T1", "U1", "sales") == Reader("sales", "named")

    def flagged(user: str) -> list[str]:
        reader = coach.reader_for("T1", user)
        return [f.term for f in coach.check(DRAFT, team_id="T1",
                                            audience=reader.audience).findings]

    assert "GL" not in flagged("U1") and "BOM" in flagged("U1")
    assert "GL" in flagged("U2") and "BOM" not in flagged("U2")
    with pytest.raises(AudienceError):
        coach.set_audience("T1", "U1", "klingon")
    # general is a choice of its own, even where the workspace's default is another
    assert coach.set_audience("T1", "U1", "general").person == "general"
    assert coach.reader_for("T1", "U1") == Reader("general", "person")
    assert "GL" in flagged("U1") and "BOM" in flagged("U1")
    assert coach.set_audience("T1", "U1", None).person is None
    assert coach.reader_for("T1", "U1") == Reader("operations", "workspace")
    assert coach.set_audience("T1", "U0ADMIN", None, workspace=True).workspace is None
    assert coach.reader_for("T1", "U1") == Reader(None, "guess")


def test_a_choice_that_cannot_be_read_leaves_the_check_to_the_opening(tmp_path, caplog):
    from bot.slack.audience import reader_note

    down = Coach(load_settings(clean_env({"CIO_COACH_DB": str(tmp_path / "t.db"),
                                          "DATABASE_URL": "postgresql://u@127.0.0.1:1/x"})))
    reader = down.reader_for("T1", "U1")
    assert reader == Reader(None, "unread") and "not read" in caplog.text
    report = down.check(f"Finance team: {DRAFT}", audience=reader.audience,
                        checker=down.checker("T1"))
    assert report.audience == "finance"
    assert "could not be read just now" in reader_note(report.audience, reader)
    assert down.reader_for("T1", "U1", "sales") == Reader("sales", "named")
