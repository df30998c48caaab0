"""Views: App Home, and the "Show all" modal for an answer or a jargon report too long
for a message.

"Show all" is acknowledged first; the modal is then opened at once from a small pool of
its own (not behind answers being prepared), waiting for the workspace's budget only as
long as the trigger_id lives (3 s from the click) and never retried past that. If it
cannot be opened in time the person is told to press the button again.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from slack_bolt import App

from bot.service import Coach, report_from_json
from bot.slack import blocks, home_blocks, lifecycle, report_blocks
from bot.slack.budget import NoBudget

log = logging.getLogger(__name__)

TRIGGER_SECONDS = 3.0  # a trigger_id's life
TRIGGER_MARGIN = 0.4
GONE = "That is no longer available; ask again (or check the draft again) to see it in full."
BUSY = "Slack is busy just now, so the full text could not be opened. Press the button again."

_modals = lifecycle.pool("slack-modal", 2)


def register(app: App) -> None:
    app.action(blocks.ACTION_SHOW_ALL)(show_all)


def show_all(ack, action, body, client, context, respond):
    """Acknowledge, then open the modal from the modal pool while the trigger lives."""
    received = client.budget.clock() if hasattr(client, "budget") else time.monotonic()
    ack()
    _modals.submit(open_modal, context["coach"], client, context.team_id or "",
                   action.get("value") or "", body.get("trigger_id") or "",
                   received + TRIGGER_SECONDS - TRIGGER_MARGIN, respond)


def open_modal(coach: Coach, client, team_id: str, value: str, trigger_id: str,
               deadline: float, respond) -> None:
    tell = lambda text: respond(response_type="ephemeral",  # noqa: E731
                                replace_original=False, text=text)
    try:
        view = modal_for(coach, team_id, value)
        if view is None:
            log.warning("show_all for something unknown or another workspace's: %r", value)
            tell(GONE)
            return
        quick = client.until(deadline) if hasattr(client, "until") else client
        quick.views_open(trigger_id=trigger_id, view=view)
    except NoBudget:
        log.warning("views.open skipped: no budget before the trigger expired (%s)", team_id)
        tell(BUSY)
    except Exception:
        log.exception("could not open the full text")
        try:
            tell(BUSY)
        except Exception:
            log.exception("could not tell the person either")


def modal_for(coach: Coach, team_id: str, value: str) -> dict[str, Any] | None:
    kind, _, ref = value.partition(":")
    if not ref.isdigit():
        return None
    if kind == "answer":
        return full_answer_modal(coach, team_id, int(ref))
    if kind == "check":
        stored = coach.storage().slack.get_check(int(ref))
        if stored is None or stored.team_id != team_id:
            return None
        return report_blocks.full_report_modal(stored.draft, report_from_json(stored.report))
    return None


def home_view(coach: Coach, team_id: str, user_id: str) -> dict[str, Any]:
    """The viewer's App Home: their own recent questions and audience, the workspace as
    figures."""
    state = coach.storage().slack
    asked, people = state.week_counts(team_id)
    helpful, not_helpful = state.feedback_counts(team_id)
    return home_blocks.home_view(recent=state.recent_questions(team_id, user_id),
                                 asked=asked, people=people, topics=state.topics(team_id),
                                 term_count=_term_count(coach, team_id), helpful=helpful,
                                 not_helpful=not_helpful,
                                 audience=_audience(coach, team_id, user_id),
                                 audiences=coach.audience_names())


def _term_count(coach: Coach, team_id: str) -> int | None:
    """How many terms the workspace added; None (and a log line) when that cannot be read."""
    try:
        return len(coach.storage().team_terms.list(team_id))
    except Exception:
        log.exception("could not count the workspace's terms for App Home")
        return None


def _audience(coach: Coach, team_id: str, user_id: str):
    """The viewer's audience choice; None (and a log line) when it cannot be read."""
    try:
        return coach.audience_choice(team_id, user_id)
    except Exception:
        log.exception("could not read the audience choice for App Home")
        return None


def full_answer_modal(coach: Coach, team_id: str, answer_id: int) -> dict[str, Any] | None:
    stored = coach.storage().slack.get_answer(answer_id)
    if stored is None or stored.team_id != team_id:
        return None
    quotes = "\n\n".join(f"> {blocks.escape(c.get('quote') or c.get('text', ''))}\n"
                         f"[{n}] {blocks.escape(c.get('locator', ''))}"
                         for n, c in enumerate(stored.citations, start=1))
    view = blocks.full_text_modal("Full answer", blocks.escape(stored.answer) +
                                  ("\n\n" + quotes if quotes else ""))
    view["callback_id"] = "full_text"
    return view
