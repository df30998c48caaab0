"""Who reads a person's drafts: the audience each person chose for the jargon check (per
workspace and person), and a workspace's default for the people who chose none.

Only names are stored here; `bot.service.Coach` checks them against the audience data
files. Clearing a choice deletes its row. A person's row goes with `forget_user`, a
workspace's rows with `forget_team` (both called by `slack_state` inside its transaction),
and both are exported with the workspace's other records.

    choices = AudienceChoices(engine)
    choices.set_person("T1", "U1", "finance")
    choices.get("T1", "U1")        # AudienceChoice(person="finance", workspace=None, ...)
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, delete, select, update

from bot.storage.schema import team_audiences, user_audiences
from bot.storage.upsert import upsert

MAX_NAME_CHARS = 32
TABLES = (user_audiences, team_audiences)  # exported with a workspace's records


@dataclass(frozen=True)
class AudienceChoice:
    person: str | None = None  # the person's own choice
    workspace: str | None = None  # the workspace's default
    workspace_set_by: str = ""  # who set the default ("" when unknown or forgotten)

    @property
    def chosen(self) -> str | None:
        """The audience to check for: the person's, else the workspace's, else None."""
        return self.person or self.workspace


def _name(audience: str) -> str:
    name = audience.strip().lower()
    if not name or len(name) > MAX_NAME_CHARS:
        raise ValueError(f"an audience name is 1 to {MAX_NAME_CHARS} characters")
    return name


class AudienceChoices:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, team_id: str, user_id: str) -> AudienceChoice:
        """The person's choice and the workspace's default, read together."""
        u, t = user_audiences.c, team_audiences.c
        with self.engine.connect() as conn:
            person = conn.execute(select(u.audience).where(
                u.team_id == team_id, u.user_id == user_id)).scalar()
            row = conn.execute(select(t.audience, t.user_id).where(
                t.team_id == team_id)).first()
        return AudienceChoice(person, row.audience if row else None,
                              row.user_id if row else "")

    def set_person(self, team_id: str, user_id: str, audience: str | None) -> bool:
        """Store the person's audience; None clears it. True when something changed."""
        with self.engine.begin() as conn:
            if audience is None:
                return bool(conn.execute(delete(user_audiences).where(
                    user_audiences.c.team_id == team_id,
                    user_audiences.c.user_id == user_id)).rowcount)
            upsert(conn, user_audiences, {"team_id": team_id, "user_id": user_id,
                                          "audience": _name(audience),
                                          "updated_at": time.time()},
                   keys=("team_id", "user_id"))
        return True

    def set_workspace(self, team_id: str, audience: str | None, *, user_id: str = "") -> bool:
        """Store the workspace's default (set by `user_id`); None clears it. True when
        something changed."""
        with self.engine.begin() as conn:
            if audience is None:
                return bool(conn.execute(delete(team_audiences).where(
                    team_audiences.c.team_id == team_id)).rowcount)
            upsert(conn, team_audiences, {"team_id": team_id, "audience": _name(audience),
                                          "user_id": user_id, "updated_at": time.time()},
                   keys=("team_id",))
        return True


def forget_user(conn: Connection, user_id: str, team_id: str | None) -> dict[str, int]:
    """In `conn`'s transaction: delete the person's choices (in one workspace, or all) and
    take their id off the workspace defaults they set; rows per table."""
    def mine(table):
        return [table.c.user_id == user_id] + (
            [table.c.team_id == team_id] if team_id is not None else [])

    return {user_audiences.name: conn.execute(delete(user_audiences).where(
                *mine(user_audiences))).rowcount,
            team_audiences.name: conn.execute(update(team_audiences).where(
                *mine(team_audiences)).values(user_id="")).rowcount}


def forget_team(conn: Connection, team_id: str) -> dict[str, int]:
    """In `conn`'s transaction: delete every choice and the default of a workspace."""
    return {table.name: conn.execute(delete(table).where(table.c.team_id == team_id)
                                     ).rowcount for table in TABLES}
