"""Button clicks: share an answer in the channel, feedback, "Rewrite in plain words"."""

from __future__ import annotations

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot.slack import blocks, coach, store

NOT_A_MEMBER = {"not_in_channel", "channel_not_found"}


def register(app: App) -> None:
    app.action(blocks.ACTION_SHARE)(ack=_ack, lazy=[share_answer])
    app.action(blocks.ACTION_HELPFUL)(ack=_ack, lazy=[record_helpful])
    app.action(blocks.ACTION_NOT_HELPFUL)(ack=_ack, lazy=[record_not_helpful])
    app.action(blocks.ACTION_REWRITE)(ack=_ack, lazy=[rewrite_plain])


def _ack(ack):
    ack()


def _answer_id(action) -> int | None:
    value = action.get("value") or ""
    return int(value) if value.isdigit() else None


def share_answer(action, body, context, client, respond):
    settings = context["settings"]
    tell = _tell(respond)
    with coach.apologizing("sharing the answer", tell):
        answer_id = _answer_id(action)
        with store.connect(settings.db_path) as db:
            stored = store.get_answer(db, answer_id) if answer_id is not None else None
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
    settings = context["settings"]
    tell = _tell(respond)
    with coach.apologizing("saving your feedback", tell):
        answer_id = _answer_id(action)
        with store.connect(settings.db_path) as db:
            saved = answer_id is not None and store.record_feedback(
                db, answer_id, context.user_id or "", helpful)
        if not saved:
            tell("That answer is no longer available, so the feedback was not saved.")
            return
        tell("Thanks, noted as helpful." if helpful else
             "Thanks, noted as not helpful. Rephrasing the question can help.")


def rewrite_plain(action, context, respond):
    from bot.jargon import check
    from bot.llm.rewrite import rewrite_draft

    settings = context["settings"]
    tell = _tell(respond)
    with coach.apologizing("rewriting your draft", tell):
        draft = action.get("value") or ""
        checker = coach.team_checker(settings, context.team_id or "")
        report = check(draft, checker=checker)
        rewritten = rewrite_draft(report, settings, checker=checker)
        if not rewritten.text.strip():
            tell("There is no rewrite to offer for this draft.")
            return
        shown = blocks.sections("*Rewritten in plain words*\n" + blocks.escape(rewritten.text))
        if rewritten.guard:
            shown.append(blocks.context("The model's rewrite did not pass the checks "
                                        f"({blocks.escape(rewritten.guard)}), so this is "
                                        "the word-for-word substitution."))
        respond(response_type="ephemeral", replace_original=False,
                text=blocks.fallback_text(blocks.escape(rewritten.text)),
                blocks=blocks.fit_message(shown))


def _as_answer(stored: store.StoredAnswer):
    from bot.answer import Answer, Citation

    citations = [Citation(source=c.get("source", ""), title=c.get("title", ""),
                          locator=c.get("locator", ""), text=c.get("text", ""),
                          score=c.get("score", 0.0), quote=c.get("quote", ""))
                 for c in stored.citations]
    return Answer(stored.question, stored.answered, stored.answer, citations)


def _tell(respond):
    return lambda text: respond(response_type="ephemeral", replace_original=False, text=text)
