"""The knowledge index: passages that follow the texts, incremental re-indexing."""

from __future__ import annotations

import os
from pathlib import Path

from bot.db import open_db
from bot.knowledge import ensure_index, split_passages, title_of
from bot.retrieval import Retriever

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


def test_real_texts_have_titles_sections_and_locators(settings):
    db = open_db(settings.db_path)
    report = ensure_index(db, settings.knowledge_dir)
    assert report.documents == 2
    titles = {r["title"] for r in db["documents"].rows}
    assert titles == {"How can I become a CIO?", "Six experiences of the best CIO"}
    row = next(db.query("SELECT * FROM passages WHERE text LIKE '%Purple adjustable%'"))
    assert row["locator"] == "Six experiences of the best CIO › 5. Modest virtue › ¶6"
    assert row["text"].startswith("5. Modest virtue\n")


def _search_texts(db, kb: Path, question: str) -> list[str]:
    return [h.text for h in Retriever(db, kb).search(question).hits]


def test_incremental_add_change_delete(kb_dir: Path, db_path: Path):
    db = open_db(db_path)
    first = ensure_index(db, kb_dir)
    assert sorted(first.added) == ["how-can-i-become-a-cio.txt",
                                   "six-experiences-of-the-best-cio.txt"]
    stamp = {r["source"]: r["indexed_at"] for r in db["documents"].rows}

    again = ensure_index(db, kb_dir)
    assert not again.changed
    assert {r["source"]: r["indexed_at"] for r in db["documents"].rows} == stamp

    extra = kb_dir / "budgets.md"
    extra.write_text("# Budgets\n\n## Asking for money\n\nShow the board the cost of the "
                     "outage in lost orders, never in server hours.\n", encoding="utf-8")
    added = ensure_index(db, kb_dir)
    assert added.added == ["budgets.md"] and not added.updated
    assert any("lost orders" in t for t in _search_texts(db, kb_dir, "outage cost board"))

    extra.write_text("# Budgets\n\nExplain the cost of an outage as missed shipments.\n",
                     encoding="utf-8")
    os.utime(extra, (1, 1))  # a different mtime even within the same second
    changed = ensure_index(db, kb_dir)
    assert changed.updated == ["budgets.md"]
    texts = _search_texts(db, kb_dir, "outage cost shipments")
    assert any("missed shipments" in t for t in texts)
    assert not any("lost orders" in t for t in texts)  # FTS followed the change

    extra.unlink()
    removed = ensure_index(db, kb_dir)
    assert removed.removed == ["budgets.md"]
    assert db["passages"].count_where("source = 'budgets.md'") == 0
    assert not _search_texts(db, kb_dir, "missed shipments")
    _assert_vocabulary_matches_passages(db)
    # untouched documents were not re-indexed along the way
    assert {r["source"]: r["indexed_at"] for r in db["documents"].rows} == stamp


def test_touched_but_unchanged_file_is_not_reindexed(kb_dir: Path, db_path: Path):
    db = open_db(db_path)
    ensure_index(db, kb_dir)
    path = kb_dir / "how-can-i-become-a-cio.txt"
    os.utime(path, (12345, 12345))
    report = ensure_index(db, kb_dir)
    assert not report.changed
    assert db["documents"].get(path.name)["mtime"] == 12345


def test_only_top_level_texts_are_sources(kb_dir: Path, db_path: Path):
    (kb_dir / "retrieval" / "notes.txt").write_text("Ignored\n\nnot a source", encoding="utf-8")
    (kb_dir / "data.csv").write_text("a,b\n", encoding="utf-8")
    report = ensure_index(open_db(db_path), kb_dir)
    assert report.documents == 2


def test_corrupt_database_is_set_aside_and_rebuilt(db_path: Path, kb_dir: Path):
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"this is not a database" * 100)
    db = open_db(db_path)
    assert ensure_index(db, kb_dir).passages > 0
    assert list(db_path.parent.glob("cio-coach.db.corrupt-*"))


def _assert_vocabulary_matches_passages(db) -> None:
    from collections import Counter

    expected: Counter[str] = Counter()
    for (stems,) in db.execute("SELECT stems FROM passages"):
        expected.update(set(stems.split()))
    assert dict(db.execute("SELECT term, df FROM vocabulary").fetchall()) == dict(expected)


def test_concurrent_first_runs_build_one_consistent_index(kb_dir: Path, db_path: Path):
    """Several threads meeting a fresh database: one migrates and indexes, none fails."""
    from concurrent.futures import ThreadPoolExecutor

    from bot.db import connect

    def first_run(_):
        return ensure_index(connect(db_path), kb_dir).passages

    with ThreadPoolExecutor(max_workers=6) as pool:
        counts = list(pool.map(first_run, range(6)))
    db = open_db(db_path)
    assert len(set(counts)) == 1 and counts[0] == db["passages"].count > 0
    assert db["documents"].count == 2
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
    assert open_db(db_path)["documents"].count == 2
