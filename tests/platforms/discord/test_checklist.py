"""Checklist cards through the real discord.py against the fake Discord, on SQLite: posted by
any member, ticked only with Manage Channels or Manage Server, re-opened and edited in place when
a tool's facts change."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.platforms.discord.fake_discord import (
    CHANNEL_ID,
    EVERY_PERMISSION,
    MEMBER_ID,
    DiscordHarness,
    click,
    custom_ids,
    interaction,
    running_fake,
    sent_message,
    slash,
)
from tests.platforms.discord.fake_discord import (
    SEND_MESSAGES as SEND,
)
from tests.platforms.discord.test_living import CHANNEL, MEMBER, MESSAGE, Bot
from tests.platforms.living_support import REMINDER_DUE, living_bench, until
from tests.support.editions import edition, organise, organised

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
    before = len(bot.followups())
    assert await bot.fake.interact(member, payload) == {"type": 5, "data": {"flags": 64}}
    await bot.fake.wait_until(lambda: len(bot.followups()) > before)
    assert "Checklist posted" in json.dumps(bot.followups()[-1].body)
    posted = bot.fake.posts_in(CHANNEL_ID)[-1]
    return sent_message(posted, str(posted["id"]), ephemeral=False) | {
        "components": posted.get("components", [])
    }


async def card_is_current(bot: Bot, message_id: str) -> bool:
    checklist = await bot.bench.store.checklist(CHANNEL, message_id)
    return checklist is not None and checklist.shown == checklist.generation


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
    # The click's answer reaches Discord before the bot records that the card shows it.
    await until(lambda: card_is_current(bot, card["id"]), True)
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


async def test_a_forged_item_id_changes_no_mark_and_shows_the_card_as_it_is(bot: Bot) -> None:
    card = await post_checklist(bot)
    member = bot.harness.bot
    # Well formed, but naming a tool that is not on this card: only a forged id does that.
    forged = "optout:check:quietnote:1"
    shown = card | {"components": [{"type": 1, "components": [_button(forged)]}]}
    answer = await bot.fake.interact(member, click(member, forged, shown))
    assert answer["type"] == 7
    assert custom_ids(answer) == [MARK] and "✅" not in json.dumps(answer, ensure_ascii=False)
    assert not await done(bot, card["id"])
    assert await bot.bench.store.open_items(CHANNEL) == {"chatterbox"}


async def test_a_reminder_names_the_tool_still_open_on_the_channels_checklist(bot: Bot) -> None:
    await bot.bench.tick()  # the first pass takes note of the deadlines that exist
    await bot.ask({"action": "subscribe", "service": "chatterbox"})
    await post_checklist(bot)
    bot.bench.clock.set(REMINDER_DUE)
    assert (await bot.bench.tick()).reminders["discord"].done == 1
    reminder = bot.fake.posts_in(CHANNEL_ID)[-1]
    assert reminder["embeds"][0]["title"] == "Reminder: Chatterbox AI"
    shown = json.dumps(reminder["embeds"], ensure_ascii=False)
    assert "Still open on this channel's checklist" in shown
    assert "Share chats for training" in shown


# -- the tool picker ----------------------------------------------------------------------------


# The picker answers ``/optout action:checklist`` with no tools, and sits under the workspace view.
SOURCES = ["checklist", "workspace"]


async def show_picker(bot: Bot, source: str = "checklist", **settings: Any) -> dict[str, Any]:
    """``/optout action:checklist`` with no tools (or ``action:workspace``): the private answer,
    as Discord delivers it with a choice made in its menu."""
    bot.bench.publish(edition(organised(), quietnote=organise(state="varies")))
    member = bot.harness.bot
    payload = slash(member, "optout", {"action": source}, permissions=MEMBER, **settings)
    answer = await bot.fake.interact(member, payload)
    assert answer["type"] == 4 and answer["data"]["flags"] == 64
    return sent_message(answer, "1720000000000000001", ephemeral=True)


def choose(bot: Bot, picker: dict[str, Any], values: Any, **settings: Any) -> dict[str, Any]:
    """A choice in the picker's menu, as Discord sends it."""
    [menu] = [c for row in picker["components"] for c in row["components"] if c["type"] == 3]
    data = {"custom_id": menu["custom_id"], "component_type": 3, "values": values}
    return interaction(bot.harness.bot, 3, data, message=picker, permissions=MEMBER, **settings)


@pytest.mark.parametrize("source", SOURCES)
async def test_the_picker_offers_every_workplace_tool_and_posts_the_chosen_ones(
    bot: Bot, source: str
) -> None:
    picker = await show_picker(bot, source)
    [row] = picker["components"]  # the workspace view has no buttons to keep beside it
    [menu] = row["components"]
    assert menu["custom_id"] == "optout:pick:0"
    assert [(option["value"], option["label"]) for option in menu["options"]] == [
        ("chatterbox", "Chatterbox AI"),
        ("quietnote", "QuietNote"),
    ]
    assert (menu["min_values"], menu["max_values"]) == (1, 2)
    assert bot.fake.posts_in(CHANNEL_ID) == []
    payload = choose(bot, picker, ["quietnote", "chatterbox"])
    assert await bot.fake.interact(bot.harness.bot, payload) == {"type": 5, "data": {"flags": 64}}
    await bot.fake.wait_until(lambda: bot.followups())
    assert "Checklist posted" in json.dumps(bot.followups()[-1].body)
    posted = bot.fake.posts_in(CHANNEL_ID)[-1]
    assert custom_ids(posted) == ["optout:check:quietnote:1", MARK]
    checklist = await bot.bench.store.checklist(CHANNEL, str(posted["id"]))
    assert checklist is not None
    assert [entry.service_id for entry in checklist.entries] == ["quietnote", "chatterbox"]


@pytest.mark.parametrize("source", SOURCES)
async def test_a_picked_checklist_where_the_bot_may_not_post_names_the_permission(
    bot: Bot, source: str
) -> None:
    picker = await show_picker(bot, source)
    payload = choose(bot, picker, ["chatterbox"], app_permissions=EVERY_PERMISSION & ~SEND)
    answer = await bot.fake.interact(bot.harness.bot, payload)
    assert answer["type"] == 4 and answer["data"]["flags"] == 64
    assert "I can't post in this channel: I need the **Send Messages**" in json.dumps(answer)
    assert bot.fake.posts_in(CHANNEL_ID) == []


async def test_the_workspace_picker_refuses_a_member_exactly_as_the_checklist_picker(
    bot: Bot,
) -> None:
    refusals = []
    for source in SOURCES:
        picker = await show_picker(bot, source)
        payload = choose(bot, picker, ["chatterbox"], app_permissions=EVERY_PERMISSION & ~SEND)
        refusals.append((await bot.fake.interact(bot.harness.bot, payload))["data"])
    assert refusals[0] == refusals[1]


async def test_a_checklist_posted_from_the_workspace_view_is_ticked_by_the_same_rule(
    bot: Bot,
) -> None:
    picker = await show_picker(bot, "workspace")
    assert "Workplace tools" in json.dumps(picker["embeds"])
    member = bot.harness.bot
    payload = choose(bot, picker, ["chatterbox", "quietnote"])
    assert await bot.fake.interact(member, payload) == {"type": 5, "data": {"flags": 64}}
    await bot.fake.wait_until(lambda: bot.followups())
    posted = bot.fake.posts_in(CHANNEL_ID)[-1]
    card = sent_message(posted, str(posted["id"]), ephemeral=False) | {
        "components": posted.get("components", [])
    }
    refused = await bot.fake.interact(member, click(member, MARK, card, permissions=MEMBER))
    assert "Only people who can manage this channel" in json.dumps(refused)
    assert not await done(bot, card["id"])
    marked = await bot.fake.interact(member, click(member, MARK, card))
    assert marked["type"] == 7 and await done(bot, card["id"])


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    values=st.one_of(
        st.lists(st.text(max_size=100), max_size=30),
        st.lists(
            st.sampled_from(["chatterbox", "quietnote", "oldsocial", "all"]), min_size=1
        ).filter(lambda chosen: len(set(chosen)) < len(chosen) or "oldsocial" in chosen),
        st.lists(st.just("chatterbox"), min_size=26, max_size=40),
    )
)
async def test_a_forged_or_stale_choice_is_refused_privately_and_posts_nothing(
    bot: Bot, values: list[str]
) -> None:
    picker = await show_picker(bot)
    answer = await bot.fake.interact(bot.harness.bot, choose(bot, picker, values))
    assert answer["type"] == 4 and answer["data"]["flags"] == 64
    assert "no longer matches the workplace tools" in json.dumps(answer)
    assert bot.fake.posts_in(CHANNEL_ID) == []


def _button(custom_id: str) -> dict[str, Any]:
    return {"type": 2, "style": 3, "label": "Mark done", "custom_id": custom_id}
