"""The outgoing budget (a token bucket per workspace and method, shared by threads), the
log scrubbing, and the terms policy's setting: the parts that need no server."""

from __future__ import annotations

import logging
import threading
import time

import pytest

from bot.config import ConfigError
from bot.slack import redact
from bot.slack.budget import Budget
from bot.slack.terms import TermPolicy
from tests.kit.slacklimits import TIER_PER_MINUTE, most_in_any_minute


class Clock:
    """A clock the test moves; waits on the budget's condition still use real time, so
    the budget is driven with deadlines that are never reached."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("method", ["chat.update", "views.open", "users.info",
                                    "conversations.replies"])
def test_no_minute_holds_more_calls_than_the_tier_allows(method):
    clock = Clock()
    budget = Budget(clock=clock)
    stamps = []
    for _ in range(6000):  # ten simulated minutes, 0.1 s apart, a caller always waiting
        if budget.take("T1", method, deadline=clock.now):
            stamps.append(clock.now)
        clock.now += 0.1
    tier = {"chat.update": 3, "views.open": 4, "users.info": 4, "conversations.replies": 1}
    allowed = TIER_PER_MINUTE[tier[method]]
    assert most_in_any_minute(stamps) <= allowed
    assert len(stamps) >= 0.85 * allowed * 10  # and the budget is used, not wasted


def test_workspaces_and_methods_have_their_own_budgets():
    clock = Clock()
    budget = Budget(clock=clock)
    while budget.take("T1", "chat.update", deadline=clock.now):
        pass
    assert budget.take("T2", "chat.update", deadline=clock.now)
    assert budget.take("T1", "chat.postMessage", deadline=clock.now)


def test_workers_share_one_budget():
    clock = Clock()
    whole, half = Budget(clock=clock), Budget(clock=clock, share=0.5)
    counts = []
    for budget in (whole, half):
        n = 0
        for _ in range(600):
            n += budget.take("T1", "chat.update", deadline=clock.now)
            clock.now += 0.1
        counts.append(n)
    assert counts[1] <= counts[0] / 2 + 1


def test_placeholders_are_promised_only_the_updates_the_budget_holds():
    clock = Clock()
    budget = Budget(clock=clock)
    capacity = 5  # Tier 3: a tenth of a minute's 50 calls
    assert all(budget.promise("T1", "chat.update") for _ in range(capacity))
    assert not budget.promise("T1", "chat.update")
    budget.release("T1", "chat.update")
    assert budget.promise("T1", "chat.update")


def test_optional_calls_give_way_to_waiting_calls_and_pauses():
    clock = Clock()
    budget = Budget(clock=clock)
    assert budget.take_spare("T1", "chat.update")
    waiting = threading.Thread(target=lambda: budget.take("T1", "chat.update",
                                                          deadline=clock.now + 100))
    budget.pause("T1", "chat.update", 30)
    waiting.start()
    time.sleep(0.1)
    assert not budget.take_spare("T1", "chat.update")  # paused, and someone waits
    clock.now += 31
    with budget._changed:
        budget._changed.notify_all()
    waiting.join(5)
    assert not waiting.is_alive()
    while budget.take_spare("T1", "chat.update"):
        pass
    assert not budget.take("T1", "chat.update", deadline=clock.now)  # all spent


def test_a_429_pauses_the_method_for_everyone_in_the_workspace():
    clock = Clock()
    budget = Budget(clock=clock)
    budget.pause("T1", "chat.update", 5)
    assert not budget.take("T1", "chat.update", deadline=clock.now + 4.9)
    clock.now += 5.1
    assert budget.take("T1", "chat.update", deadline=clock.now)
    assert budget.take("T2", "chat.update", deadline=clock.now)


def test_tokens_and_secrets_never_reach_a_log(caplog):
    redact.install(["s3cr3t-signing-value"])
    logger = logging.getLogger("test.redact")
    with caplog.at_level(logging.DEBUG):
        logger.debug("oauth.v2.access: %s", {"access_token": "xoxb-123-456-abcDEF",
                                             "refresh_token": "xoxe-1-abc",
                                             "app": "xapp-1-A1-2-def"})
        logger.info("proxy http://user:hunter2@proxy:3128 and s3cr3t-signing-value")
        try:
            raise ValueError("bad token xoxp-999-888")
        except ValueError:
            logger.exception("failed")
    text = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    for secret in ("123-456-abcDEF", "xoxe-1-abc", "A1-2-def", "hunter2",
                   "s3cr3t-signing-value", "999-888"):
        assert secret not in text
    assert "xoxb-[redacted]" in text


@pytest.mark.parametrize(("raw", "admins", "everyone", "users"), [
    ("", True, False, set()), ("admins", True, False, set()),
    ("everyone", False, True, set()), ("U0AAA, U0BBB", False, False, {"U0AAA", "U0BBB"}),
    ("admins,U0AAA", True, False, {"U0AAA"}),
])
def test_the_terms_policy_setting(raw, admins, everyone, users):
    policy = TermPolicy.parse(raw)
    assert (policy.admins, policy.everyone, set(policy.users)) == (admins, everyone, users)


def test_a_malformed_terms_policy_names_the_variable():
    with pytest.raises(ConfigError, match="SLACK_TERM_EDITORS"):
        TermPolicy.parse("admins, bob")
