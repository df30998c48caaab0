"""What the Slack app remembers, keyed by workspace (team id): answers given (so buttons
carry only an id), jargon reports shown (so "Rewrite" works from the findings the person
saw), conversation turns per DM thread, feedback clicks, processed event ids (dedupe across
retries, restarts and hosts) and the asked-questions log behind App Home.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select

from bot.storage.schema import answers, checks, events, feedback, questions, turns
from bot.storage.upsert import insert_new

EVENT_KEEP_SECONDS = 7 * 24 * 3600  # Slack retries within minutes; a week is ample
PRUNE_CHANCE = 0.01
WEEK_SECONDS = 7 * 24 * 3600


@dataclass
class StoredAnswer:
    id: int
    team_id: str
    user_id: str
    question: str
    answer: str
    citations: list[dict[str, Any]]
    answered: bool


@dataclass
class StoredCheck:
    id: int
    team_id: str
    user_id: str
    draft: str
    report: dict[str, Any]


@dataclass
class StoredTurn:
    question: str
    answer: str


class SlackState:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # --- events -----------------------------------------------------------------------

    def claim_event(self, event_id: str, team_id: str = "") -> bool:
        """True the first time `event_id` is seen (by any process or host), False after."""
        now = time.time()
        with self.engine.begin() as conn:
            claimed = insert_new(conn, events, {"event_id": event_id, "team_id": team_id,
                                                "received_at": now}, keys=("event_id",))
        if claimed and random.random() < PRUNE_CHANCE:  # now and then, not on every event
            self.prune_events(now - EVENT_KEEP_SECONDS)
        return claimed

    def prune_events(self, older_than: float) -> int:
        """Forget event ids received before `older_than`; returns how many."""
        with self.engine.begin() as conn:
            return conn.execute(delete(events).where(events.c.received_at < older_than)
                                ).rowcount

    # --- answers and reports shown ----------------------------------------------------

    def record_answer(self, team_id: str, user_id: str, question: str, answer: str,
                      citations: list[dict[str, Any]], answered: bool) -> int:
        with self.engine.begin() as conn:
            return conn.execute(insert(answers).values(
                team_id=team_id, user_id=user_id, question=question, answer=answer,
                citations=json.dumps(citations, ensure_ascii=False), answered=int(answered),
                created_at=time.time())).inserted_primary_key[0]

    def get_answer(self, answer_id: int) -> StoredAnswer | None:
        c = answers.c
        with self.engine.connect() as conn:
            row = conn.execute(select(c.id, c.team_id, c.user_id, c.question, c.answer,
                                      c.citations, c.answered).where(c.id == answer_id)
                               ).first()
        if row is None:
            return None
        return StoredAnswer(row.id, row.team_id, row.user_id, row.question, row.answer,
                            json.loads(row.citations or "[]"), bool(row.answered))

    def record_check(self, team_id: str, user_id: str, draft: str,
                     report: dict[str, Any]) -> int:
        with self.engine.begin() as conn:
            return conn.execute(insert(checks).values(
                team_id=team_id, user_id=user_id, draft=draft,
                report=json.dumps(report, ensure_ascii=False),
                created_at=time.time())).inserted_primary_key[0]

    def get_check(self, check_id: int) -> StoredCheck | None:
        c = checks.c
        with self.engine.connect() as conn:
            row = conn.execute(select(c.id, c.team_id, c.user_id, c.draft, c.report)
                               .where(c.id == check_id)).first()
        if row is None:
            return None
        return StoredCheck(row.id, row.team_id, row.user_id, row.draft, json.loads(row.report))

    # --- questions and conversations ---------------------------------------------------

    def log_question(self, team_id: str, user_id: str, surface: str, question: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(questions).values(team_id=team_id, user_id=user_id,
                                                  surface=surface, question=question.strip(),
                                                  asked_at=time.time()))

    def top_questions(self, team_id: str, *, since: float | None = None,
                      limit: int = 5) -> list[tuple[str, int]]:
        """The most asked questions in the workspace since `since` (default: 7 days)."""
        since = time.time() - WEEK_SECONDS if since is None else since
        c = questions.c
        n = func.count().label("n")
        with self.engine.connect() as conn:
            rows = conn.execute(select(func.min(c.question), n)
                                .where(c.team_id == team_id, c.asked_at >= since)
                                .group_by(func.lower(c.question))
                                .order_by(n.desc(), func.max(c.asked_at).desc()).limit(limit))
            return [(q, count) for q, count in rows]

    def add_turn(self, team_id: str, channel: str, thread_ts: str, question: str,
                 answer: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(turns).values(team_id=team_id, channel=channel,
                                              thread_ts=thread_ts, question=question,
                                              answer=answer, created_at=time.time()))

    def thread_history(self, team_id: str, channel: str, thread_ts: str, *,
                       limit: int = 6) -> list[StoredTurn]:
        """The last `limit` turns of a thread, oldest first."""
        c = turns.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(c.question, c.answer)
                                .where(c.team_id == team_id, c.channel == channel,
                                       c.thread_ts == thread_ts)
                                .order_by(c.id.desc()).limit(limit)).all()
        return [StoredTurn(q, a) for q, a in reversed(rows)]

    # --- feedback ---------------------------------------------------------------------

    def record_feedback(self, answer_id: int, user_id: str, helpful: bool) -> bool:
        """Store a click with the question, answer and citations; False if the answer is
        unknown. A person's later click on the same answer replaces the earlier one."""
        stored = self.get_answer(answer_id)
        if stored is None:
            return False
        with self.engine.begin() as conn:
            conn.execute(delete(feedback).where(feedback.c.answer_id == answer_id,
                                                feedback.c.user_id == user_id))
            conn.execute(insert(feedback).values(
                team_id=stored.team_id, answer_id=answer_id, user_id=user_id,
                helpful=int(helpful), question=stored.question, answer=stored.answer,
                citations=json.dumps(stored.citations, ensure_ascii=False),
                created_at=time.time()))
        return True

    def feedback_counts(self, team_id: str) -> tuple[int, int]:
        """(helpful, not helpful) clicks in the workspace."""
        c = feedback.c
        with self.engine.connect() as conn:
            row = conn.execute(select(func.coalesce(func.sum(c.helpful), 0),
                                      func.coalesce(func.sum(1 - c.helpful), 0))
                               .where(c.team_id == team_id)).one()
        return int(row[0]), int(row[1])
