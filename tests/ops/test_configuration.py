"""``optout-bot check-config`` and start-up: every problem listed at once, secrets never shown."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.cli import main
from bot.cli.settings_report import SETTINGS, redacted_url, secret_fields
from bot.config import Settings
from tests.ops.test_deployment import setting_names
from tests.support import FIXTURE_CONTENT

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
        "configuration: LOG_FORMAT: must be text or json, not 'xml'",
        "configuration: OPTOUT_HEALTH_PORT: must be a port number from 0 to 65535, or off, "
        "not 'http'",
        "configuration: REMINDER_HOUR: must be an hour from 0 to 23, not '25'",
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
    from tests.ops.test_deployment import bot_services

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
        "SLACK_API_TIMEOUT: must be a number of seconds from 0.1 to 600, not '0'",
        "DISCORD_API_TIMEOUT: must be a number of seconds from 0.1 to 600, not 'inf'",
    ]
    defaults = Settings.from_environ({})
    assert (defaults.slack_api_timeout, defaults.discord_api_timeout) == (30.0, 30.0)
    monkeypatch.setenv("SLACK_API_TIMEOUT", "2.5")
    monkeypatch.setenv("OPTOUT_CONTENT_DIR", str(FIXTURE_CONTENT))
    assert main(["check-config"]) == 0
    out = capsys.readouterr().out
    assert "SLACK_API_TIMEOUT=2.5\n" in out and "DISCORD_API_TIMEOUT=30.0\n" in out


@pytest.mark.parametrize(
    ("name", "value", "allowed"),
    [
        ("REMINDER_GRACE_HOURS", "inf", "a number of hours from 0 to 720"),
        ("LIVING_TICK_SECONDS", "1e-9", "a number of seconds from 0.1 to 86400"),
        ("OPTOUT_RELOAD_SECONDS", "nan", "0 (off) or a number of seconds from 0.05 to 3600"),
        ("OPTOUT_SHUTDOWN_SECONDS", "-inf", "a number of seconds from 0.1 to 3600"),
        ("SLACK_LIVING_RATE", "1e400", "per second from 0.01 to 50"),
        ("DISCORD_SHARD_IDS", "0-999999999", "from 0 to 99999"),
        ("DISCORD_SHARD_COUNT", "9" * 5000, "a number of shards from 1 to 100000"),
        ("REMINDER_OFFSETS", "14,400", "each from 0 to 365"),
        ("SLACK_PORT", "65536", "a TCP port number from 0 to 65535"),
        ("SLACK_HOST", "not a host", "an IP address or a host name"),
        ("SLACK_API_URL", "https://", "names a host"),
        ("SLACK_API_URL", "ftp://files.example", "starting with http:// or https://"),
        ("DISCORD_API_BASE", "http://discord.example:99999/api", "port 1 to 65535"),
        ("DISCORD_GATEWAY_URL", "ws://gateway.example:http/", "port 1 to 65535"),
    ],
)
def test_values_outside_their_range_are_refused_naming_variable_value_and_range(
    name: str, value: str, allowed: str
) -> None:
    from bot.config import ConfigError

    with pytest.raises(ConfigError) as refused:
        Settings.from_environ({name: value, "DISCORD_SHARD_COUNT": "4"} | {name: value})
    [problem] = [line for line in refused.value.problems if line.startswith(f"{name}: ")]
    assert allowed in problem
    assert repr(value[:57]).rstrip("'") in problem


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("sqlite://", "needs a file"),
        ("postgresql:///optout", "needs a host"),
        ("postgresql://optout:pw-secret-1@db.example:99999/optout", "port must be a number"),
        ("postgresql://optout:pw-secret-1@db.example:port/optout", "postgresql://user:pass@"),
        ("mysql://optout:pw-secret-1@db.example/optout", "'mysql' is not supported"),
        ("db.example/optout", "sqlite:///path"),
    ],
)
def test_bad_database_urls_are_refused_without_showing_their_password(
    url: str, reason: str
) -> None:
    from bot.config import ConfigError

    with pytest.raises(ConfigError) as refused:
        Settings.from_environ({"DATABASE_URL": url})
    [problem] = refused.value.problems
    assert problem.startswith("DATABASE_URL: must be sqlite:///path or postgresql://")
    assert reason in problem
    assert "pw-secret-1" not in problem


def test_secrets_in_any_part_of_a_url_are_hidden_from_check_config(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OPTOUT_CONTENT_DIR", str(FIXTURE_CONTENT))
    monkeypatch.setenv("DATABASE_URL", "postgresql://optout@db.example/optout?password=q-secret-1")
    monkeypatch.setenv("SLACK_API_URL", "https://api-user:slack-secret-2@slack.example/api/")
    monkeypatch.setenv("DISCORD_API_BASE", "https://bot:discord-secret-3@discord.example/api")
    assert main(["check-config"]) == 0
    out = capsys.readouterr().out
    for secret in ("q-secret-1", "slack-secret-2", "discord-secret-3"):
        assert secret not in out
    assert "DATABASE_URL=postgresql://optout@db.example/optout?password=***\n" in out
    assert "SLACK_API_URL=https://api-user:***@slack.example/api/\n" in out
    assert "DISCORD_API_BASE=https://bot:***@discord.example/api\n" in out
    settings = Settings.from_environ(
        {"DATABASE_URL": "postgresql://optout@db.example/optout?password=q-secret-1"}
    )
    assert settings.secrets() == ["q-secret-1"]


def test_the_limits_are_the_declared_ones_in_env_example_and_the_docs() -> None:
    from bot.cli.settings_report import ENV_EXAMPLE, OPERATIONS_DOC, env_example, operations_doc

    hint = "run `python -m bot.cli.settings_report` after changing a setting"
    assert ENV_EXAMPLE.read_text(encoding="utf-8") == env_example(), hint
    doc = OPERATIONS_DOC.read_text(encoding="utf-8")
    assert doc == operations_doc(doc), hint
    for name in SETTINGS:
        assert f"| `{name}` |" in doc


def test_the_settings_accept_the_database_urls_the_store_opens() -> None:
    from bot.config import DATABASE_SCHEMES
    from bot.store import engine

    assert set(DATABASE_SCHEMES) == set(engine._DRIVERS)


@given(
    st.builds(
        "{}://{}{}{}/{}".format,
        st.sampled_from(["sqlite", "postgresql", "postgres+asyncpg", "mysql", "http", ""]),
        st.sampled_from(["", "u:p@", "u@", ":@"]),
        st.sampled_from(["", "db.example", "127.0.0.1", "[::1]", "bad host"]),
        st.sampled_from(["", ":5432", ":0", ":99999", ":x", ":"]),
        st.sampled_from(["", "optout", "data/optout.db", "db?host=/run/postgresql"]),
    )
)
def test_a_database_url_check_config_accepts_is_one_the_store_opens(url: str) -> None:
    from bot.config import ConfigError
    from bot.store import engine

    try:
        Settings.from_environ({"DATABASE_URL": url})
    except ConfigError:
        return
    engine.database_url(url)
