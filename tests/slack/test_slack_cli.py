"""`cio-coach serve` settings errors and the Slack section of `cio-coach doctor`."""

from __future__ import annotations

import json

import pytest

from tests.kit.cli import run_cli as run
from tests.kit.fakeslack import BOT_TOKEN
from tests.kit.slackapp import app_env


def run_cli(env: dict[str, str], *args: str, cwd):
    return run(*args, env=env, cwd=cwd)


@pytest.mark.parametrize(("args", "env", "named"), [
    (["serve", "--http"], {"SLACK_SIGNING_SECRET": ""}, "SLACK_SIGNING_SECRET"),
    (["serve", "--http"], {"SLACK_BOT_TOKEN": "xoxp-user-token"}, "SLACK_BOT_TOKEN"),
    (["serve"], {}, "SLACK_APP_TOKEN"),
    (["serve"], {"SLACK_APP_TOKEN": "xoxb-wrong-kind"}, "SLACK_APP_TOKEN"),
    (["serve", "--http"], {"SLACK_CLIENT_ID": "abc", "SLACK_CLIENT_SECRET": "0123456789abcdef"},
     "SLACK_CLIENT_ID"),
    (["serve", "--http"], {"SLACK_API_URL": "slack.example"}, "SLACK_API_URL"),
])
def test_bad_settings_are_one_line_naming_the_variable(fake, tmp_path, args, env, named):
    result = run_cli(app_env(fake, tmp_path / "db.sqlite", **env), *args, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr_text.strip().splitlines()
    assert len(lines) == 1 and named in lines[0], result.stderr_text
    assert "Traceback" not in result.stderr_text


def test_a_token_slack_rejects_is_one_line(fake, tmp_path):
    env = app_env(fake, tmp_path / "db.sqlite", SLACK_BOT_TOKEN="xoxb-revoked-token")
    result = run_cli(env, "serve", "--http", "--port", "9", cwd=tmp_path)
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" in result.stderr_text and "invalid_auth" in result.stderr_text
    assert len(result.stderr_text.strip().splitlines()) == 1


def test_doctor_reports_slack_without_printing_secrets(fake, tmp_path):
    env = app_env(fake, tmp_path / "db.sqlite", SLACK_APP_TOKEN="xapp-1-A0APP-1-secretvalue")
    result = run_cli(env, "doctor", "--json", cwd=tmp_path)
    checks = {c["name"]: c for c in json.loads(result.stdout_text) if c["section"] == "slack"}
    assert checks["auth.test"]["ok"] is True and "T0TEAM" in checks["auth.test"]["detail"]
    assert "Socket Mode" in checks["mode"]["detail"] and "HTTP" in checks["mode"]["detail"]
    assert checks["SLACK_BOT_TOKEN"]["ok"] is True
    assert checks["SLACK_CLIENT_ID"]["ok"] is None
    for secret in (BOT_TOKEN, "secretvalue", env["SLACK_SIGNING_SECRET"]):
        assert secret not in result.stdout_text


def test_doctor_flags_a_malformed_and_a_refused_token(fake, tmp_path):
    env = app_env(fake, tmp_path / "db.sqlite", SLACK_BOT_TOKEN="xoxb-not-known",
                  SLACK_SIGNING_SECRET="short")
    result = run_cli(env, "doctor", "--json", cwd=tmp_path)
    assert result.returncode == 1
    checks = {c["name"]: c for c in json.loads(result.stdout_text) if c["section"] == "slack"}
    assert checks["SLACK_SIGNING_SECRET"]["ok"] is False
    assert checks["auth.test"]["ok"] is False and "invalid_auth" in checks["auth.test"]["detail"]
    assert "xoxb-not-known" not in result.stdout_text
