"""Views: the App Home tab and the "Show all" modal for answers too long for a message."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App

from bot.slack import blocks, store

log = logging.getLogger(__name__)


def register(app: App) -> None:
    app.action(blocks.ACTION_SHOW_ALL)(show_all)


def show_all(ack, action, body, client, context, logger, respond):
    """Open the whole answer in a modal (trigger ids expire in 3 s, so this runs at once)."""
    ack()
    kind, _, ref = (action.get("value") or "").partition(":")
    view = full_answer_modal(context["settings"], int(ref)) if kind == "answer" and \
        ref.isdigit() else None
    if view is None:
        logger.warning("show_all for an unknown answer %r", action.get("value"))
        respond(response_type="ephemeral", replace_original=False,
                text="That answer is no longer available; ask again to see it in full.")
        return
    client.views_open(trigger_id=body["trigger_id"], view=view)


def home_view(settings, team_id: str) -> dict[str, Any]:
    with store.connect(settings.db_path) as db:
        top = store.top_questions(db, team_id)
        helpful, not_helpful = store.feedback_counts(db, team_id)
        term_count = _term_count(db, team_id)
    return blocks.home_view(term_count=term_count, top=top, helpful=helpful,
                            not_helpful=not_helpful)


def _term_count(db, team_id: str) -> int | None:
    """How many terms the workspace added; None (and a log line) when that cannot be read."""
    try:
        from bot.jargon import store as terms

        return len(terms.list_terms(db, team_id))
    except Exception:
        log.exception("could not count the workspace's terms for App Home")
        return None


def full_answer_modal(settings, answer_id: int) -> dict[str, Any] | None:
    with store.connect(settings.db_path) as db:
        stored = store.get_answer(db, answer_id)
    if stored is None:
        return None
    quotes = "\n\n".join(f"> {blocks.escape(c.get('quote') or c.get('text', ''))}\n"
                         f"[{n}] {blocks.escape(c.get('locator', ''))}"
                         for n, c in enumerate(stored.citations, start=1))
    view = blocks.full_text_modal("Full answer", blocks.escape(stored.answer) +
                                  ("\n\n" + quotes if quotes else ""))
    view["callback_id"] = "full_text"
    return view
