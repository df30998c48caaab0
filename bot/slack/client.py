"""The Web API client every listener uses: each call takes from the workspace's budget
(`bot.slack.budget`) before it goes out, and a 429 pauses that budget for everyone.

Required calls wait for their token and are retried after each 429 (once Retry-After has
passed), for up to RATE_LIMIT_PATIENCE seconds; optional calls (inside
`budget.optional_calls()`) go out only with a spare token and end at the first 429, which
the caller treats as "stop streaming".
"""

from __future__ import annotations

import logging
import time
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry import RetryHandler, RetryState
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse

from bot.slack.budget import Budget, NoBudget, budget, optional_mode

# A required call (an answer) is retried after each 429 for as long as this, as Slack asks:
# two hosts serving one workspace each spend a whole budget (docs/slack.md), so the same
# call may be told to wait several times running. The count is only a backstop.
RATE_LIMIT_PATIENCE = 300.0
RATE_LIMIT_RETRIES = 30
DEFAULT_RETRY_AFTER = 5.0
WEB_API_TIMEOUT = 15

log = logging.getLogger(__name__)


def _method_of(request: HttpRequest) -> str:
    return request.url.rstrip("/").rsplit("/", 1)[-1].split("?")[0]


def retry_after(response: HttpResponse) -> float:
    for name, values in response.headers.items():
        if name.lower() == "retry-after":
            value = values[0] if isinstance(values, list) else values
            try:
                return max(0.0, float(value))
            except ValueError:
                break
    return DEFAULT_RETRY_AFTER


class BudgetedRateLimitHandler(RetryHandler):
    """On a 429: pause the workspace's budget for the method as long as Slack asks; retry a
    required call once the budget gives it a token again; never retry an optional one."""

    def __init__(self, team: str, shared: Budget = budget,
                 max_retry_count: int = RATE_LIMIT_RETRIES,
                 patience: float = RATE_LIMIT_PATIENCE) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.team = team
        self.budget = shared
        self.patience = patience

    def can_retry(self, *, state: RetryState, request: HttpRequest,
                  response: HttpResponse | None = None,
                  error: Exception | None = None) -> bool:
        if response is None or response.status_code != 429:
            return False
        method = _method_of(request)
        seconds = retry_after(response)
        self.budget.pause(self.team, method, seconds)
        log.warning("Slack rate-limited %s for workspace %s; pausing it %.0f s",
                    method, self.team or "-", seconds)
        if optional_mode() or state.current_attempt >= self.max_retry_count:
            return False
        return self._waited(state) + seconds <= self.patience

    @staticmethod
    def _waited(state: RetryState) -> float:
        """Seconds since this call's first 429."""
        if state.custom_values is None:
            state.custom_values = {}
        first = state.custom_values.setdefault("first_rate_limit", time.monotonic())
        return time.monotonic() - first

    def _can_retry(self, **kwargs: Any) -> bool:  # can_retry above decides
        return False

    def prepare_for_next_attempt(self, *, state: RetryState, request: HttpRequest,
                                 response: HttpResponse | None = None,
                                 error: Exception | None = None) -> None:
        state.next_attempt_requested = True
        self.budget.take(self.team, _method_of(request))
        state.increment_current_attempt()


def retry_handlers(team: str = "") -> list[RetryHandler]:
    """Retry as Slack asks: 429s after Retry-After (through the budget), 5xx and dropped
    connections a few times."""
    return [ConnectionErrorRetryHandler(max_retry_count=2),
            BudgetedRateLimitHandler(team),
            ServerErrorRetryHandler(max_retry_count=2)]


def _channel_of(kwargs: dict[str, Any]) -> str:
    for key in ("json", "params", "data"):
        values = kwargs.get(key) or {}
        if isinstance(values, dict) and values.get("channel"):
            return str(values["channel"])
    return ""


class BudgetedClient(WebClient):
    """A WebClient whose every call takes from its workspace's budget first."""

    def __init__(self, *args: Any, budget_team: str = "", shared: Budget = budget,
                 deadline: float | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("retry_handlers", retry_handlers(budget_team))
        kwargs.setdefault("timeout", WEB_API_TIMEOUT)
        super().__init__(*args, **kwargs)
        self.budget_team = budget_team
        self.budget = shared
        self.deadline = deadline

    def api_call(self, api_method: str, **kwargs: Any):  # type: ignore[override]
        channel = _channel_of(kwargs)
        if optional_mode():
            if not self.budget.take_spare(self.budget_team, api_method, channel=channel):
                raise NoBudget(api_method)
        elif not self.budget.take(self.budget_team, api_method, channel=channel,
                                  deadline=self.deadline):
            raise NoBudget(api_method)
        return super().api_call(api_method, **kwargs)

    def until(self, deadline: float) -> BudgetedClient:
        """A copy for a call that is worthless after `deadline` (a trigger_id's life): it
        waits for the budget only until then, is never retried, and times out then."""
        left = max(0.5, deadline - self.budget.clock())
        return BudgetedClient(token=self.token, base_url=self.base_url, timeout=left,  # type: ignore[arg-type]
                              ssl=self.ssl, proxy=self.proxy, headers=dict(self.headers),
                              team_id=self.budget_team or None, logger=self.logger,
                              budget_team=self.budget_team, shared=self.budget,
                              deadline=deadline, retry_handlers=[
                                  BudgetedRateLimitHandler(self.budget_team, self.budget, 0)])

    def __deepcopy__(self, memo: dict) -> BudgetedClient:
        # Bolt deep-copies a request's context for its lazy listeners, in the request
        # thread, before the acknowledgement; the client holds no per-request state, so
        # the copy is the client itself.
        return self

    @classmethod
    def for_team(cls, client: WebClient, team: str) -> BudgetedClient:
        """A budgeted copy of Bolt's per-request client for workspace `team`."""
        return cls(token=client.token, base_url=client.base_url, timeout=client.timeout,
                   ssl=client.ssl, proxy=client.proxy, headers=dict(client.headers),
                   team_id=team or None, logger=client.logger, budget_team=team)
