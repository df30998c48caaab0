"""manifest.yaml creates the app the code serves: same commands, shortcut, events, scopes."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.slack.settings import BOT_SCOPES

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yaml"
LISTENERS = Path(__file__).resolve().parents[2] / "bot" / "slack" / "listeners"


def test_manifest_matches_the_listeners():
    manifest = yaml.safe_load(MANIFEST.read_text())
    features, settings = manifest["features"], manifest["settings"]
    source = "\n".join(p.read_text() for p in LISTENERS.glob("*.py"))
    for command in features["slash_commands"]:
        assert f'app.command("{command["command"]}")' in source
    (shortcut,) = features["shortcuts"]
    assert shortcut["type"] == "message" and shortcut["name"] == "Check for jargon"
    assert f'CALLBACK_ID = "{shortcut["callback_id"]}"' in source
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == set(BOT_SCOPES)
    events = set(settings["event_subscriptions"]["bot_events"])
    assert {"app_mention", "message.im", "app_home_opened", "assistant_thread_started",
            "assistant_thread_context_changed", "app_uninstalled", "tokens_revoked"} <= events
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert "users:read" in scopes and not scopes & {"im:read", "im:write"}  # used, no more
    assert features["app_home"]["home_tab_enabled"] is True
    assert settings["socket_mode_enabled"] is True and settings["interactivity"]["is_enabled"]
    assert features["bot_user"]["display_name"] == "cio-coach"
