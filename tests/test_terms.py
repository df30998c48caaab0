"""Team terms in the shared state (`bot.storage.team_terms`) and `cio-coach terms`."""

from __future__ import annotations

import json

import pytest

from bot.jargon import check
from bot.storage import TermError
from bot.storage.team_terms import TeamTerms


@pytest.fixture
def db(storage) -> TeamTerms:
    return storage.team_terms


def test_add_list_and_check(db):
    db.add("T1", "Project Falcon", "the new ordering system", "Code name")
    assert [(t.term, t.action, t.instead) for t in db.list("T1")] == [
        ("Project Falcon", "add", "the new ordering system")]
    report = check("Project Falcon ships soon.", checker=db.checker("T1"))
    assert [(f.term, f.kind, f.suggestion) for f in report.findings] == [
        ("Project Falcon", "team", "the new ordering system")]


def test_teams_are_separate(db):
    db.add("T1", "Falcon", "the new ordering system")
    assert db.list("T2") == []
    assert check("Falcon is late.", checker=db.checker("T2")).findings == []


@pytest.mark.parametrize("term,instead,message", [
    ("", "x", "empty"), ("   ", "x", "empty"), ("x" * 81, "y", "too long"),
    ("Falcon", "", "empty"), ("Falcon", "y" * 301, "too long"), ("!!!", "x", "no letters"),
])
def test_bad_input_is_refused(db, term, instead, message):
    with pytest.raises(TermError, match=message):
        db.add("T1", term, instead)


def test_duplicates_are_refused_but_can_be_changed(db):
    db.add("T1", "Falcon", "the new ordering system")
    with pytest.raises(TermError, match="already"):
        db.add("T1", "  falcon ", "something else")
    db.change("T1", "Falcon", "the ordering system")
    assert [t.instead for t in db.list("T1")] == ["the ordering system"]


def test_remove_team_term_and_builtin_term(db):
    db.add("T1", "Falcon", "the ordering system")
    assert db.remove("T1", "Falcon") is True
    assert db.remove("T1", "Falcon") is False
    assert db.remove("T1", "rollback") is True  # a variant of "roll back"
    assert [(t.term, t.action) for t in db.list("T1")] == [("roll back", "remove")]
    checker = db.checker("T1")
    assert check("We will roll back and rolled back.", checker=checker).findings == []
    assert db.restore("T1", "roll back") is True
    assert [f.term for f in check("We will roll back.",
                                  checker=db.checker("T1")).findings] == ["roll back"]


def test_changing_a_builtin_term_replaces_its_advice(db):
    db.change("T1", "latency", "lag", "Our word for it.")
    [f] = check("Latency is high.", checker=db.checker("T1")).findings
    assert (f.kind, f.suggestion, f.explanation) == ("team", "lag", "Our word for it.")


def test_checker_is_cached_and_rebuilt_after_a_change(db):
    first = db.checker("T1")
    assert db.checker("T1") is first
    db.add("T1", "Falcon", "the ordering system")
    second = db.checker("T1")
    assert second is not first and db.checker("T1") is second


def test_change_made_by_another_process_is_seen(db, storage_url):
    import subprocess
    import sys

    before = db.checker("T1")
    code = ("import sys; from bot.storage.engine import make_engine; "
            "from bot.storage.team_terms import TeamTerms; "
            "TeamTerms(make_engine(sys.argv[1])).add('T1', 'Falcon', 'the ordering system')")
    subprocess.run([sys.executable, "-c", code, storage_url], check=True)
    after = db.checker("T1")
    assert after is not before
    assert [f.term for f in check("Falcon", checker=after).findings] == ["Falcon"]


def test_every_change_is_recorded(db):
    db.add("T1", "Falcon", "the ordering system", user_id="U1")
    db.change("T1", "Falcon", "ordering", user_id="U2")
    db.remove("T1", "cutover", user_id="U3")
    db.restore("T1", "cutover", user_id="U3")
    changes = db.changes("T1")
    assert [(c.user_id, c.change, c.term) for c in changes] == [
        ("U3", "restore", "cutover"), ("U3", "remove", "cutover"),
        ("U2", "change", "Falcon"), ("U1", "add", "Falcon")]
    assert db.changes("T2") == []


def test_terms_cli(run_cli):
    assert "No team terms yet" in run_cli("terms", "list").stdout_text
    added = run_cli("terms", "add", "Falcon", "--instead", "the ordering system",
                    "--why", "Code name", "--severity", "high")
    assert added.returncode == 0 and "Added" in added.stdout_text
    dup = run_cli("terms", "add", "Falcon", "--instead", "x")
    assert dup.returncode == 2 and "already" in dup.stderr_text
    assert run_cli("terms", "change", "Falcon", "--instead", "ordering").returncode == 0
    assert run_cli("terms", "add", "", "--instead", "x").returncode == 2
    assert run_cli("terms", "remove", "cutover").returncode == 0
    assert run_cli("terms", "remove", "not-a-term-at-all").returncode == 1
    listed = json.loads(run_cli("terms", "list", "--json").stdout_text)
    assert [(t["term"], t["action"], t["instead"]) for t in listed] == [
        ("cutover", "remove", ""), ("Falcon", "add", "ordering")]
    assert run_cli("terms", "restore", "cutover").returncode == 0
    assert run_cli("terms", "restore", "cutover").returncode == 1
