"""``optout-bot check-config`` and start-up: every problem listed at once, secrets never shown."""

from __future__ import annotations

import pytest

from bot.cli import main
from bot.cli.settings_report import SETTINGS, redacted_url, secret_fields
from bot.config import Settings
from tests.support import FIXTURE_CONTENT
from tests.test_deployment import setting_names

SECRETS = {
    "DISCORD_TOKEN": "discord-secret-token-value",
    "SLACK_BOT_TOKEN": "xoxb-secret-bot-token",
    "SLACK_APP_TOKEN": "xapp-secret-app-token",
    "SLACK_SIGNING_SECRET": "secret-signing-value",
    "DATABASE_URL": "postgresql://optout:pg-secret-password@db.example:5432/optout",
}


def test_check_config_prints_every_setting_with_secrets_hidden(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("OPTOUT_CONTENT_DIR", str(FIXTURE_CONTENT))
    monkeypatch.setenv("SLACK_SUBSCRIPTION_MANAGERS", "U0SECRETUSER")
    assert main(["check-config"]) == 0
    out = capsys.readouterr().out
    shown = dict(line.split("=", 1) for line in out.splitlines() if not line.startswith("#"))
    assert set(shown) == set(SETTINGS)
    for secret in (*SECRETS.values(), "pg-secret-password", "U0SECRETUSER"):
        assert secret not in out
    assert shown["SLACK_BOT_TOKEN"] == "<set, hidden>"
    assert shown["DATABASE_URL"] == "postgresql://optout:***@db.example:5432/optout"
    assert shown["SLACK_SUBSCRIPTION_MANAGERS"] == "1 user id(s)"
    assert "# platforms: discord, slack" in out
    assert out.rstrip().endswith("# configuration is valid")


def test_the_report_covers_every_setting_read_and_hides_every_secret_field() -> None:
    assert set(SETTINGS) == setting_names()
    assert secret_fields() == {
        "discord_token",
        "slack_bot_token",
        "slack_app_token",
        "slack_signing_secret",
        "database_url",
    }


def test_starting_lists_every_problem_at_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    monkeypatch.setenv("OPTOUT_HEALTH_PORT", "http")
    monkeypatch.setenv("LOG_FORMAT", "xml")
    monkeypatch.setenv("REMINDER_HOUR", "25")
    monkeypatch.setenv("OPTOUT_CONTENT_DIR", str(tmp_path))
    assert main(["run", "--platform", "slack", "--platform", "discord"]) == 2
    errors = capsys.readouterr().err.splitlines()
    assert errors == [
        "configuration: REMINDER_HOUR: must be an hour from 0 to 23",
        "configuration: OPTOUT_HEALTH_PORT: must be a port number (0-65535) or off",
        "configuration: LOG_FORMAT: must be text or json",
        "configuration: DISCORD_TOKEN: Discord needs the bot token (Developer Portal → Bot)",
        "configuration: SLACK_BOT_TOKEN: Slack needs the bot token (xoxb-…)",
        "configuration: SLACK_SIGNING_SECRET: HTTP mode needs it "
        "(or set SLACK_APP_TOKEN for Socket Mode)",
        f"configuration: OPTOUT_CONTENT_DIR: {tmp_path} is not a knowledge base "
        "(it needs messages.yaml and services/)",
        "configuration: 7 problem(s)",
    ]


def test_check_config_fails_the_same_way(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-only-the-bot-token")
    assert main(["check-config", "--platform", "slack", "--http"]) == 2
    err = capsys.readouterr().err
    assert "SLACK_SIGNING_SECRET: HTTP mode needs it" in err
    assert "xoxb-only-the-bot-token" not in err


def test_secrets_never_appear_in_the_settings_repr() -> None:
    settings = Settings.from_environ(SECRETS)
    text = repr(settings)
    assert not any(secret in text for secret in SECRETS.values())
    assert set(settings.secrets()) == {*list(SECRETS.values())[:4], "pg-secret-password"}


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("sqlite:///data/optout.db", "sqlite:///data/optout.db"),
        ("postgresql://u:p%40ss@h/db", "postgresql://u:***@h/db"),
        ("postgresql://u@h/db", "postgresql://u@h/db"),
    ],
)
def test_database_urls_are_shown_without_their_password(url: str, shown: str) -> None:
    assert redacted_url(url) == shown


def test_the_health_command_asks_the_endpoint(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.ops.support import free_port

    monkeypatch.setenv("OPTOUT_HEALTH_PORT", str(free_port()))
    assert main(["health"]) == 1
    assert "no answer on port" in capsys.readouterr().err
    monkeypatch.delenv("OPTOUT_HEALTH_PORT")
    assert main(["health", "--ready"]) == 2


def test_the_compose_healthchecks_ask_the_endpoint_the_bots_serve() -> None:
    from bot.cli import parser as _parser
    from tests.test_deployment import bot_services

    services = bot_services()
    for name in ("slack", "discord"):
        service = services[name]
        assert service["environment"]["OPTOUT_HEALTH_PORT"] == "8080"
        check = service["healthcheck"]["test"]
        assert check[:2] == ["CMD", "optout-bot"]
        assert _parser().parse_args(check[2:]).handler.__name__ == "probe"


def test_platform_api_timeouts_are_checked_and_shown(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.config import ConfigError

    with pytest.raises(ConfigError) as refused:
        Settings.from_environ({"SLACK_API_TIMEOUT": "0", "DISCORD_API_TIMEOUT": "inf"})
    assert refused.value.problems == [
        "SLACK_API_TIMEOUT: must be a positive number",
        "DISCORD_API_TIMEOUT: must be a finite number of seconds",
    ]
    defaults = Settings.from_environ({})
    assert (defaults.slack_api_timeout, defaults.discord_api_timeout) == (30.0, 30.0)
    monkeypatch.setenv("SLACK_API_TIMEOUT", "2.5")
    monkeypatch.setenv("OPTOUT_CONTENT_DIR", str(FIXTURE_CONTENT))
    assert main(["check-config"]) == 0
    out = capsys.readouterr().out
    assert "SLACK_API_TIMEOUT=2.5\n" in out and "DISCORD_API_TIMEOUT=30.0\n" in out
