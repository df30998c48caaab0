"""Events: direct messages (a coaching conversation), mentions in channels, App Home, and
the app's removal from a workspace (uninstall, revoked tokens).

Events are acknowledged at once; the work runs after the ack in Bolt's listener threads.
Messages from bots (this one included), edits, deletions and other subtypes are ignored;
a thread reply also sent to the conversation (`thread_broadcast`) is answered like any
other. Threaded DM follow-ups are handled by the Assistant listeners (`assistant.py`).
"""

from __future__ import annotations

import logging

from slack_bolt import App

from bot.slack import conversation, oauth
from bot.slack.listeners import views

log = logging.getLogger(__name__)

ANSWERED_SUBTYPES = {None, "file_share", "thread_broadcast"}


def register(app: App) -> None:
    app.event("app_mention")(ack=_ack, lazy=[answer_mention])
    app.event("message")(ack=_ack, lazy=[answer_direct_message])
    app.event("app_home_opened")(ack=_ack, lazy=[publish_home])
    store = app.installation_store

    def uninstalled(context):
        oauth.forget_workspace(context["coach"], store, context.enterprise_id,
                               context.team_id or "", reason="app_uninstalled")

    def tokens_revoked(event, context):
        oauth.revoke_tokens(context["coach"], store, event, context.enterprise_id,
                            context.team_id or "")

    app.event("app_uninstalled")(ack=_ack, lazy=[uninstalled])
    app.event("tokens_revoked")(ack=_ack, lazy=[tokens_revoked])


def _ack(ack):
    ack()


def is_person_message(event: dict) -> bool:
    return event.get("subtype") in ANSWERED_SUBTYPES and not event.get("bot_id") \
        and not event.get("bot_profile") and bool(event.get("user"))


def answer_mention(event, context, client):
    if not is_person_message(event) or event.get("edited"):
        return
    conversation.converse(context["coach"], client, team_id=context.team_id or "",
                          user_id=event["user"], channel=event["channel"],
                          thread_ts=event.get("thread_ts") or event["ts"], event=event,
                          surface="mention", bot_user_id=context.bot_user_id)


def answer_direct_message(event, context, client):
    if event.get("channel_type") != "im" or not is_person_message(event):
        return
    conversation.converse(context["coach"], client, team_id=context.team_id or "",
                          user_id=event["user"], channel=event["channel"],
                          thread_ts=event.get("thread_ts") or event["ts"], event=event,
                          surface="dm")


def publish_home(event, context, client):
    if event.get("tab", "home") != "home":
        return
    try:
        client.views_publish(user_id=event["user"],
                             view=views.home_view(context["coach"], context.team_id or "",
                                                  event["user"]))
    except Exception:
        log.exception("could not publish App Home for %s", event.get("user"))
