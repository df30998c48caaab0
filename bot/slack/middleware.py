"""Bolt middleware: the use cases and settings in every listener's context, a Web API
client that keeps to the workspace's budget, a `respond` that retries and raises, and each
event answered once across retries, restarts and hosts.
"""

from __future__ import annotations

import threading

from slack_bolt import BoltResponse
from slack_bolt.context.respond import Respond
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.errors import CioCoachError
from bot.service import Coach
from bot.slack.client import BudgetedClient
from bot.slack.terms import TermPolicy


def webhook_retry_handlers() -> list:
    """For response_url posts (not Web API calls, so not budgeted): 429s after Retry-After,
    5xx and dropped connections a few times."""
    return [
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=3),
        ServerErrorRetryHandler(max_retry_count=2),
    ]


def with_coach(coach: Coach, term_policy: TermPolicy):
    def attach_coach(context, next):
        context["coach"] = coach
        context["term_policy"] = term_policy
        next()

    return attach_coach


def budgeted_client(context, next):
    """Every Web API call a listener makes takes from the workspace's budget."""
    if context.client is not None and not isinstance(context.client, BudgetedClient):
        context["client"] = BudgetedClient.for_team(context.client, context.team_id or "")
    next()


class ResponseUrlError(CioCoachError):
    """A response_url post failed even after the retries."""


class CheckedRespond(Respond):
    """Bolt's `respond()` through slack-sdk's WebhookClient with the same retry handlers as
    Web API calls, raising when the post still fails (Bolt's returns the failed response,
    which would leave the person without a reply and the log without a line)."""

    def __call__(self, text: str = "", **fields):  # type: ignore[override]
        from slack_sdk.webhook import WebhookClient

        if self.response_url is None:
            raise ValueError("respond is unsupported here as there is no response_url")
        client = WebhookClient(self.response_url, proxy=self.proxy, ssl=self.ssl,
                               retry_handlers=webhook_retry_handlers())
        response = client.send(text=text, **fields)
        if response.status_code != 200:
            raise ResponseUrlError(f"response_url answered HTTP {response.status_code}: "
                                   f"{response.body[:200]}")
        return response


def checked_respond(context, next):
    if context.response_url:
        context["respond"] = CheckedRespond(response_url=context.response_url,
                                            proxy=context.client.proxy,
                                            ssl=context.client.ssl)
    next()


_claiming = threading.Lock()


def dedupe_events(body, context, next, logger):
    """Slack retries events it thinks were lost: answer each event id once. With the
    database down the event goes on unrecorded, so that its listener can tell the person
    to try again (a failure here would be an HTTP 500 and silence)."""
    event_id = body.get("event_id") if body.get("type") == "event_callback" else None
    if event_id:
        try:
            # One claim at a time within the process: threads queue here rather than in
            # SQLite's busy handler, whose sleeps (up to 100 ms) would delay acks.
            with _claiming:
                first = context["coach"].storage().slack.claim_event(event_id,
                                                                     context.team_id or "")
        except Exception:
            logger.exception("could not record event %s; handling it anyway", event_id)
            first = True
        if not first:
            logger.info("event %s already handled; skipping the retry", event_id)
            return BoltResponse(status=200, body="")
    next()
