"""The shared state: team terms and everything the Slack app remembers.

One storage interface over two databases, chosen by the settings: the SQLite file at
CIO_COACH_DB (the default) or PostgreSQL (DATABASE_URL). The SQL is written once with
SQLAlchemy Core; only the engine, the lock behind migrations and a few upserts differ.
`engine.migrate` applies the migrations (also `cio-coach db migrate`); `transfer.copy_state`
moves the whole state from one database to another (`cio-coach db copy`).

    storage = open_storage(settings)
    storage.team_terms.add(team_id, "VPN", "secure connection")
    storage.slack.claim_event(event_id, team_id)
    storage.audiences.set_person(team_id, user_id, "finance")
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine

from bot.config import Settings
from bot.storage.audiences import AudienceChoice, AudienceChoices
from bot.storage.engine import shared_engine
from bot.storage.slack_state import SlackState
from bot.storage.team_terms import TeamTerm, TeamTerms, TermChange, TermError

__all__ = ["AudienceChoice", "AudienceChoices", "Storage", "TeamTerm", "TermChange",
           "TermError", "open_storage"]


@dataclass
class Storage:
    engine: Engine
    team_terms: TeamTerms
    slack: SlackState
    audiences: AudienceChoices = field(init=False)  # made from the engine

    def __post_init__(self) -> None:
        self.audiences = AudienceChoices(self.engine)


_opened: dict[int, Storage] = {}


def open_storage(settings: Settings) -> Storage:
    """This process's storage for the settings (migrated on first use)."""
    engine = shared_engine(settings)
    storage = _opened.get(id(engine))
    if storage is None or storage.engine is not engine:
        storage = _opened[id(engine)] = Storage(engine, TeamTerms(engine), SlackState(engine))
    return storage
