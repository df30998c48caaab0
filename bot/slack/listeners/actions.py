"""Button clicks: share an answer in the channel, feedback, "Rewrite in plain words", the
pages of `/jargon list`, and App Home's audience select. Each checks that what it names
belongs to the workspace of the click."""

from __future__ import annotations

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot.answer import Answer, Citation
from bot.slack import blocks, conversation
from bot.slack.audience import choose_from_home
from bot.slack.home_blocks import ACTION_AUDIENCE, ACTION_TERMS_PAGE
from bot.slack.listeners import views
from bot.slack.terms import manage_terms
from bot.storage.slack_state import StoredAnswer

NOT_A_MEMBER = {"not_in_channel", "channel_not_found"}


def register(app: App) -> None:
    app.action(blocks.ACTION_SHARE)(ack=_ack, lazy=[share_answer])
    app.action(blocks.ACTION_HELPFUL)(ack=_ack, lazy=[record_helpful])
    app.action(blocks.ACTION_NOT_HELPFUL)(ack=_ack, lazy=[record_not_helpful])
    app.action(blocks.ACTION_REWRITE)(ack=_ack, lazy=[rewrite_plain])
    app.action(ACTION_TERMS_PAGE)(ack=_ack, lazy=[show_terms_page])
    app.action(ACTION_AUDIENCE)(ack=_ack, lazy=[choose_audience])


def _ack(ack):
    ack()


def _number(action) -> int | None:
    value = action.get("value") or ""
    return int(value) if value.isdigit() else None


def share_answer(action, body, context, client, respond):
    tell = _tell(respond)
    with conversation.apologizing("sharing the answer", tell):
        answer_id = _number(action)
        state = context["coach"].storage().slack
        stored = state.get_answer(answer_id) if answer_id is not None else None
        if stored is None or stored.team_id != (context.team_id or ""):
            tell("That answer is no longer available; ask again to share it.")
            return
        channel = (body.get("channel") or {}).get("id") or body.get("container", {}).get(
            "channel_id")
        shared = _as_answer(stored)
        message = {"text": blocks.answer_text(shared),
                   "blocks": blocks.answer_blocks(shared, answer_id=stored.id,
                                                  shared_by=context.user_id or "")}
        try:
            client.chat_postMessage(channel=channel, **message)
        except SlackApiError as exc:
            if exc.response.get("error") not in NOT_A_MEMBER:
                raise
            # Not invited to this channel: the command's response_url can still post there.
            respond(response_type="in_channel", replace_original=False, **message)
        respond(response_type="ephemeral", replace_original=True, text="Shared in the channel.")


def record_helpful(action, context, respond):
    _record(action, context, respond, helpful=True)


def record_not_helpful(action, context, respond):
    _record(action, context, respond, helpful=False)


def _record(action, context, respond, *, helpful: bool):
    tell = _tell(respond)
    with conversation.apologizing("saving your feedback", tell):
        answer_id = _number(action)
        state = context["coach"].storage().slack
        saved = answer_id is not None and state.record_feedback(
            answer_id, context.user_id or "", helpful, team_id=context.team_id or "")
        if not saved:
            tell("That answer is no longer available, so the feedback was not saved.")
            return
        tell("Thanks, noted as helpful." if helpful else
             "Thanks, noted as not helpful. Rephrasing the question can help.")


def rewrite_plain(action, context, respond):
    tell = _tell(respond)
    with conversation.apologizing("rewriting your draft", tell):
        check_id = _number(action)
        message = conversation.rewrite_message(context["coach"], context.team_id or "",
                                               check_id) if check_id is not None else \
            "That report is no longer available; check the draft again."
        if isinstance(message, str):
            tell(message)
            return
        respond(response_type="ephemeral", replace_original=False, **message)


def show_terms_page(action, context, client, respond):
    with conversation.apologizing("listing the terms", _tell(respond)):
        page = _number(action) or 1
        reply = manage_terms(context["coach"], client, context["term_policy"],
                             team_id=context.team_id or "", user_id=context.user_id or "",
                             verb="list", spec="", page=page)
        respond(response_type="ephemeral", replace_original=True, **reply)


def choose_audience(action, context, client):
    """App Home's select: store the person's audience and show their home again. App Home
    has no response_url, so a reply (an unknown name, an apology) goes to the app's DM."""
    coach, team_id, user_id = context["coach"], context.team_id or "", context.user_id or ""
    tell = lambda text: client.chat_postMessage(channel=user_id, text=text)  # noqa: E731
    with conversation.apologizing("saving your audience", tell):
        name = (action.get("selected_option") or {}).get("value") or ""
        problem = choose_from_home(coach, team_id, user_id, name)
        if problem:
            tell(problem)
            return
        client.views_publish(user_id=user_id, view=views.home_view(coach, team_id, user_id))


def _as_answer(stored: StoredAnswer) -> Answer:
    citations = [Citation(source=c.get("source", ""), title=c.get("title", ""),
                          locator=c.get("locator", ""), text=c.get("text", ""),
                          score=c.get("score", 0.0), quote=c.get("quote", ""))
                 for c in stored.citations]
    return Answer(stored.question, stored.answered, stored.answer, citations)


def _tell(respond):
    return lambda text: respond(response_type="ephemeral", replace_original=False, text=text)
