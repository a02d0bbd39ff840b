"""End to end: gateway reconnects, sharding, command sync only on change, and the CLI."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

import bot.platforms.discord.commands as discord_commands
from bot.core.catalogue import CATALOGUE
from tests.platforms.discord.fake_discord import DiscordHarness, running_fake, slash
from tests.support import FIXTURE_CONTENT, assistant_at

NOW = "2025-09-20T12:00:00+00:00"
GLOBAL_SYNC = r"/applications/\d+/commands"


@pytest.fixture
async def harness(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AsyncIterator[DiscordHarness]:
    async with running_fake(monkeypatch) as fake:
        harness = DiscordHarness(fake, tmp_path / "data" / "discord-commands.json")
        yield harness
        await harness.stop()


async def answers(harness: DiscordHarness) -> bool:
    body = await harness.fake.interact(harness.bot, slash(harness.bot, "optout", {"service": "qn"}))
    return body["data"]["embeds"][0]["title"] == "QuietNote"


async def test_a_reconnect_request_resumes_the_session(harness: DiscordHarness) -> None:
    await harness.start(assistant_at(NOW))
    await harness.fake.reconnect(harness.bot)
    assert (harness.bot.sessions, harness.bot.resumes) == (1, 1)
    assert await answers(harness)


async def test_a_dropped_connection_is_resumed(harness: DiscordHarness) -> None:
    await harness.start(assistant_at(NOW))
    socket = await harness.fake.connected(harness.bot)
    await socket.close(code=4000, message=b"Unknown error")
    await harness.fake.wait_until(lambda: harness.bot.resumes == 1)
    assert harness.bot.sessions == 1
    assert await answers(harness)


async def test_commands_are_registered_on_first_start_and_not_again_when_unchanged(
    harness: DiscordHarness,
) -> None:
    await harness.start(assistant_at(NOW))
    assert len(harness.fake.calls("PUT", GLOBAL_SYNC)) == 1
    state = json.loads(harness.state_file.read_text())
    [scope] = state
    assert scope == f"{harness.bot.application_id}:global"
    assert len(state[scope]["fingerprint"]) == 16
    await harness.stop()
    await harness.start(assistant_at(NOW))
    assert len(harness.fake.calls("PUT", GLOBAL_SYNC)) == 1


async def test_a_changed_catalogue_is_registered_at_the_next_start(
    harness: DiscordHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await harness.start(assistant_at(NOW))
    await harness.stop()
    changed = (
        replace(discord_commands.CATALOGUE[0], description="A new description"),
        *discord_commands.CATALOGUE[1:],
    )
    monkeypatch.setattr(discord_commands, "CATALOGUE", changed)
    await harness.start(assistant_at(NOW))
    [_, second] = harness.fake.calls("PUT", GLOBAL_SYNC)
    assert second.body[0]["description"] == "A new description"


async def test_an_unreadable_sync_state_means_registering_once_more(
    harness: DiscordHarness,
) -> None:
    harness.state_file.parent.mkdir(parents=True)
    harness.state_file.write_text("{not json", encoding="utf-8")
    await harness.start(assistant_at(NOW))
    assert len(harness.fake.calls("PUT", GLOBAL_SYNC)) == 1
    assert list(json.loads(harness.state_file.read_text())) == [
        f"{harness.bot.application_id}:global"
    ]


async def test_another_application_registers_its_own_commands(harness: DiscordHarness) -> None:
    await harness.start(assistant_at(NOW))
    await harness.stop()
    other = DiscordHarness(harness.fake, harness.state_file, token="another-bot-token")
    await other.start(assistant_at(NOW))
    await other.stop()
    paths = [request.path for request in harness.fake.calls("PUT", GLOBAL_SYNC)]
    assert paths == [
        f"/applications/{harness.bot.application_id}/commands",
        f"/applications/{other.bot.application_id}/commands",
    ]


async def test_shards_are_split_over_processes_and_only_shard_0_registers_commands(
    harness: DiscordHarness,
) -> None:
    # One shard per process here: discord.py waits 5 s between identifies within a process.
    await harness.start(assistant_at(NOW), DISCORD_SHARD_COUNT="3", DISCORD_SHARD_IDS="2")
    assert harness.bot.identifies[-1]["shard"] == [2, 3]
    assert harness.fake.calls("PUT", GLOBAL_SYNC) == []
    assert await answers(harness)
    await harness.stop()
    await harness.start(assistant_at(NOW), DISCORD_SHARD_COUNT="3", DISCORD_SHARD_IDS="0")
    assert harness.bot.identifies[-1]["shard"] == [0, 3]
    assert len(harness.fake.calls("PUT", GLOBAL_SYNC)) == 1


async def test_a_process_runs_exactly_the_shard_range_it_is_given(harness: DiscordHarness) -> None:
    from bot.bootstrap import build_discord

    settings = harness.settings(DISCORD_SHARD_COUNT="8", DISCORD_SHARD_IDS="2-3,6")
    adapter = build_discord(settings, assistant_at(NOW))
    assert (adapter.client.shard_count, adapter.client.shard_ids) == (8, [2, 3, 6])


async def cli(harness: DiscordHarness, *arguments: str, token: bool = True) -> tuple[int, str, str]:
    """Run ``optout-bot`` in a separate process against the fake."""
    environ = {key: value for key, value in os.environ.items() if not key.startswith("DISCORD_")}
    environ.update(
        DISCORD_API_BASE=harness.fake.api_base,
        DISCORD_SYNC_STATE=str(harness.state_file),
        OPTOUT_CONTENT_DIR=str(FIXTURE_CONTENT),
    )
    if token:
        environ["DISCORD_TOKEN"] = harness.bot.token
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *arguments,
        env=environ,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode or 0, out.decode(), err.decode()


async def test_sync_command_registers_in_one_guild_and_remembers_it(
    harness: DiscordHarness,
) -> None:
    code, out, err = await cli(harness, "discord", "sync", "--guild", "1200000000000000001")
    registered = f"Registered {len(CATALOGUE)} application commands in server 1200000000000000001."
    assert (code, out) == (0, registered + "\n")
    assert "Traceback" not in err
    [request] = harness.fake.calls("PUT", r"/applications/\d+/guilds/\d+/commands")
    # Exactly the catalogue, in its order (optout, deadline, changes, help).
    assert [command["name"] for command in request.body] == [spec.name for spec in CATALOGUE]
    assert harness.fake.calls("PUT", GLOBAL_SYNC) == []
    state = json.loads(harness.state_file.read_text())
    assert list(state) == [f"{harness.bot.application_id}:guild:1200000000000000001"]


async def test_sync_command_without_a_token_says_what_is_missing(harness: DiscordHarness) -> None:
    code, out, err = await cli(harness, "discord", "sync", token=False)
    assert code == 2 and out == ""
    assert "DISCORD_TOKEN" in err and "Traceback" not in err


async def test_invite_url_asks_discord_for_the_application_id(harness: DiscordHarness) -> None:
    code, out, _ = await cli(harness, "discord", "invite-url")
    assert code == 0
    assert out == (
        f"https://discord.com/oauth2/authorize?client_id={harness.bot.application_id}"
        "&permissions=2252074691611648&scope=bot+applications.commands\n"
    )
    offline_code, offline, _ = await cli(
        harness, "discord", "invite-url", "--client-id", "42", token=False
    )
    assert offline_code == 0 and offline.startswith(
        "https://discord.com/oauth2/authorize?client_id=42&"
    )


def test_printing_the_invite_url_for_a_known_id_does_not_load_discord_py() -> None:
    import subprocess

    script = (
        "import sys; from bot.cli import main; "
        "main(['discord', 'invite-url', '--client-id', '42']); "
        "print('discord' in sys.modules)"
    )
    environ = {key: value for key, value in os.environ.items() if not key.startswith("DISCORD_")}
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    url, loaded = done.stdout.splitlines()
    assert url.startswith("https://discord.com/oauth2/authorize?client_id=42&")
    assert loaded == "False"


def test_discord_settings_are_checked_together_at_startup() -> None:
    from bot.config import ConfigError, Settings

    with pytest.raises(ConfigError) as raised:
        Settings.from_environ(
            {
                "DISCORD_SHARD_COUNT": "4",
                "DISCORD_SHARD_IDS": "2-5",
                "DISCORD_API_BASE": "discord.com/api",
                "DISCORD_GATEWAY_URL": "https://gateway",
            }
        )
    assert raised.value.problems == [
        "DISCORD_API_BASE: must be a URL starting with http:// or https:// that names a host "
        "(port 1 to 65535), not 'discord.com/api'",
        "DISCORD_GATEWAY_URL: must be a URL starting with ws:// or wss:// that names a host "
        "(port 1 to 65535), not 'https://gateway'",
        "DISCORD_SHARD_IDS: shards are numbered 0 to 3, not up to 5",
    ]
    with pytest.raises(ConfigError, match="needs DISCORD_SHARD_COUNT"):
        Settings.from_environ({"DISCORD_SHARD_IDS": "0"})
    chosen = Settings.from_environ(
        {
            "DISCORD_SHARD_COUNT": "8",
            "DISCORD_SHARD_IDS": "6, 0-1",
            "DISCORD_SYNC_STATE": "/srv/sync.json",
        }
    )
    assert (chosen.discord_shard_count, chosen.discord_shard_ids) == (8, (0, 1, 6))
    assert str(chosen.discord_sync_state) == "/srv/sync.json"


async def test_serve_starts_discord_when_its_token_is_set(harness: DiscordHarness) -> None:
    import gc

    from bot.bootstrap import serve

    settings = harness.settings(OPTOUT_CONTENT_DIR=str(FIXTURE_CONTENT), OPTOUT_RELOAD_SECONDS="0")
    assert settings.configured_platforms() == ["discord"]
    thresholds = gc.get_threshold()
    running = asyncio.create_task(serve(settings, settings.configured_platforms()))
    try:
        await harness.fake.connected(harness.bot)
        assert await answers(harness)
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
    assert gc.get_threshold() == thresholds  # the bot's collector tuning ends with it


async def test_an_event_discord_py_cannot_read_costs_that_event_only(
    harness: DiscordHarness, caplog: pytest.LogCaptureFixture
) -> None:
    await harness.start(assistant_at(NOW))
    member = {"user": {"id": "80088516616269824", "username": "alice"}}
    # An interaction without its type, and a guild without its channels' shapes: discord.py's
    # parsers raise on both.
    await harness.fake.dispatch(harness.bot, "INTERACTION_CREATE", {"id": "1", **member})
    await harness.fake.dispatch(harness.bot, "GUILD_CREATE", {"id": "2", "channels": [{}]})
    assert await answers(harness)
    assert harness.bot.sessions == 1 and harness.bot.resumes == 0
    ignored = [r.getMessage() for r in caplog.records if "could not read" in r.getMessage()]
    assert len(ignored) == 2
    assert ignored[0].startswith("discord: ignored an event discord.py could not read: ")
    assert "INTERACTION_CREATE (KeyError at " in ignored[0]
    assert "GUILD_CREATE (KeyError at " in ignored[1]
    assert not any("80088516616269824" in r.getMessage() for r in caplog.records)
