"""Many workspaces: tokens encrypted at rest (SLACK_TOKEN_KEY), one installation kept per
workspace, no token in the log even at DEBUG, and uninstall or revoked tokens deleting the
workspace's installation, tokens and data."""

from __future__ import annotations

import sqlite3
import time

import pytest
from cryptography.fernet import Fernet

from tests.kit.slackapp import start_app, unique
from tests.slack.test_slack_oauth import CLIENT_ID, CLIENT_SECRET, OTHER_TEAM, OTHER_TOKEN, install

KEY = Fernet.generate_key().decode()


@pytest.fixture(scope="module")
def oauth_app(fake, tmp_path_factory):
    yield from start_app(fake, tmp_path_factory.mktemp("slack-uninstall"),
                         SLACK_CLIENT_ID=CLIENT_ID, SLACK_CLIENT_SECRET=CLIENT_SECRET,
                         SLACK_BOT_TOKEN="", SLACK_TOKEN_KEY=KEY, LOG_LEVEL="DEBUG")


def rows(db_path, sql: str, *args) -> list:
    with sqlite3.connect(db_path) as db:
        return db.execute(sql, args).fetchall()


def dm(oauth_app, channel: str) -> None:
    event = {"type": "message", "channel": channel, "channel_type": "im", "user": "U0PERSON",
             "text": "How do I get department heads involved in choosing the ERP?",
             "ts": f"{time.time():.6f}"}
    assert oauth_app.event(event, team=OTHER_TEAM).status == 200


def test_tokens_are_encrypted_at_rest_and_still_work(oauth_app):
    assert install(oauth_app, "code-enc-1")[0] == 200
    assert install(oauth_app, "code-enc-2")[0] == 200  # a reinstall replaces, not adds
    stored = rows(oauth_app.db_path, "SELECT bot_token FROM slack_installations "
                  "WHERE team_id = ?", OTHER_TEAM)
    bots = rows(oauth_app.db_path, "SELECT bot_token FROM slack_bots WHERE team_id = ?",
                OTHER_TEAM)
    assert len(stored) == 1 and len(bots) == 1
    for (token,) in stored + bots:
        assert token.startswith("fernet:") and OTHER_TOKEN not in token
        assert Fernet(KEY.encode()).decrypt(token.removeprefix("fernet:").encode()).decode() \
            == OTHER_TOKEN
    channel = unique("D")
    dm(oauth_app, channel)
    final = oauth_app.fake.wait_for("chat.update", lambda c: c.params.get("channel") == channel)
    assert final[0].token == OTHER_TOKEN


def test_no_token_reaches_the_log_even_at_debug(oauth_app):
    install(oauth_app, "code-log")
    oauth_app.fake.wait_for("oauth.v2.access", lambda c: c.params["code"] == "code-log")
    time.sleep(0.5)
    log = oauth_app.log_path.read_text()
    assert "xoxb-[redacted]" in log  # slack_sdk logged the token response; it was scrubbed
    assert OTHER_TOKEN not in log and CLIENT_SECRET not in log and KEY not in log
    assert "xoxb-fake" not in log


@pytest.mark.parametrize("event", [
    {"type": "app_uninstalled"},
    {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["U0BOT2"]}},
])
def test_uninstall_and_revocation_delete_the_workspaces_tokens_and_data(oauth_app, event):
    fake = oauth_app.fake
    assert install(oauth_app, unique("code"))[0] == 200
    channel = unique("D")
    dm(oauth_app, channel)
    fake.wait_for("chat.update", lambda c: c.params.get("channel") == channel)
    with sqlite3.connect(oauth_app.db_path) as db:
        db.execute("INSERT INTO jargon_team_terms VALUES (?, 'widget', 'Widget', 'add', "
                   "'part', '', 'medium', 0)", [OTHER_TEAM])
        db.execute("INSERT OR REPLACE INTO jargon_user_audiences VALUES (?, 'U0PERSON', "
                   "'finance', 0)", [OTHER_TEAM])
        db.execute("INSERT OR REPLACE INTO jargon_team_audiences VALUES (?, 'sales', "
                   "'U0PERSON', 0)", [OTHER_TEAM])
    assert rows(oauth_app.db_path, "SELECT 1 FROM slack_answers WHERE team_id = ?",
                OTHER_TEAM)
    reply = oauth_app.event(event | {"event_ts": f"{time.time():.6f}"}, team=OTHER_TEAM)
    assert reply.status == 200
    deadline = time.monotonic() + 10
    tables = ("slack_installations", "slack_bots", "slack_answers", "slack_questions",
              "slack_turns", "jargon_team_terms", "jargon_user_audiences",
              "jargon_team_audiences")
    while any(rows(oauth_app.db_path, f"SELECT 1 FROM {t} WHERE team_id = ?", OTHER_TEAM)
              for t in tables):
        assert time.monotonic() < deadline, "the workspace's data is still there"
        time.sleep(0.2)
    later = unique("D")
    dm(oauth_app, later)  # the workspace is gone: nothing answers there any more
    time.sleep(1.0)
    assert not fake.find("chat.postMessage", lambda c: c.params.get("channel") == later)
