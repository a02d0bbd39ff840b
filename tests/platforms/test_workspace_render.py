"""The workspace view and a checklist card as the console, Slack and Discord show them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.core.answers.checklist import card
from bot.core.assistant import Assistant
from bot.core.clock import FixedClock
from bot.core.library import KnowledgeBase
from bot.core.ports.checklists import ChecklistEntry
from bot.core.reply import Picker, PickOption, Reply
from bot.platforms.console.render import render_text
from bot.platforms.discord import actions as discord_actions
from bot.platforms.discord.components import PRIVATE, RenderedReplies
from bot.platforms.discord.render import render_reply as discord_render
from bot.platforms.slack import actions as slack_actions
from bot.platforms.slack.render import ENGLISH
from bot.platforms.slack.render import render_reply as slack_render
from tests.support import answer_line, instant
from tests.support.editions import edition, organise
from tests.support.golden import assert_golden

NOW = instant("2026-11-20T12:00:00+00:00")
MARKED = datetime(2026, 11, 18, 9, 30, tzinfo=UTC)


def knowledge() -> KnowledgeBase:
    """Two workplace tools: chatterbox defaults to on, quietnote is not used for training."""
    return edition(chatterbox=organise(), quietnote=organise(state="not-applicable"))


def reply(name: str) -> Reply:
    current = knowledge()
    if name == "workspace":
        assistant = Assistant(lambda: current, FixedClock(NOW))
        return answer_line(assistant, "/optout workspace")
    entries = [
        ChecklistEntry("chatterbox", True, "U0ADMIN", MARKED, "x"),
        ChecklistEntry("quietnote", reopened=("plans", "dates"), reopened_at=MARKED),
    ]
    return card(current, current.messages.en, entries, NOW)


def discord_payload(shown: Reply) -> dict[str, Any]:
    buttons = [
        (discord_actions.check_id(item.key, not item.done), item.button) for item in shown.checklist
    ]
    payload: dict[str, Any] = {
        "messages": [message.to_json() for message in discord_render(shown)],
        "buttons": buttons,
    }
    if shown.picker is not None:
        view = RenderedReplies().reply(shown, PRIVATE)[0]["view"]
        payload["components"] = view.to_components()
    return payload


@pytest.mark.parametrize("name", ["workspace", "checklist"])
def test_console_slack_and_discord_match_their_golden_files(name: str) -> None:
    shown = reply(name)
    assert_golden(f"console_{name}.txt", render_text(shown, ZoneInfo("Europe/Berlin")))
    slack = [message.payload() for message in slack_render(shown)]
    assert_golden(f"slack_{name}.json", slack)
    assert_golden(f"discord_{name}.json", discord_payload(shown))


def test_an_answer_with_buttons_keeps_them_beside_its_picker_on_both_platforms() -> None:
    """Should a shareable answer ever carry the picker, Share and Pin are not pushed out: on
    Discord the menus give up the row the buttons need, on Slack the buttons follow the menu."""
    tools = tuple(PickOption(f"tool-{number}", f"Tool {number}") for number in range(130))
    shown = replace(
        reply("workspace"),
        shareable=True,
        service_id="chatterbox",
        picker=Picker("Choose workplace tools", tools, 20),
    )
    rows = RenderedReplies().reply(shown, PRIVATE)[0]["view"].to_components()
    assert len(rows) == discord_actions.SELECT_ROW_LIMIT
    assert [part["type"] for part in rows[-1]["components"]] == [2, 2]
    assert all(row["components"][0]["type"] == 3 for row in rows[:-1])
    [slack] = slack_render(shown, slack_actions.answer_buttons(shown, ENGLISH))
    kinds = [block.get("accessory", {}).get("type", block["type"]) for block in slack.blocks]
    assert kinds.index("actions") > kinds.index("multi_static_select")
    [actions_block] = [block for block in slack.blocks if block["type"] == "actions"]
    assert [element["action_id"] for element in actions_block["elements"]] == [
        slack_actions.SHARE_ACTION,
        slack_actions.PIN_ACTION,
    ]
