"""Fixtures for the Slack tests: the fake Slack Web API and the app served over HTTP.

One fake server and one app process per test module keeps the suite quick; tests use
their own channel and user ids so they do not see each other's calls.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.kit.fakeslack import FakeSlack
from tests.kit.slackapp import SlackApp, start_app


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeSlack]:
    server = FakeSlack().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def slack_app(fake: FakeSlack, tmp_path_factory) -> Iterator[SlackApp]:
    yield from start_app(fake, tmp_path_factory.mktemp("slack-http"))
