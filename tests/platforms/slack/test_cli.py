"""Starting Slack from the command line: missing settings are named, never a traceback."""

from __future__ import annotations

import pytest

from bot.cli import main
from tests.support import FIXTURE_CONTENT


@pytest.mark.parametrize(
    ("environment", "arguments", "problem"),
    [
        ({}, [], "SLACK_BOT_TOKEN: Slack needs the bot token"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, [], "SLACK_SIGNING_SECRET: HTTP mode needs it"),
        (
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"},
            ["--http", "--port", "0"],
            "SLACK_SIGNING_SECRET: HTTP mode needs it",
        ),
    ],
)
def test_run_names_the_missing_slack_setting(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    environment: dict[str, str],
    arguments: list[str],
    problem: str,
) -> None:
    for name, value in {**environment, "OPTOUT_CACHE_DIR": "off"}.items():
        monkeypatch.setenv(name, value)
    code = main(["run", "--platform", "slack", "--content", str(FIXTURE_CONTENT), *arguments])
    assert code == 2
    error = capsys.readouterr().err
    assert problem in error and "Traceback" not in error


def test_bad_slack_settings_are_all_listed_before_starting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SLACK_PORT", "http")
    monkeypatch.setenv("SLACK_API_URL", "slack.example")
    assert main(["run", "--platform", "slack"]) == 2
    error = capsys.readouterr().err
    assert "SLACK_PORT" in error and "SLACK_API_URL" in error
