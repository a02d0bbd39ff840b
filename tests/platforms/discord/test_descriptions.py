"""Application-command descriptions Discord alone has come from the messages file, and the sync
fingerprint follows them, so a description edited while the bot runs is registered again, end to
end: the real discord.py against the local fake Discord, the content reloaded by its watcher."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import discord
import pytest
from aiohttp import web
from discord import app_commands

from bot.bootstrap import build_assistant, load_content
from bot.content.reload import ContentWatcher
from bot.core.catalogue import CATALOGUE
from bot.core.clock import FixedClock
from bot.platforms.discord.actions import PLATFORM
from bot.platforms.discord.commands import (
    ACTION_OPTION,
    SHARE_OPTION,
    build_commands,
    commands_fingerprint,
)
from tests.platforms.discord.fake_discord import (
    SERVER_ERROR,
    DiscordHarness,
    FakeDiscord,
    Request,
    running_fake,
    slash,
)
from tests.support import FIXTURE_CONTENT, instant, platform_words

WORDS = platform_words(PLATFORM)
NOW = "2025-09-20T12:00:00+00:00"
GLOBAL_SYNC = r"/applications/\d+/commands"
SHARE_WORDS = "Share the answer in this channel for everyone (default: only you see it)"
SHAREABLE = [spec.name for spec in CATALOGUE if spec.shareable]


async def _answer(interaction: discord.Interaction, command: str, options: Any) -> None:
    raise AssertionError("nothing is answered here")


async def _complete(interaction: discord.Interaction, typed: str) -> Any:
    return []


def _tree(words: Any) -> app_commands.CommandTree[Any]:
    tree: app_commands.CommandTree[Any] = app_commands.CommandTree(
        discord.Client(intents=discord.Intents.default())
    )
    for command in build_commands(_answer, _complete, words):
        tree.add_command(command)
    return tree


def _descriptions(tree: app_commands.CommandTree[Any], option: str) -> set[str]:
    return {
        entry["description"]
        for command in tree.get_commands()
        for entry in command.to_dict(tree).get("options", [])
        if entry["name"] == option
    }


def test_discord_only_options_are_described_in_the_messages_file_words() -> None:
    tree = _tree(WORDS)
    assert _descriptions(tree, SHARE_OPTION) == {WORDS.share_option_description}
    managing = _descriptions(tree, ACTION_OPTION)
    assert any(
        text.startswith("Manage deadline reminders in this channel: subscribe") for text in managing
    )


def test_an_edited_description_changes_the_sync_fingerprint() -> None:
    edited = dataclasses.replace(WORDS, share_option_description="Post it for the channel")
    assert _descriptions(_tree(edited), SHARE_OPTION) == {"Post it for the channel"}
    assert commands_fingerprint(_tree(edited)) != commands_fingerprint(_tree(WORDS))
    assert commands_fingerprint(_tree(WORDS)) == commands_fingerprint(_tree(WORDS))


# -- edited while the bot runs -----------------------------------------------------------------


@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, target)
    return target


@pytest.fixture
async def harness(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AsyncIterator[DiscordHarness]:
    async with running_fake(monkeypatch) as fake:
        harness = DiscordHarness(fake, tmp_path / "data" / "discord-commands.json")
        yield harness
        await harness.stop()


class Running:
    """The bot on the fake, over a content folder its watcher reloads when a test says so."""

    def __init__(self, harness: DiscordHarness, content: Path) -> None:
        self.harness = harness
        self.content = content
        self.pending: list[asyncio.Task[None]] = []

    async def start(self, **settings: str) -> Running:
        assistant, live = build_assistant(self.content, FixedClock(instant(NOW)))
        adapter = await self.harness.start(assistant, **settings)
        self.watcher = ContentWatcher(
            self.content,
            live,
            lambda: load_content(self.content),
            60,
            [lambda: self.pending.append(adapter.content_changed())],
        )
        return self

    async def reload(self, file: str, old: str, new: str) -> None:
        """Edit a content file, reload it, and wait until the adapter has acted on it."""
        path = self.content / file
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")
        assert await self.watcher.check()
        await asyncio.wait_for(self.pending.pop(), 5)

    def registrations(self) -> list[Any]:
        return self.harness.fake.calls("PUT", GLOBAL_SYNC)

    async def answers(self) -> str:
        """The title /optout qn answers with now."""
        fake, bot = self.harness.fake, self.harness.bot
        body = await fake.interact(bot, slash(bot, "optout", {"service": "qn"}))
        return str(body["data"]["embeds"][0]["title"])


def share_descriptions(registration: Any) -> dict[str, str]:
    return {
        command["name"]: option["description"]
        for command in registration.body
        for option in command.get("options", [])
        if option["name"] == SHARE_OPTION
    }


async def test_a_reloaded_description_is_registered_again_and_the_command_answers(
    harness: DiscordHarness, content: Path
) -> None:
    bot = await Running(harness, content).start()
    [first] = bot.registrations()
    assert set(share_descriptions(first).values()) == {SHARE_WORDS}
    await bot.reload("messages.yaml", SHARE_WORDS, "Post it for the whole channel")
    [_, second] = bot.registrations()
    assert share_descriptions(second) == dict.fromkeys(SHAREABLE, "Post it for the whole channel")
    assert [command["name"] for command in second.body] == [spec.name for spec in CATALOGUE]
    assert await bot.answers() == "QuietNote"
    state = json.loads(harness.state_file.read_text())
    assert state[f"{harness.bot.application_id}:global"]["fingerprint"] == commands_fingerprint(
        harness.adapter.tree
    )


async def test_a_reload_that_leaves_the_commands_as_they_are_registers_nothing(
    harness: DiscordHarness, content: Path
) -> None:
    bot = await Running(harness, content).start()
    await bot.reload("services/quietnote.yaml", "name: QuietNote", "name: QuietNote Cloud")
    assert await bot.answers() == "QuietNote Cloud"
    assert len(bot.registrations()) == 1


@pytest.mark.parametrize(
    ("status", "body", "settings", "logged"),
    [
        # A 429 without Discord's Via header comes from a proxy: discord.py gives up at once.
        (429, {"message": "You are being rate limited.", "retry_after": 60, "global": False},
         {}, "rate limited for 5.0 s"),
        # discord.py waits a second before retrying a 500: longer than the bot allows here.
        (500, SERVER_ERROR, {"DISCORD_API_TIMEOUT": "0.3"},
         "discord did not answer within DISCORD_API_TIMEOUT"),
    ],
)  # fmt: skip
async def test_a_refused_registration_is_one_warning_and_the_next_change_registers(
    harness: DiscordHarness,
    content: Path,
    caplog: pytest.LogCaptureFixture,
    status: int,
    body: dict[str, Any],
    settings: dict[str, str],
    logged: str,
) -> None:
    bot = await Running(harness, content).start(**settings)
    harness.fake.fail_next("PUT", GLOBAL_SYNC, status, body)
    with caplog.at_level(logging.INFO, logger="bot"):
        await bot.reload("messages.yaml", SHARE_WORDS, "Post it for the whole channel")
    warnings = [
        record
        for record in caplog.records
        if record.levelno >= logging.WARNING and record.name.startswith("bot.platforms")
    ]
    assert [record.getMessage() for record in warnings] == [refused(logged)]
    assert warnings[0].exc_info is None
    assert await bot.answers() == "QuietNote"
    await bot.reload("messages.yaml", "Post it for the whole channel", "Post it for everyone")
    assert share_descriptions(bot.registrations()[-1]) == dict.fromkeys(
        SHAREABLE, "Post it for everyone"
    )
    assert await bot.answers() == "QuietNote"


def refused(why: str) -> str:
    return (
        f"discord: could not register the commands ({why}); Discord keeps those registered "
        "before, and the next start or content change tries again"
    )


async def test_a_registration_refused_at_start_leaves_the_bot_answering(
    harness: DiscordHarness, content: Path, caplog: pytest.LogCaptureFixture
) -> None:
    harness.fake.fail_next("PUT", GLOBAL_SYNC, 500, SERVER_ERROR)
    with caplog.at_level(logging.INFO, logger="bot"):
        bot = await Running(harness, content).start(DISCORD_API_TIMEOUT="0.3")
    assert refused("discord did not answer within DISCORD_API_TIMEOUT") in caplog.messages
    assert "Traceback" not in caplog.text
    assert await bot.answers() == "QuietNote"
    # Nothing was recorded as registered, so the next change registers the whole tree.
    await bot.reload("messages.yaml", SHARE_WORDS, "Post it for the whole channel")
    assert share_descriptions(bot.registrations()[-1]) == dict.fromkeys(
        SHAREABLE, "Post it for the whole channel"
    )


async def test_a_process_that_does_not_run_shard_0_never_registers(
    harness: DiscordHarness, content: Path
) -> None:
    bot = await Running(harness, content).start(DISCORD_SHARD_COUNT="3", DISCORD_SHARD_IDS="2")
    await bot.reload("messages.yaml", SHARE_WORDS, "Post it for the whole channel")
    assert bot.registrations() == []
    assert await bot.answers() == "QuietNote"


class HeldRegistrations(FakeDiscord):
    """Answers a registration only once the test lets it, and counts those under way."""

    def __init__(self) -> None:
        super().__init__()
        self.let_through = asyncio.Event()
        self.let_through.set()
        self.registering = 0
        self.most_at_once = 0

    async def _route(self, request: Request) -> web.Response:
        if request.method != "PUT" or not re.fullmatch(GLOBAL_SYNC, request.path):
            return await super()._route(request)
        self.registering += 1
        self.most_at_once = max(self.most_at_once, self.registering)
        try:
            await self.let_through.wait()
            return await super()._route(request)
        finally:
            self.registering -= 1


async def test_reloads_in_quick_succession_never_register_twice_at_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, content: Path
) -> None:
    async with running_fake(monkeypatch, HeldRegistrations()) as fake:
        harness = DiscordHarness(fake, tmp_path / "data" / "discord-commands.json")
        try:
            bot = await Running(harness, content).start()
            fake.let_through.clear()
            messages = content / "messages.yaml"
            original = messages.read_text(encoding="utf-8")
            pending = []
            for take in range(4):
                messages.write_text(original.replace(SHARE_WORDS, f"Post it, take {take}"), "utf-8")
                assert await bot.watcher.check()
                pending.append(bot.pending.pop())
                if take == 0:
                    await fake.wait_until(lambda: len(bot.registrations()) == 2)
            fake.let_through.set()
            await asyncio.wait_for(asyncio.gather(*pending), 5)
            # The first was under way when the others came: they made one more, of the latest.
            assert [share_descriptions(r)["optout"] for r in bot.registrations()] == [
                SHARE_WORDS,
                "Post it, take 0",
                "Post it, take 3",
            ]
            assert fake.most_at_once == 1
            assert await bot.answers() == "QuietNote"
        finally:
            await harness.stop()


async def test_serve_registers_a_description_edited_while_it_runs(
    harness: DiscordHarness, content: Path
) -> None:
    from bot.bootstrap import serve

    settings = harness.settings(
        OPTOUT_CONTENT_DIR=str(content), OPTOUT_RELOAD_SECONDS="0.05", DATABASE_URL="off"
    )
    running = asyncio.create_task(serve(settings, ["discord"]))
    try:
        await harness.fake.connected(harness.bot)
        assert len(harness.fake.calls("PUT", GLOBAL_SYNC)) == 1
        messages = content / "messages.yaml"
        text = messages.read_text(encoding="utf-8")
        messages.write_text(text.replace(SHARE_WORDS, "Post it for the whole channel"), "utf-8")
        await harness.fake.wait_until(lambda: len(harness.fake.calls("PUT", GLOBAL_SYNC)) == 2)
        second = harness.fake.calls("PUT", GLOBAL_SYNC)[1]
        assert set(share_descriptions(second).values()) == {"Post it for the whole channel"}
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
