"""Installing into many workspaces: slack-sdk's own SQLAlchemy stores for installations
and OAuth state, on the shared-state database (SQLite or PostgreSQL)."""

from __future__ import annotations

from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine

from bot.slack.settings import SlackSettings

STATE_SECONDS = 600


def installation_store(engine: Engine, client_id: str) -> SQLAlchemyInstallationStore:
    return SQLAlchemyInstallationStore(client_id=client_id, engine=engine)


def oauth_settings(engine: Engine, slack: SlackSettings) -> OAuthSettings:
    return OAuthSettings(
        client_id=slack.client_id,
        client_secret=slack.client_secret,
        scopes=list(slack.scopes),
        installation_store=installation_store(engine, slack.client_id),
        state_store=SQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=engine),
    )
