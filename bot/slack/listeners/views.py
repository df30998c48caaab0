"""Views: the App Home tab and the "Show all" modal for answers too long for a message."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App

from bot.service import Coach
from bot.slack import blocks

log = logging.getLogger(__name__)


def register(app: App) -> None:
    app.action(blocks.ACTION_SHOW_ALL)(show_all)


def show_all(ack, action, body, client, context, logger, respond):
    """Open the whole answer in a modal (trigger ids expire in 3 s, so this runs at once)."""
    ack()
    kind, _, ref = (action.get("value") or "").partition(":")
    view = full_answer_modal(context["coach"], int(ref)) if kind == "answer" and \
        ref.isdigit() else None
    if view is None:
        logger.warning("show_all for an unknown answer %r", action.get("value"))
        respond(response_type="ephemeral", replace_original=False,
                text="That answer is no longer available; ask again to see it in full.")
        return
    client.views_open(trigger_id=body["trigger_id"], view=view)


def home_view(coach: Coach, team_id: str) -> dict[str, Any]:
    state = coach.storage().slack
    top = state.top_questions(team_id)
    helpful, not_helpful = state.feedback_counts(team_id)
    return blocks.home_view(term_count=_term_count(coach, team_id), top=top, helpful=helpful,
                            not_helpful=not_helpful)


def _term_count(coach: Coach, team_id: str) -> int | None:
    """How many terms the workspace added; None (and a log line) when that cannot be read."""
    try:
        return len(coach.storage().team_terms.list(team_id))
    except Exception:
        log.exception("could not count the workspace's terms for App Home")
        return None


def full_answer_modal(coach: Coach, answer_id: int) -> dict[str, Any] | None:
    stored = coach.storage().slack.get_answer(answer_id)
    if stored is None:
        return None
    quotes = "\n\n".join(f"> {blocks.escape(c.get('quote') or c.get('text', ''))}\n"
                         f"[{n}] {blocks.escape(c.get('locator', ''))}"
                         for n, c in enumerate(stored.citations, start=1))
    view = blocks.full_text_modal("Full answer", blocks.escape(stored.answer) +
                                  ("\n\n" + quotes if quotes else ""))
    view["callback_id"] = "full_text"
    return view
