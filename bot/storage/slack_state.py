"""What the Slack app remembers, keyed by workspace (team id): answers given (so buttons
carry only an id), jargon reports shown (so "Rewrite" and "Show all" work from the report
the person saw), conversation turns per DM thread, feedback clicks, processed event ids
(dedupe across retries, restarts and hosts) and the asked-questions log behind App Home.

Privacy: a person's words are only ever shown back to that person; workspace figures are
counts and topics (sections of the advice texts). Everything a person wrote is deleted
after the retention period (`purge`), on request (`forget_user`) and on uninstall
(`forget_team`); `export` gives a workspace's data as records. The jargon audiences people
chose (`storage.audiences`) go and are exported with the rest; a choice is a setting, not
words, so retention leaves it.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Table, delete, func, insert, select, update

from bot.storage import audiences
from bot.storage.schema import (
    answers,
    checks,
    events,
    feedback,
    questions,
    team_changes,
    turns,
)
from bot.storage.upsert import insert_new

EVENT_KEEP_SECONDS = 7 * 24 * 3600  # Slack retries within minutes; a week is ample
PRUNE_CHANCE = 0.01
WEEK_SECONDS = 7 * 24 * 3600
DAY_SECONDS = 24 * 3600
MIN_TOPIC_PEOPLE = 2  # a topic is shown once at least two people's answers cite it
TOPIC_SAMPLE = 2000  # answers read to find the week's topics
# (table, its time column) for everything a person wrote or was answered.
PERSONAL = ((questions, "asked_at"), (turns, "created_at"), (feedback, "created_at"),
            (answers, "created_at"), (checks, "created_at"))


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

    def add_turn(self, team_id: str, channel: str, thread_ts: str, question: str,
                 answer: str, user_id: str = "") -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(turns).values(team_id=team_id, channel=channel,
                                              thread_ts=thread_ts, question=question,
                                              answer=answer, user_id=user_id,
                                              created_at=time.time()))

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

    def record_feedback(self, answer_id: int, user_id: str, helpful: bool,
                        team_id: str | None = None) -> bool:
        """Store a click with the question, answer and citations; False if the answer is
        unknown (or, given `team_id`, another workspace's). A person's later click on the
        same answer replaces the earlier one."""
        stored = self.get_answer(answer_id)
        if stored is None or (team_id is not None and stored.team_id != team_id):
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

    # --- App Home: the viewer's own questions, the workspace's counts and topics --------

    def recent_questions(self, team_id: str, user_id: str, *, limit: int = 5) -> list[str]:
        """The person's own latest questions, newest first (for their App Home only)."""
        c = questions.c
        with self.engine.connect() as conn:
            return list(conn.execute(select(c.question).where(
                c.team_id == team_id, c.user_id == user_id).order_by(c.asked_at.desc())
                .limit(limit)).scalars())

    def week_counts(self, team_id: str, since: float | None = None) -> tuple[int, int]:
        """(questions asked, people who asked) in the workspace since `since` (a week)."""
        since = time.time() - WEEK_SECONDS if since is None else since
        c = questions.c
        with self.engine.connect() as conn:
            row = conn.execute(select(func.count(), func.count(func.distinct(c.user_id)))
                               .where(c.team_id == team_id, c.asked_at >= since)).one()
        return int(row[0]), int(row[1])

    def topics(self, team_id: str, since: float | None = None, *,
               limit: int = 5) -> list[tuple[str, int]]:
        """The sections of the advice texts the workspace's answers cited since `since`,
        with how many answers cited each; only those cited for several people."""
        since = time.time() - WEEK_SECONDS if since is None else since
        c = answers.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(c.user_id, c.citations).where(
                c.team_id == team_id, c.created_at >= since, c.answered == 1)
                .order_by(c.id.desc()).limit(TOPIC_SAMPLE)).all()
        cited: Counter[str] = Counter()
        people: dict[str, set[str]] = {}
        for user_id, raw in rows:
            for topic in {_topic(cite) for cite in json.loads(raw or "[]")} - {""}:
                cited[topic] += 1
                people.setdefault(topic, set()).add(user_id)
        return [(t, n) for t, n in cited.most_common()
                if len(people[t]) >= MIN_TOPIC_PEOPLE][:limit]

    # --- retention, deletion, export -----------------------------------------------------

    def purge(self, older_than: float) -> dict[str, int]:
        """Delete what people wrote (and were answered) before `older_than`."""
        with self.engine.begin() as conn:
            return {table.name: conn.execute(delete(table).where(
                table.c[stamp] < older_than)).rowcount for table, stamp in PERSONAL}

    def forget_user(self, user_id: str, team_id: str | None = None) -> dict[str, int]:
        """Delete one person's questions, turns, feedback, answers, reports and chosen
        audience (in one workspace, or all); their name is taken off the terms they changed
        and the workspace audiences they set."""
        def mine(table: Table):
            where = [table.c.user_id == user_id]
            return where + ([table.c.team_id == team_id] if team_id is not None else [])

        with self.engine.begin() as conn:
            counts = {table.name: conn.execute(delete(table).where(*mine(table))).rowcount
                      for table, _ in PERSONAL}
            counts[team_changes.name] = conn.execute(
                update(team_changes).where(*mine(team_changes)).values(user_id="")).rowcount
            counts.update(audiences.forget_user(conn, user_id, team_id))
        return counts

    def forget_team(self, conn: Connection, team_id: str) -> dict[str, int]:
        """Delete everything remembered for a workspace (uninstall), in `conn`'s
        transaction."""
        counts = {table.name: conn.execute(delete(table).where(table.c.team_id == team_id)
                                           ).rowcount for table in (*_tables(), events)}
        return counts | audiences.forget_team(conn, team_id)

    def export(self, team_id: str) -> Iterator[dict[str, Any]]:
        """Every record kept for a workspace, oldest first per kind, as plain dicts."""
        with self.engine.connect() as conn:
            stamps = [*PERSONAL, (team_changes, "changed_at"),
                      *((t, "updated_at") for t in audiences.TABLES)]
            for table, stamp in stamps:
                rows = conn.execute(select(table).where(table.c.team_id == team_id)
                                    .order_by(table.c[stamp]))
                for row in rows.mappings():
                    yield {"kind": table.name.removeprefix("slack_"), **dict(row)}


def _tables() -> tuple[Table, ...]:
    return tuple(table for table, _ in PERSONAL)


def _topic(citation: dict[str, Any]) -> str:
    """The section of the advice texts a citation points to: its locator without the
    text's title and the paragraph number."""
    parts = [p.strip() for p in str(citation.get("locator", "")).split("›")]
    inner = [p for p in parts[1:] if p and not p.startswith("¶")]
    return inner[-1] if inner else ""
