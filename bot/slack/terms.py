"""A workspace's own terms from Slack: `/jargon add`, `/jargon remove`, `/jargon list`,
and who may change them (the same rule governs every workspace-wide setting, such as the
default audience in `slack/audience.py`).

By default only workspace admins and owners change the terms (their role comes from
`users.info`, scope `users:read`, cached for a few minutes); SLACK_TERM_EDITORS can say
"everyone" (full members; guests never) or list user ids, alone or with "admins".
Everyone may list the terms. Every change is recorded (who, when, what) by
`storage.team_terms` and shown at the end of `/jargon list`.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from bot.config import ConfigError
from bot.service import Coach
from bot.slack import blocks
from bot.slack.home_blocks import terms_list_message
from bot.storage import TermError

log = logging.getLogger(__name__)

ROLE_SECONDS = 300
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")
_TERM_SPEC = re.compile(r"^(?P<term>.+?)\s*(?:=|->|→|:)\s*(?P<plain>.+)$", re.DOTALL)


@dataclass(frozen=True)
class TermPolicy:
    admins: bool = True
    everyone: bool = False
    users: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def parse(cls, raw: str) -> TermPolicy:
        """SLACK_TERM_EDITORS: "admins" (the default), "everyone", or user ids, separated
        by commas; ConfigError naming the variable for anything else."""
        words = [w for w in re.split(r"[,\s]+", raw.strip()) if w] or ["admins"]
        bad = [w for w in words if w.lower() not in ("admins", "everyone")
               and not USER_ID.match(w)]
        if bad:
            raise ConfigError("SLACK_TERM_EDITORS must be admins, everyone or Slack user ids "
                              f"(U...), separated by commas; got {bad[0]!r}")
        lowered = {w.lower() for w in words}
        return cls(admins="admins" in lowered, everyone="everyone" in lowered,
                   users=frozenset(w for w in words if USER_ID.match(w)))

    def describe(self, what: str = "terms") -> str:
        """Who may change the workspace's `what` (its terms, or another workspace-wide
        setting: the same rule governs them all)."""
        if self.everyone:
            return f"Every member of the workspace (not guests) can change its {what}."
        who = ["workspace admins and owners"] if self.admins else []
        if self.users:
            who.append(f"{len(self.users)} named member{'s' if len(self.users) != 1 else ''}")
        return f"Only {' and '.join(who) or 'nobody'} can change this workspace's {what}."


class Roles:
    """users.info answers, kept a few minutes per workspace and person."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], tuple[float, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def of(self, client, team_id: str, user_id: str) -> dict[str, Any]:
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get((team_id, user_id))
        if hit and hit[0] > now:
            return hit[1]
        user = client.users_info(user=user_id).get("user") or {}
        with self._lock:
            self._cache[(team_id, user_id)] = (now + ROLE_SECONDS, user)
        return user


roles = Roles()


def may_edit(policy: TermPolicy, client, team_id: str, user_id: str) -> bool:
    if user_id in policy.users:
        return True
    if not (policy.admins or policy.everyone):
        return False
    user = roles.of(client, team_id, user_id)
    if user.get("is_restricted") or user.get("is_ultra_restricted"):
        return False  # guests never change a workspace's terms
    if policy.everyone:
        return True
    return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))


def refusal(policy: TermPolicy, what: str = "terms",
            instead: str = "check any draft with `/jargon <draft>`") -> str:
    return blocks.escape(f"{policy.describe(what)} Ask one of them to make this change; you "
                         f"can still {instead}.")


def manage_terms(coach: Coach, client, policy: TermPolicy, *, team_id: str, user_id: str,
                 verb: str, spec: str, page: int = 1) -> dict[str, Any]:
    """The reply to `/jargon add|remove|list` (and the list's page buttons)."""
    terms = coach.storage().team_terms
    if verb == "list":
        return terms_list_message(terms.list(team_id), terms.changes(team_id), page,
                                  policy.describe())
    if not may_edit(policy, client, team_id, user_id):
        log.info("refused a term change by %s in %s (policy)", user_id, team_id)
        return {"text": refusal(policy)}
    try:
        return {"text": _change(terms, team_id, user_id, verb, spec)}
    except TermError as exc:  # the person's input: say what is wrong with it
        return {"text": blocks.escape(str(exc))}


def _change(terms, team_id: str, user_id: str, verb: str, spec: str) -> str:
    if verb == "add":
        match = _TERM_SPEC.match(spec.strip())
        if not match:
            return blocks.escape("Write it as `/jargon add <term> = <plain words>`.")
        added = terms.add(team_id, match["term"].strip(), match["plain"].strip(),
                          user_id=user_id)
        return (f"Added *{blocks.escape(added.term)}* → {blocks.escape(added.instead)}"
                " for this workspace.")
    term = spec.strip()
    if not terms.remove(team_id, term, user_id=user_id):
        return f"*{blocks.escape(term)}* was not in this workspace's terms."
    return f"Removed *{blocks.escape(term)}* from this workspace's jargon check."
