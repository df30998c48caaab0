"""Installing into many workspaces: Bolt's OAuth flow against the fake Slack.

`/slack/install` starts the flow (state kept in SQLite), `/slack/oauth_redirect` exchanges
the code with the fake `oauth.v2.access`, stores the installation with slack-sdk's
SQLite store, and later requests from that workspace use that workspace's bot token.
"""

from __future__ import annotations

import re
import sqlite3
import time

import pytest

from tests.kit.slackapp import start_app, unique

CLIENT_ID = "1111111111.2222222222"
CLIENT_SECRET = "0123456789abcdef0123456789abcdef"
OTHER_TEAM = "T0OTHER"
OTHER_TOKEN = "xoxb-other-team-token"


@pytest.fixture(scope="module")
def oauth_app(fake, tmp_path_factory):
    yield from start_app(fake, tmp_path_factory.mktemp("slack-oauth"),
                         SLACK_CLIENT_ID=CLIENT_ID, SLACK_CLIENT_SECRET=CLIENT_SECRET,
                         SLACK_BOT_TOKEN="")


def install(oauth_app, code: str) -> tuple[int, str]:
    fake = oauth_app.fake
    fake.tokens[OTHER_TOKEN] = {"team_id": OTHER_TEAM, "user_id": "U0BOT2", "bot_id": "B0BOT2"}
    fake.oauth_installs[code] = {
        "ok": True, "app_id": "A0APP", "access_token": OTHER_TOKEN, "token_type": "bot",
        "scope": "chat:write,commands,im:history", "bot_user_id": "U0BOT2",
        "team": {"id": OTHER_TEAM, "name": "Other Co"}, "enterprise": None,
        "authed_user": {"id": "U0INSTALLER"}, "is_enterprise_install": False,
    }
    page = oauth_app.get("/slack/install")
    assert page.status == 200
    state = re.search(r"state=([A-Za-z0-9_-]+)", page.body).group(1)
    assert "oauth/v2/authorize" in page.body and CLIENT_ID in page.body
    cookie = f"slack-app-oauth-state={state}"
    done = oauth_app.get(f"/slack/oauth_redirect?code={code}&state={state}",
                         headers={"Cookie": cookie})
    return done.status, done.body


def test_oauth_install_stores_the_workspace_and_uses_its_token(oauth_app):
    fake = oauth_app.fake
    status, _ = install(oauth_app, "code-123")
    assert status == 200
    exchange = fake.wait_for("oauth.v2.access")[0]
    assert exchange.params["code"] == "code-123"
    with sqlite3.connect(oauth_app.db_path) as db:
        teams = [r[0] for r in db.execute("SELECT team_id FROM slack_installations")]
    assert teams == [OTHER_TEAM]

    channel = unique("D")
    event = {"type": "message", "channel": channel, "channel_type": "im", "user": "U0PERSON",
             "text": "How do I get department heads involved in choosing the ERP?",
             "ts": f"{time.time():.6f}"}
    assert oauth_app.event(event, team=OTHER_TEAM).status == 200
    posted = fake.wait_for("chat.postMessage", lambda c: c.params.get("channel") == channel)
    assert posted[0].token == OTHER_TOKEN
    final = fake.wait_for("chat.update", lambda c: c.params.get("channel") == channel)[0]
    assert final.token == OTHER_TOKEN and "ERP" in final.params["text"]


def test_oauth_redirect_with_a_forged_state_is_refused(oauth_app):
    reply = oauth_app.get("/slack/oauth_redirect?code=code-x&state=forged",
                          headers={"Cookie": "slack-app-oauth-state=forged"})
    assert reply.status >= 400
    assert not oauth_app.fake.find("oauth.v2.access", lambda c: c.params["code"] == "code-x")


def test_event_from_a_workspace_never_installed_is_not_answered(oauth_app):
    channel = unique("D")
    event = {"type": "message", "channel": channel, "channel_type": "im", "user": "U0PERSON",
             "text": "hello?", "ts": f"{time.time():.6f}"}
    oauth_app.event(event, team="T0NEVER")
    time.sleep(0.5)
    assert not oauth_app.fake.find("chat.postMessage", lambda c: c.params.get("channel") == channel)
