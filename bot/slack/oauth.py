"""Installing into many workspaces, and leaving them.

Installations are kept with slack-sdk's SQLAlchemy stores on the shared-state database
(SQLite or PostgreSQL), through `InstallationStore` below, which:
- encrypts the tokens at rest with Fernet (the `cryptography` library) when SLACK_TOKEN_KEY
  is set; rows written before a key was set are encrypted when the app starts;
- keeps only a workspace's latest installation (slack-sdk's store keeps every one).

On `app_uninstalled`, or `tokens_revoked` for the bot, the workspace's installation and
tokens (Bolt's `TokenRevocationListeners`) and everything remembered for it (terms,
answers, conversations, feedback, events) are deleted.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.listener.builtins import TokenRevocationListeners
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine, and_, select

from bot.config import ConfigError
from bot.service import Coach
from bot.slack.settings import SlackSettings

log = logging.getLogger(__name__)

STATE_SECONDS = 600
ENCRYPTED = "fernet:"
TOKEN_FIELDS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")


class TokenCipher:
    """Fernet with the key from SLACK_TOKEN_KEY; no key, no encryption."""

    def __init__(self, key: str = "") -> None:
        self.fernet = None
        if key:
            from cryptography.fernet import Fernet

            try:
                self.fernet = Fernet(key.encode())
            except (ValueError, TypeError):
                raise ConfigError("SLACK_TOKEN_KEY must be a Fernet key: 32 url-safe "
                                  "base64-encoded bytes (see docs/slack.md)") from None

    def seal(self, value: str | None) -> str | None:
        if not value or self.fernet is None or value.startswith(ENCRYPTED):
            return value
        return ENCRYPTED + self.fernet.encrypt(value.encode()).decode()

    def open(self, value: str | None) -> str | None:
        if not value or not value.startswith(ENCRYPTED):
            return value
        if self.fernet is None:
            raise ConfigError("stored Slack tokens are encrypted: set SLACK_TOKEN_KEY")
        return self.fernet.decrypt(value.removeprefix(ENCRYPTED).encode()).decode()


def _with_tokens(entity: Any, change) -> Any:
    """A copy of an Installation or Bot with each token field passed through `change`."""
    copy = type(entity).__new__(type(entity))
    copy.__dict__.update(entity.__dict__)
    for name in TOKEN_FIELDS:
        if hasattr(copy, name):
            setattr(copy, name, change(getattr(copy, name)))
    return copy


class InstallationStore(SQLAlchemyInstallationStore):
    """slack-sdk's SQLAlchemy store with tokens sealed at rest and one row per workspace."""

    def __init__(self, client_id: str, engine: Engine, cipher: TokenCipher) -> None:
        super().__init__(client_id=client_id, engine=engine)
        self.cipher = cipher

    def save(self, installation: Installation) -> None:
        self._forget_older(self.installations, installation.enterprise_id,
                           installation.team_id, installation.user_id)
        super().save(_with_tokens(installation, self.cipher.seal))

    def save_bot(self, bot: Bot) -> None:
        self._forget_older(self.bots, bot.enterprise_id, bot.team_id, None)
        super().save_bot(_with_tokens(bot, self.cipher.seal))

    def find_bot(self, **kwargs: Any) -> Bot | None:
        found = super().find_bot(**kwargs)
        return _with_tokens(found, self.cipher.open) if found else None

    def find_installation(self, **kwargs: Any) -> Installation | None:
        found = super().find_installation(**kwargs)
        return _with_tokens(found, self.cipher.open) if found else None

    def _forget_older(self, table, enterprise_id: str | None, team_id: str | None,
                      user_id: str | None) -> None:
        c = table.c
        where = [c.client_id == self.client_id, c.enterprise_id == enterprise_id,
                 c.team_id == team_id]
        if user_id is not None and "user_id" in c:
            where.append(c.user_id == user_id)
        with self.engine.begin() as conn:
            conn.execute(table.delete().where(and_(*where)))

    def seal_stored_tokens(self) -> int:
        """Encrypt tokens stored before a key was set; returns the rows changed."""
        if self.cipher.fernet is None:
            return 0
        changed = 0
        with self.engine.begin() as conn:
            for table in (self.installations, self.bots):
                columns = [table.c[name] for name in TOKEN_FIELDS if name in table.c]
                for row in conn.execute(select(table.c.id, *columns)).mappings():
                    sealed = {k: self.cipher.seal(v) for k, v in row.items() if k != "id"}
                    if sealed != {k: v for k, v in row.items() if k != "id"}:
                        conn.execute(table.update().where(table.c.id == row["id"])
                                     .values(**sealed))
                        changed += 1
        return changed


def installation_store(engine: Engine, slack: SlackSettings) -> InstallationStore:
    return InstallationStore(slack.client_id, engine, TokenCipher(slack.token_key))


def oauth_settings(store: InstallationStore, engine: Engine,
                   slack: SlackSettings) -> OAuthSettings:
    return OAuthSettings(
        client_id=slack.client_id,
        client_secret=slack.client_secret,
        scopes=list(slack.scopes),
        installation_store=store,
        state_store=SQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=engine),
    )


def authorize(store: InstallationStore, slack: SlackSettings) -> InstallationStoreAuthorize:
    """Bolt's authorize over the store, remembering each token's auth.test, so only a
    workspace's first request after a start waits on it."""
    return InstallationStoreAuthorize(installation_store=store, client_id=slack.client_id,
                                      client_secret=slack.client_secret, cache_enabled=True,
                                      logger=log)


# --- leaving a workspace ------------------------------------------------------------------

def forget_workspace(coach: Coach, store, enterprise_id: str | None, team_id: str, *,
                     reason: str) -> None:
    """Delete the workspace's installation and tokens, and everything kept for it."""
    if store is not None:
        TokenRevocationListeners(store).handle_app_uninstalled_events(
            context=_Context(enterprise_id, team_id))
    else:
        log.warning("%s for %s: remove SLACK_BOT_TOKEN from the settings, Slack no longer "
                    "accepts it", reason, team_id)
    storage = coach.storage()
    with storage.engine.begin() as conn:
        deleted = storage.slack.forget_team(conn, team_id)
        storage.team_terms.forget_team(conn, team_id)
    log.warning("%s: deleted workspace %s's installation, tokens and data (%s)", reason,
                team_id, ", ".join(f"{n} from {t}" for t, n in deleted.items() if n) or
                "nothing else kept")


def revoke_tokens(coach: Coach, store, event: dict[str, Any], enterprise_id: str | None,
                  team_id: str) -> None:
    """`tokens_revoked`: user tokens are dropped; a revoked bot token means the app can no
    longer work there, which is handled like an uninstall."""
    if (event.get("tokens") or {}).get("bot"):
        forget_workspace(coach, store, enterprise_id, team_id, reason="tokens_revoked")
    elif store is not None:
        TokenRevocationListeners(store).handle_tokens_revoked_events(
            event=event, context=_Context(enterprise_id, team_id))


class _Context:
    """What Bolt's revocation listeners read from a context."""

    def __init__(self, enterprise_id: str | None, team_id: str) -> None:
        self.enterprise_id = enterprise_id
        self.team_id = team_id or None
