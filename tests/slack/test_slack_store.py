"""Slack state in the shared database: event dedupe across threads and processes;
conversation history; feedback; reports shown; the asked-questions log."""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import update

from bot.storage.schema import events
from bot.storage.slack_state import EVENT_KEEP_SECONDS


def test_an_event_is_claimed_once_across_threads(storage):
    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(lambda _: storage.slack.claim_event("Ev1", "T1"), range(64)))
    assert results.count(True) == 1


def test_an_event_stays_claimed_after_a_restart(storage, storage_url):
    assert storage.slack.claim_event("Ev2")
    code = ("import sys; from bot.storage.engine import make_engine; "
            "from bot.storage.slack_state import SlackState; "
            "print(SlackState(make_engine(sys.argv[1])).claim_event('Ev2'))")
    out = subprocess.run([sys.executable, "-c", code, storage_url], capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "False"


def test_old_event_ids_are_pruned(storage):
    state = storage.slack
    assert state.claim_event("EvOld") and state.claim_event("EvNew")
    with storage.engine.begin() as conn:
        conn.execute(update(events).where(events.c.event_id == "EvOld").values(received_at=0))
    assert state.prune_events(time.time() - EVENT_KEEP_SECONDS) == 1
    assert state.claim_event("EvOld") and not state.claim_event("EvNew")


def test_history_feedback_and_most_asked(storage):
    state = storage.slack
    for n in range(8):
        state.add_turn("T1", "D1", "1.0", f"q{n}", f"a{n}")
    state.add_turn("T2", "D1", "1.0", "other team", "x")
    history = state.thread_history("T1", "D1", "1.0", limit=3)
    assert [t.question for t in history] == ["q5", "q6", "q7"]

    citations = [{"source": "a.txt", "locator": "A › B › ¶1", "text": "Begin with people.",
                  "quote": "Begin with people."}]
    answer_id = state.record_answer("T1", "U1", "How do I start?", "“Begin with people.” [1]",
                                    citations, True)
    assert state.get_answer(answer_id).citations == citations
    assert state.record_feedback(answer_id, "U1", True)
    assert state.record_feedback(answer_id, "U1", False)  # a change of mind
    assert state.record_feedback(answer_id, "U2", True)
    assert not state.record_feedback(12345, "U1", True)
    assert state.feedback_counts("T1") == (1, 1)
    assert state.feedback_counts("T2") == (0, 0)

    for q in ["How do I start?", "how do I start?", "Budget?"]:
        state.log_question("T1", "U1", "dm", q)
    state.log_question("T1", "U2", "dm", "Mine only")
    state.log_question("T2", "U1", "dm", "Budget?")
    assert state.recent_questions("T1", "U1") == ["Budget?", "how do I start?",
                                                  "How do I start?"]
    assert state.recent_questions("T1", "U2") == ["Mine only"]
    assert state.week_counts("T1") == (4, 2) and state.week_counts("T2") == (1, 1)
    assert state.week_counts("T1", since=time.time() + 1) == (0, 0)


def test_a_report_shown_is_kept_for_its_rewrite(storage):
    report = {"text": "The VPN is down.", "findings": [{"start": 4, "end": 7, "term": "VPN"}]}
    check_id = storage.slack.record_check("T1", "U1", "The VPN is down.", report)
    stored = storage.slack.get_check(check_id)
    assert (stored.team_id, stored.user_id, stored.report) == ("T1", "U1", report)
    assert storage.slack.get_check(check_id + 1) is None
