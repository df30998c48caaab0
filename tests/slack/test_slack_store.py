"""Slack state in SQLite: event dedupe across connections, threads and processes;
conversation history; feedback; the asked-questions log."""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from bot.answer import Answer, Citation
from bot.slack import store


def test_an_event_is_claimed_once_across_threads(tmp_path):
    path = tmp_path / "s.db"

    def claim(_):
        with store.connect(path) as db:
            return store.claim_event(db, "Ev1", "T1")

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(claim, range(64)))
    assert results.count(True) == 1


def test_an_event_stays_claimed_after_a_restart(tmp_path):
    path = tmp_path / "s.db"
    with store.connect(path) as db:
        assert store.claim_event(db, "Ev2")
    code = ("import sys; from bot.slack import store\n"
            "with store.connect(sys.argv[1]) as db: print(store.claim_event(db, 'Ev2'))")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "False"


def test_old_event_ids_are_pruned(tmp_path):
    with store.connect(tmp_path / "s.db") as db:
        assert store.claim_event(db, "EvOld") and store.claim_event(db, "EvNew")
        db.execute("UPDATE slack_events SET received_at = 0 WHERE event_id = 'EvOld'")
        assert store.prune_events(db, time.time() - store.EVENT_KEEP_SECONDS) == 1
        assert store.claim_event(db, "EvOld") and not store.claim_event(db, "EvNew")


def test_history_feedback_and_most_asked(tmp_path):
    path = tmp_path / "s.db"
    answer = Answer("How do I start?", True, "“Begin with people.” [1]",
                    [Citation("a.txt", "A", "A › B › ¶1", "Begin with people.", 2.0,
                              quote="Begin with people.")])
    with store.connect(path) as db:
        for n in range(8):
            store.add_turn(db, "T1", "D1", "1.0", f"q{n}", f"a{n}")
        store.add_turn(db, "T2", "D1", "1.0", "other team", "x")
        history = store.thread_history(db, "T1", "D1", "1.0", limit=3)
        assert [t.question for t in history] == ["q5", "q6", "q7"]

        answer_id = store.record_answer(db, "T1", "U1", answer)
        assert store.record_feedback(db, answer_id, "U1", True)
        assert store.record_feedback(db, answer_id, "U1", False)  # a change of mind
        assert store.record_feedback(db, answer_id, "U2", True)
        assert not store.record_feedback(db, 12345, "U1", True)
        assert store.feedback_counts(db, "T1") == (1, 1)
        assert store.feedback_counts(db, "T2") == (0, 0)

        for q in ["How do I start?", "how do I start?", "Budget?"]:
            store.log_question(db, "T1", "U1", "dm", q)
        store.log_question(db, "T2", "U1", "dm", "Budget?")
        top = store.top_questions(db, "T1")
        assert top[0][1] == 2 and top[0][0].lower() == "how do i start?"
        assert top[1] == ("Budget?", 1)
        assert store.top_questions(db, "T1", since=time.time() + 1) == []
