"""The knowledge index: passages that follow the texts, incremental re-indexing."""

from __future__ import annotations

import os
from pathlib import Path

from bot.knowledge import KnowledgeIndex
from bot.passages import split_passages, title_of
from bot.retrieval import Retriever
from bot.service import Coach

DOC = """Keeping users informed

Why it matters

Users who are not told that a repair is finished assume nothing happened. Tell them.

1. Close the loop

Every ticket ends with a message to the person who raised it.

2. Say it plainly. Avoid the terms of your trade when you write to the business.
"""


def test_headings_join_the_paragraph_they_introduce():
    passages = list(split_passages(DOC))
    assert [p.ord for p in passages] == [1, 2, 3]
    assert passages[0].text.startswith("Why it matters\nUsers who are not told")
    assert passages[0].section == "Why it matters"
    assert passages[1].section == "1. Close the loop"
    assert passages[1].text.startswith("1. Close the loop\nEvery ticket")
    # a numbered paragraph that carries its own heading sentence
    assert passages[2].section == "2. Say it plainly"
    assert title_of(DOC, "x") == "Keeping users informed"


def _rows(index: KnowledgeIndex, sql: str) -> list[tuple]:
    return index.conn.execute(sql).fetchall()


def _stamps(index: KnowledgeIndex) -> dict[str, float]:
    return dict(_rows(index, "SELECT source, indexed_at FROM documents"))


def test_real_texts_have_titles_sections_and_locators(settings):
    index = KnowledgeIndex.open(settings.db_path, settings.knowledge_dir)
    report = index.refresh()
    assert report.documents == 2
    titles = {t for (t,) in _rows(index, "SELECT title FROM documents")}
    assert titles == {"How can I become a CIO?", "Six experiences of the best CIO"}
    [(where, text)] = _rows(index, "SELECT locator, text FROM passages "
                                   "WHERE text LIKE '%Purple adjustable%'")
    assert where == "Six experiences of the best CIO › 5. Modest virtue › ¶6"
    assert text.startswith("5. Modest virtue\n")


def _search_texts(index: KnowledgeIndex, question: str) -> list[str]:
    return [h.text for h in Retriever(index).search(question).hits]


def test_incremental_add_change_delete(kb_dir: Path, db_path: Path):
    db = KnowledgeIndex.open(db_path, kb_dir)
    first = db.refresh()
    assert sorted(first.added) == ["how-can-i-become-a-cio.txt",
                                   "six-experiences-of-the-best-cio.txt"]
    stamp = _stamps(db)

    again = db.refresh()
    assert not again.changed
    assert _stamps(db) == stamp

    extra = kb_dir / "budgets.md"
    extra.write_text("# Budgets\n\n## Asking for money\n\nShow the board the cost of the "
                     "outage in lost orders, never in server hours.\n", encoding="utf-8")
    added = db.refresh()
    assert added.added == ["budgets.md"] and not added.updated
    assert any("lost orders" in t for t in _search_texts(db, "outage cost board"))

    extra.write_text("# Budgets\n\nExplain the cost of an outage as missed shipments.\n",
                     encoding="utf-8")
    os.utime(extra, (1, 1))  # a different mtime even within the same second
    changed = db.refresh()
    assert changed.updated == ["budgets.md"]
    texts = _search_texts(db, "outage cost shipments")
    assert any("missed shipments" in t for t in texts)
    assert not any("lost orders" in t for t in texts)  # FTS followed the change

    extra.unlink()
    removed = db.refresh()
    assert removed.removed == ["budgets.md"]
    assert _rows(db, "SELECT count(*) FROM passages WHERE source = 'budgets.md'") == [(0,)]
    assert not any("missed shipments" in t for t in _search_texts(db, "missed shipments"))
    _assert_vocabulary_matches_passages(db)
    # untouched documents were not re-indexed along the way
    assert _stamps(db) == stamp


def test_touched_but_unchanged_file_is_not_reindexed(kb_dir: Path, db_path: Path):
    db = KnowledgeIndex.open(db_path, kb_dir)
    db.refresh()
    path = kb_dir / "how-can-i-become-a-cio.txt"
    for touched in (path, kb_dir / "takeaways" / "how-can-i-become-a-cio.tsv",
                    kb_dir / "questions" / "how-can-i-become-a-cio.tsv"):
        os.utime(touched, (12345, 12345))
    report = db.refresh()
    assert not report.changed
    assert _rows(db, f"SELECT mtime FROM documents WHERE source = '{path.name}'") == [(12345,)]


def test_an_edited_questions_file_indexes_its_text_again(kb_dir: Path, db_path: Path):
    db = KnowledgeIndex.open(db_path, kb_dir)
    db.refresh()
    questions = kb_dir / "questions" / "six-experiences-of-the-best-cio.tsv"
    row = next(line for line in questions.read_text(encoding="utf-8").splitlines()
               if line.startswith("4\t"))
    asked = "Who should get the applause at the all-hands for the warehouse go-live?"
    number, first_words, _ = row.split("\t")
    with questions.open("a", encoding="utf-8") as out:
        out.write(f"{number}\t{first_words}\t{asked}\n")
    report = db.refresh()
    assert report.updated == [questions.name.replace(".tsv", ".txt")]
    stored = _rows(db, "SELECT questions FROM passages WHERE source = "
                       "'six-experiences-of-the-best-cio.txt' AND ord = 4")[0][0]
    assert stored.splitlines()[-1] == asked
    vectors = db.vectors()
    assert vectors is not None and len(vectors.question_ids) == 145


def test_only_top_level_texts_are_sources(kb_dir: Path, db_path: Path):
    (kb_dir / "retrieval" / "notes.txt").write_text("Ignored\n\nnot a source", encoding="utf-8")
    (kb_dir / "data.csv").write_text("a,b\n", encoding="utf-8")
    report = KnowledgeIndex.open(db_path, kb_dir).refresh()
    assert report.documents == 2


def test_corrupt_database_is_set_aside_and_rebuilt(db_path: Path, kb_dir: Path):
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"this is not a database" * 100)
    assert KnowledgeIndex.open(db_path, kb_dir).refresh().passages > 0
    assert list(db_path.parent.glob("cio-coach.db.corrupt-*"))


def test_a_database_another_connection_holds_is_waited_for_never_set_aside(
        db_path: Path, monkeypatch):
    """"database is locked" is no corruption: the file is waited for, and when the wait
    runs out the caller hears so, with the file untouched."""
    import sqlite3
    import threading

    import pytest

    import bot.db
    from bot.db import DatabaseUnavailable, connect_sqlite

    db_path.parent.mkdir(parents=True)
    holder = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE kept (x)")
    holder.execute("BEGIN EXCLUSIVE")
    monkeypatch.setattr(bot.db, "BUSY_TIMEOUT_MS", 300)
    with pytest.raises(DatabaseUnavailable, match="locked"):
        connect_sqlite(db_path)
    assert not list(db_path.parent.glob("cio-coach.db.corrupt-*"))
    monkeypatch.setattr(bot.db, "BUSY_TIMEOUT_MS", 5000)
    threading.Timer(0.3, holder.execute, ["COMMIT"]).start()
    conn = connect_sqlite(db_path)
    assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("kept",)]
    holder.close()


def _assert_vocabulary_matches_passages(db) -> None:
    from collections import Counter

    expected: Counter[str] = Counter()
    for (stems,) in _rows(db, "SELECT stems FROM passages"):
        expected.update(set(stems.split()))
    assert dict(_rows(db, "SELECT term, df FROM vocabulary")) == dict(expected)


def test_concurrent_first_runs_build_one_consistent_index(kb_dir: Path, db_path: Path):
    """Several threads meeting a fresh database: one migrates and indexes, none fails."""
    from concurrent.futures import ThreadPoolExecutor

    def first_run(_):
        return KnowledgeIndex.open(db_path, kb_dir).refresh().passages

    with ThreadPoolExecutor(max_workers=6) as pool:
        counts = list(pool.map(first_run, range(6)))
    db = KnowledgeIndex.open(db_path, kb_dir)
    [(passages, documents)] = _rows(db, "SELECT (SELECT count(*) FROM passages), "
                                        "(SELECT count(*) FROM documents)")
    assert len(set(counts)) == 1 and counts[0] == passages > 0
    assert documents == 2
    _assert_vocabulary_matches_passages(db)


def test_concurrent_cli_processes_share_a_fresh_database(run_cli, db_path: Path):
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("CIO_COACH_")}
    env["CIO_COACH_DB"] = str(db_path)
    procs = [subprocess.Popen([sys.executable, "-m", "bot", "ask", "--json", "Who is Steve?"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(4)]
    results = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in results]
    index = KnowledgeIndex.open(db_path, Path("unused"))
    assert _rows(index, "SELECT count(*) FROM documents") == [(2,)]


def _cited(coach: Coach, question: str) -> list[tuple[str, float]]:
    return [(c.locator, round(c.score, 9)) for c in coach.ask(question).citations]


def _ranked(coach: Coach, question: str) -> list[tuple[str, float]]:
    """The first five passages with their scores (an answer may cite only one)."""
    return [(h.locator, round(h.score, 9))
            for h in Retriever(coach.knowledge()).search(question).hits]


def test_rebuilding_twice_gives_the_same_answer_and_frequencies(settings):
    """Regression: a rebuild once kept the old document frequencies, so they doubled on
    every rebuild (IDF went negative and citations were lost)."""
    coach = Coach(settings)
    coach.refresh_index()
    question = "My former manager now reports to me, how do I treat him?"
    first, ranked = _cited(coach, question), _ranked(coach, question)
    sums = coach.knowledge().vocabulary_sum()
    for _ in range(2):
        coach.refresh_index(rebuild=True)
    assert coach.knowledge().vocabulary_sum() == sums
    assert _cited(coach, question) == first and first
    assert _ranked(coach, question) == ranked and len(ranked) >= 3
    _assert_vocabulary_matches_passages(coach.knowledge())


def test_index_rebuild_cli_twice_keeps_citations(run_cli):
    question = "My former manager now reports to me, how do I treat him?"
    first = run_cli("ask", "--json", question).stdout_text
    for _ in range(2):
        assert run_cli("index", "--rebuild").returncode == 0
    assert run_cli("ask", "--json", question).stdout_text == first


def test_an_index_from_an_older_version_is_built_afresh(db_path: Path, kb_dir: Path):
    import sqlite3

    db_path.parent.mkdir(parents=True)
    old = sqlite3.connect(db_path)
    old.execute("CREATE TABLE passages (id INTEGER PRIMARY KEY, stems TEXT)")
    old.execute("CREATE TABLE vocabulary (term TEXT PRIMARY KEY, df INTEGER)")
    old.execute("INSERT INTO vocabulary VALUES ('cio', 99)")
    old.commit()
    old.close()
    index = KnowledgeIndex.open(db_path, kb_dir)
    assert index.refresh().passages > 0
    _assert_vocabulary_matches_passages(index)
