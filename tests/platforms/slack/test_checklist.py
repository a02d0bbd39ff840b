"""Checklist cards through the real slack-bolt and slack_sdk against the fake Slack, on SQLite:
posted by anyone, ticked only by people who may manage the channel, re-opened and edited in
place when a tool's facts change."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.platforms.slack.render import CHECK_ACTION, PICK_ACTION, PICKER_BLOCK_ID, check_value
from tests.platforms.living_support import REMINDER_DUE
from tests.platforms.slack.fake_slack import CHANNEL_ID, USER_ID
from tests.platforms.slack.test_living import ADMIN, CHANNEL, Bot, living_bot
from tests.support.editions import edition, organise, organised


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Bot]:
    async with living_bot(tmp_path) as running:
        running.bench.publish(organised())
        yield running


async def post_checklist(bot: Bot, text: str = "checklist chatterbox") -> str:
    """``/optout checklist …`` by an ordinary member; the timestamp of the card."""
    assert (await bot.fake.command("/optout", text, response="r1")).status == 200
    [said] = await bot.fake.wait_for(lambda: bot.fake.responded("r1"))
    assert "Checklist posted" in json.dumps(said)
    bot.fake.responses.clear()
    return str(bot.fake.posts_in(CHANNEL_ID)[-1]["ts"])


async def tick_item(bot: Bot, ts: str, done: bool, user: str, response: str = "r2") -> None:
    """A click on the card's chatterbox button, as Slack sends it for a message in a channel."""
    payload = bot.fake.click_payload(CHECK_ACTION, check_value("chatterbox", done), user=user)
    payload["container"] = {"type": "message", "message_ts": ts, "channel_id": CHANNEL_ID}
    payload["message"] = {"ts": ts}
    body = urlencode({"payload": json.dumps(payload)})
    assert (await bot.fake.post(body)).status == 200


async def stored_done(bot: Bot, ts: str) -> bool:
    checklist = await bot.bench.store.checklist(CHANNEL, ts)
    assert checklist is not None
    return checklist.entries[0].done


async def test_a_posted_checklist_has_a_mark_done_button_per_item(bot: Bot) -> None:
    ts = await post_checklist(bot)
    blocks = bot.fake.messages[(CHANNEL_ID, ts)]["blocks"]
    buttons = [block["accessory"] for block in blocks if "accessory" in block]
    assert [button["text"]["text"] for button in buttons] == ["Mark done"]
    assert buttons[0]["action_id"] == CHECK_ACTION
    assert not await stored_done(bot, ts)


async def test_a_member_who_may_not_manage_the_channel_cannot_tick(bot: Bot) -> None:
    ts = await post_checklist(bot)
    await tick_item(bot, ts, True, USER_ID)
    [said] = await bot.fake.wait_for(lambda: bot.fake.responded("r2"))
    assert "Only people who can manage this channel" in json.dumps(said)
    assert not await stored_done(bot, ts)
    assert bot.fake.called("chat.update") == []


async def test_an_admin_marks_an_item_done_and_undoes_it(bot: Bot) -> None:
    ts = await post_checklist(bot)
    await tick_item(bot, ts, True, ADMIN)
    await bot.fake.wait_for(lambda: bot.fake.called("chat.update"))
    assert f"marked by <@{ADMIN}>" in bot.text(ts)
    assert '"Undo"' in bot.text(ts)
    assert await stored_done(bot, ts)
    await tick_item(bot, ts, False, ADMIN, response="r3")
    await bot.fake.wait_for(lambda: len(bot.fake.called("chat.update")) == 2)
    assert "marked by" not in bot.text(ts) and '"Mark done"' in bot.text(ts)
    assert not await stored_done(bot, ts)


async def test_a_forged_button_value_changes_nothing(bot: Bot) -> None:
    ts = await post_checklist(bot)
    payload = bot.fake.click_payload(CHECK_ACTION, '{"s":"<!channel>","d":1}', user=ADMIN)
    payload["container"] = {"type": "message", "message_ts": ts, "channel_id": CHANNEL_ID}
    assert (await bot.fake.post(urlencode({"payload": json.dumps(payload)}))).status == 200
    [said] = await bot.fake.wait_for(lambda: bot.fake.responded("r2"))
    assert "could not read that button" in json.dumps(said)
    assert not await stored_done(bot, ts)


async def test_a_change_of_the_tools_facts_reopens_the_item_and_edits_the_card(bot: Bot) -> None:
    ts = await post_checklist(bot)
    await tick_item(bot, ts, True, ADMIN)
    await bot.fake.wait_for(lambda: bot.fake.called("chat.update"))
    await bot.bench.tick()
    edits = len(bot.fake.called("chat.update"))
    bot.bench.publish(edition(organised(), chatterbox=organise(state="varies")))
    bot.bench.clock.advance(hours=1)
    report = await bot.bench.tick()
    assert report.edits["slack"].done == 1
    assert len(bot.fake.called("chat.update")) == edits + 1
    assert "Open again since 20 Nov 2026: the plan defaults changed" in bot.text(ts)
    assert not await stored_done(bot, ts)
    assert await bot.bench.store.open_items(CHANNEL) == {"chatterbox"}


async def test_a_reminder_names_the_tool_still_open_on_the_channels_checklist(bot: Bot) -> None:
    await bot.bench.tick()  # the first pass takes note of the deadlines that exist
    await bot.ask("subscribe chatterbox", user=ADMIN)
    await post_checklist(bot)
    bot.bench.clock.set(REMINDER_DUE)
    assert (await bot.bench.tick()).reminders["slack"].done == 1
    reminder = bot.fake.called("chat.postMessage")[-1]
    assert reminder["text"].startswith("Reminder: Chatterbox AI")
    shown = json.dumps(reminder["blocks"], ensure_ascii=False)
    assert "Still open on this channel's checklist" in shown
    assert "Share chats for training" in shown


# -- the tool picker ----------------------------------------------------------------------------


# The picker answers ``/optout checklist`` with no tools, and sits under ``/optout workspace``.
SOURCES = ["checklist", "workspace"]


async def show_picker(bot: Bot, source: str = "checklist") -> dict[str, Any]:
    """``/optout checklist`` with no tools (or ``/optout workspace``): the private answer's
    multi-select menu."""
    bot.bench.publish(edition(organised(), quietnote=organise(state="varies")))
    answer = await bot.fake.command("/optout", source, response="r1")
    assert answer.status == 200 and answer.body["response_type"] == "ephemeral"
    [menu] = [
        block["accessory"]
        for block in answer.body["blocks"]
        if block.get("accessory", {}).get("type") == "multi_static_select"
    ]
    return dict(menu)


async def choose_tools(bot: Bot, selected: Any, user: str = USER_ID) -> None:
    """The member closes the picker with ``selected`` as Slack reports it."""
    payload = bot.fake.click_payload(PICK_ACTION, "", user=user)
    payload["actions"] = [
        {
            "type": "multi_static_select",
            "action_id": PICK_ACTION,
            "block_id": PICKER_BLOCK_ID,
            "selected_options": selected,
            "action_ts": "1700000001.000200",
        }
    ]
    assert (await bot.fake.post(urlencode({"payload": json.dumps(payload)}))).status == 200


def options(*ids: str) -> list[dict[str, Any]]:
    return [{"text": {"type": "plain_text", "text": key}, "value": key} for key in ids]


@pytest.mark.parametrize("source", SOURCES)
async def test_the_picker_offers_every_workplace_tool_and_posts_the_chosen_ones(
    bot: Bot, source: str
) -> None:
    menu = await show_picker(bot, source)
    assert [(option["value"], option["text"]["text"]) for option in menu["options"]] == [
        ("chatterbox", "Chatterbox AI"),
        ("quietnote", "QuietNote"),
    ]
    assert menu["max_selected_items"] == 2
    assert bot.fake.called("chat.postMessage") == []
    await choose_tools(bot, options("quietnote", "chatterbox"))
    [said] = await bot.fake.wait_for(lambda: bot.fake.responded("r2"))
    assert "Checklist posted" in json.dumps(said)
    ts = str(bot.fake.posts_in(CHANNEL_ID)[-1]["ts"])
    checklist = await bot.bench.store.checklist(CHANNEL, ts)
    assert checklist is not None
    assert [entry.service_id for entry in checklist.entries] == ["quietnote", "chatterbox"]


@pytest.mark.parametrize("source", SOURCES)
async def test_a_picked_checklist_where_the_bot_is_not_a_member_says_how_to_invite_it(
    bot: Bot, source: str
) -> None:
    await show_picker(bot, source)
    bot.fake.fail("chat.postMessage", "not_in_channel")
    await choose_tools(bot, options("chatterbox"))
    [said] = await bot.fake.wait_for(lambda: bot.fake.responded("r2"))
    assert "not a member" in json.dumps(said) and "/invite" in json.dumps(said)
    assert bot.fake.posts_in(CHANNEL_ID) == []


async def test_the_workspace_picker_refuses_a_member_exactly_as_the_checklist_picker(
    bot: Bot,
) -> None:
    refusals = []
    for source in SOURCES:
        await show_picker(bot, source)
        bot.fake.fail("chat.postMessage", "not_in_channel")
        await choose_tools(bot, options("chatterbox"))
        [said] = await bot.fake.wait_for(lambda: bot.fake.responded("r2"))
        refusals.append(said)
        bot.fake.responses.clear()
    assert refusals[0] == refusals[1] and refusals[0]["response_type"] == "ephemeral"


async def test_a_checklist_posted_from_the_workspace_view_is_ticked_by_the_same_rule(
    bot: Bot,
) -> None:
    view = await bot.fake.command("/optout", "workspace", response="r1")
    # The view itself keeps what it had: its text, and no buttons beside the picker.
    assert "Workplace tools" in json.dumps(view.body)
    assert not [block for block in view.body["blocks"] if block["type"] == "actions"]
    await choose_tools(bot, options("chatterbox"))
    await bot.fake.wait_for(lambda: bot.fake.responded("r2"))
    bot.fake.responses.clear()
    ts = str(bot.fake.posts_in(CHANNEL_ID)[-1]["ts"])
    await tick_item(bot, ts, True, USER_ID)
    [said] = await bot.fake.wait_for(lambda: bot.fake.responded("r2"))
    assert "Only people who can manage this channel" in json.dumps(said)
    assert not await stored_done(bot, ts)
    bot.fake.responses.clear()
    await tick_item(bot, ts, True, ADMIN)
    await bot.fake.wait_for(lambda: bot.fake.called("chat.update"))
    assert await stored_done(bot, ts)


@pytest.mark.parametrize(
    "selected",
    [
        options("chatterbox", "blorp"),  # an id no tool has (or one that left the knowledge base)
        options("oldsocial"),  # a service, but not a workplace tool
        options("chatterbox", "chatterbox"),
        options(*["chatterbox"] * 21),
        [],
        "chatterbox",
        [{"value": 7}],
    ],
)
async def test_a_forged_or_stale_pick_is_refused_privately_and_posts_nothing(
    bot: Bot, selected: Any
) -> None:
    await show_picker(bot)
    await choose_tools(bot, selected)
    [said] = await bot.fake.wait_for(lambda: bot.fake.responded("r2"))
    assert "no longer matches the workplace tools" in json.dumps(said)
    assert said["response_type"] == "ephemeral"
    assert bot.fake.posts_in(CHANNEL_ID) == []
