"""Checklist cards through the real discord.py against the fake Discord, on SQLite: posted by
any member, ticked only with Manage Channels or Manage Server, re-opened and edited in place when
a tool's facts change."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.adapters.fake_discord import (
    CHANNEL_ID,
    MEMBER_ID,
    DiscordHarness,
    click,
    custom_ids,
    running_fake,
    sent_message,
    slash,
)
from tests.adapters.living_support import living_bench
from tests.adapters.test_discord_living import CHANNEL, MEMBER, MESSAGE, Bot
from tests.living.editions import edition, organise, organised

MARK = "optout:check:chatterbox:1"
UNDO = "optout:check:chatterbox:0"


@pytest.fixture
async def bot(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AsyncIterator[Bot]:
    async with living_bench(tmp_path) as bench, running_fake(monkeypatch) as fake:
        bench.publish(organised())
        harness = DiscordHarness(fake, tmp_path / "discord-commands.json")
        adapter = await harness.start(bench.assistant, living=bench.access)
        bench.attach(await adapter.ready_publisher())
        yield Bot(harness, bench)
        await harness.stop()


async def post_checklist(bot: Bot) -> dict[str, Any]:
    """``/optout action:checklist service:chatterbox`` by a member; the card as posted."""
    member = bot.harness.bot
    options = {"action": "checklist", "service": "chatterbox"}
    payload = slash(member, "optout", options, permissions=MEMBER)
    assert await bot.fake.interact(member, payload) == {"type": 5, "data": {"flags": 64}}
    await bot.fake.wait_until(lambda: bot.followups())
    assert "Checklist posted" in json.dumps(bot.followups()[-1].body)
    posted = bot.fake.posts_in(CHANNEL_ID)[-1]
    return sent_message(posted, str(posted["id"]), ephemeral=False) | {
        "components": posted.get("components", [])
    }


async def done(bot: Bot, message_id: str) -> bool:
    checklist = await bot.bench.store.checklist(CHANNEL, message_id)
    assert checklist is not None
    return checklist.entries[0].done


async def test_a_posted_checklist_has_a_button_per_item(bot: Bot) -> None:
    card = await post_checklist(bot)
    assert custom_ids(card) == [MARK]
    assert "⬜" in card["embeds"][0]["description"]
    assert not await done(bot, card["id"])


async def test_marking_needs_manage_channels_and_shows_who_marked(bot: Bot) -> None:
    card = await post_checklist(bot)
    member = bot.harness.bot
    refused = await bot.fake.interact(member, click(member, MARK, card, permissions=MEMBER))
    assert refused["type"] == 4 and refused["data"]["flags"] == 64
    assert "Only people who can manage this channel" in json.dumps(refused)
    assert not await done(bot, card["id"])
    marked = await bot.fake.interact(member, click(member, MARK, card))
    assert marked["type"] == 7
    description = marked["data"]["embeds"][0]["description"]
    assert f"marked by <@{MEMBER_ID}>" in description and "✅" in description
    assert custom_ids(marked) == [UNDO]
    assert await done(bot, card["id"])
    shown = card | {"components": marked["data"]["components"]}
    undone = await bot.fake.interact(member, click(member, UNDO, shown))
    assert custom_ids(undone) == [MARK] and not await done(bot, card["id"])


async def test_a_change_of_the_tools_facts_reopens_the_item_and_edits_the_card(bot: Bot) -> None:
    card = await post_checklist(bot)
    member = bot.harness.bot
    await bot.fake.interact(member, click(member, MARK, card))
    await bot.bench.tick()
    bot.bench.publish(edition(organised(), chatterbox=organise(action="Ask support.")))
    bot.bench.clock.advance(hours=1)
    report = await bot.bench.tick()
    assert report.edits["discord"].done == 1
    [edit] = bot.fake.calls("PATCH", MESSAGE)
    assert edit.path == f"/channels/{CHANNEL_ID}/messages/{card['id']}"
    assert "the admin action changed" in edit.body["embeds"][0]["description"]
    assert custom_ids(edit.body) == [MARK]
    assert not await done(bot, card["id"])
