"""Team terms against a real SQLite file: the store functions and `cio-coach terms`."""

from __future__ import annotations

import json

import pytest

from bot.db import open_db
from bot.jargon import check, store


@pytest.fixture
def db(db_path):
    database = open_db(db_path)
    yield database
    database.conn.close()


def test_add_list_and_check(db):
    store.add_term(db, "T1", "Project Falcon", "the new ordering system", "Code name")
    assert [(t.term, t.action, t.instead) for t in store.list_terms(db, "T1")] == [
        ("Project Falcon", "add", "the new ordering system")]
    report = check("Project Falcon ships soon.", checker=store.checker_for(db, "T1"))
    assert [(f.term, f.kind, f.suggestion) for f in report.findings] == [
        ("Project Falcon", "team", "the new ordering system")]


def test_teams_are_separate(db):
    store.add_term(db, "T1", "Falcon", "the new ordering system")
    assert store.list_terms(db, "T2") == []
    assert check("Falcon is late.", checker=store.checker_for(db, "T2")).findings == []


@pytest.mark.parametrize("term,instead,message", [
    ("", "x", "empty"), ("   ", "x", "empty"), ("x" * 81, "y", "too long"),
    ("Falcon", "", "empty"), ("Falcon", "y" * 301, "too long"), ("!!!", "x", "no letters"),
])
def test_bad_input_is_refused(db, term, instead, message):
    with pytest.raises(store.TermError, match=message):
        store.add_term(db, "T1", term, instead)


def test_duplicates_are_refused_but_can_be_changed(db):
    store.add_term(db, "T1", "Falcon", "the new ordering system")
    with pytest.raises(store.TermError, match="already"):
        store.add_term(db, "T1", "  falcon ", "something else")
    store.change_term(db, "T1", "Falcon", "the ordering system")
    assert [t.instead for t in store.list_terms(db, "T1")] == ["the ordering system"]


def test_remove_team_term_and_builtin_term(db):
    store.add_term(db, "T1", "Falcon", "the ordering system")
    assert store.remove_term(db, "T1", "Falcon") is True
    assert store.remove_term(db, "T1", "Falcon") is False
    assert store.remove_term(db, "T1", "rollback") is True  # a variant of "roll back"
    assert [(t.term, t.action) for t in store.list_terms(db, "T1")] == [("roll back", "remove")]
    checker = store.checker_for(db, "T1")
    assert check("We will roll back and rolled back.", checker=checker).findings == []
    assert store.restore_term(db, "T1", "roll back") is True
    assert [f.term for f in check("We will roll back.",
                                  checker=store.checker_for(db, "T1")).findings] == ["roll back"]


def test_changing_a_builtin_term_replaces_its_advice(db):
    store.change_term(db, "T1", "latency", "lag", "Our word for it.")
    [f] = check("Latency is high.", checker=store.checker_for(db, "T1")).findings
    assert (f.kind, f.suggestion, f.explanation) == ("team", "lag", "Our word for it.")


def test_checker_is_cached_and_rebuilt_after_a_change(db):
    first = store.checker_for(db, "T1")
    assert store.checker_for(db, "T1") is first
    store.add_term(db, "T1", "Falcon", "the ordering system")
    second = store.checker_for(db, "T1")
    assert second is not first and store.checker_for(db, "T1") is second


def test_change_made_by_another_connection_is_seen(db, db_path):
    before = store.checker_for(db, "T1")
    other = open_db(db_path)
    store.add_term(other, "T1", "Falcon", "the ordering system")
    other.conn.close()
    after = store.checker_for(db, "T1")
    assert after is not before
    assert [f.term for f in check("Falcon", checker=after).findings] == ["Falcon"]


def test_read_only_path_for_the_cli(db, db_path):
    store.add_term(db, store.CLI_TEAM, "Falcon", "the ordering system")
    checker = store.checker_for_path(db_path)
    assert [f.term for f in check("Falcon", checker=checker).findings] == ["Falcon"]


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
