"""The Slack app manifest is generated from the catalogue and agrees with it."""

from __future__ import annotations

import json

import pytest

from bot.cli import main
from bot.config import ConfigError, Settings
from bot.core.catalogue import CATALOGUE, COMMANDS
from bot.platforms.slack.manifest import BOT_SCOPES, SLASH_COMMAND, manifest, slash_commands


def test_manifest_lists_every_catalogue_command_once_in_order() -> None:
    document = manifest(slash_commands())
    listed = document["features"]["slash_commands"]
    assert [entry["command"] for entry in listed] == list(slash_commands().values())
    for spec, entry in zip(CATALOGUE, listed, strict=True):
        assert entry["description"] == spec.description
        for option in spec.options:
            assert f"[{option.name}]" in entry["usage_hint"]
        assert ("[share]" in entry.get("usage_hint", "")) == spec.shareable
        assert SLASH_COMMAND.fullmatch(entry["command"])


def test_socket_mode_manifest_needs_no_public_url() -> None:
    document = manifest(slash_commands())
    assert document["settings"]["socket_mode_enabled"] is True
    assert document["settings"]["interactivity"] == {"is_enabled": True}
    assert all("url" not in entry for entry in document["features"]["slash_commands"])
    assert document["oauth_config"]["scopes"]["bot"] == list(BOT_SCOPES)
    assert {"commands", "chat:write", "pins:write"} <= set(BOT_SCOPES)


def test_http_manifest_points_commands_and_buttons_at_the_request_url() -> None:
    url = "https://bot.example.org/slack/events"
    document = manifest(slash_commands(), url)
    assert document["settings"]["socket_mode_enabled"] is False
    assert document["settings"]["interactivity"]["request_url"] == url
    assert {entry["url"] for entry in document["features"]["slash_commands"]} == {url}


def test_renamed_commands_appear_in_the_manifest() -> None:
    names = slash_commands({"optout": "/ai-optout"})
    assert names["optout"] == "/ai-optout"
    assert names["help"] == "/optout-help"
    commands = [e["command"] for e in manifest(names)["features"]["slash_commands"]]
    assert "/ai-optout" in commands and "/optout" not in commands


def test_cli_prints_the_manifest_with_configured_names(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_COMMANDS", "deadline=/ai-deadline")
    assert main(["slack-manifest", "--url", "https://bot.example.org/slack/events"]) == 0
    printed = json.loads(capsys.readouterr().out)
    expected = manifest(
        slash_commands({"deadline": "/ai-deadline"}), "https://bot.example.org/slack/events"
    )
    assert printed == expected


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("nope=/x", "'nope' is not a command"),
        ("help=/Has Space", "must look like /name"),
        ("help=/" + "a" * 32, "must look like /name"),
        ("deadline=/optout", "/optout is used for more than one command"),
    ],
)
def test_bad_command_names_are_refused_with_a_reason(value: str, problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_environ({"SLACK_COMMANDS": value})
    assert any(problem in line for line in caught.value.problems)


def test_the_deadline_usage_hint_shows_its_subactions() -> None:
    listed = manifest(slash_commands())["features"]["slash_commands"]
    [deadline] = [entry for entry in listed if entry["command"] == "/deadline"]
    for sub in COMMANDS["deadline"].subactions:
        assert sub.usage.removeprefix("/deadline ") in deadline["usage_hint"]


def test_reminders_need_history_for_posts_in_doubt_and_users_read_for_admins() -> None:
    scopes = manifest(slash_commands())["oauth_config"]["scopes"]["bot"]
    assert {"channels:history", "groups:history", "users:read"} <= set(scopes)
