"""The Full guide on Slack end to end: a click opens the complete answer in a modal with the
click's trigger id; where Slack refuses the modal, the guide arrives privately instead."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.platforms.slack import actions
from bot.platforms.slack.render import MAX_MODAL_BLOCKS, render_modal
from tests.platforms.slack.fake_slack import TRIGGER_ID, FakeSlack, serve_slack
from tests.support import assistant_at, long_guide, with_service

NOW = "2025-09-20T12:00:00Z"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with serve_slack(assistant_at(NOW)) as (fake, _):
        yield fake


async def guide_button(slack: FakeSlack, service: str = "chatterbox") -> dict[str, Any]:
    """The Full guide button under the private card ``/optout <service>`` answers with."""
    card = await slack.command("/optout", service)
    [row] = [block for block in card.body["blocks"] if block["type"] == "actions"]
    [button] = [e for e in row["elements"] if e["action_id"] == actions.GUIDE_ACTION]
    return dict(button)


async def test_full_guide_opens_the_complete_answer_in_a_modal(slack: FakeSlack) -> None:
    button = await guide_button(slack)
    assert button["text"]["text"] == "Full guide"
    assert (await slack.click(button["action_id"], button["value"])).status == 200
    [view] = await slack.wait_for(lambda: slack.views)
    [call] = slack.called("views.open")
    assert call["trigger_id"] == TRIGGER_ID
    guide = assistant_at(NOW).run("optout", "chatterbox", detail="full")
    assert view == render_modal(guide, "Close")
    assert view["title"]["text"] == "Chatterbox AI"
    shown = json.dumps(view["blocks"], ensure_ascii=False)
    # The guide, not the card: every step and source, nothing folded behind "see more".
    assert "Improve Chatterbox for everyone" in shown and "Sources: " in shown
    assert len(view["blocks"]) <= MAX_MODAL_BLOCKS
    sections = [block for block in view["blocks"] if block["type"] == "section"]
    assert sections and all(block.get("expand") is True for block in sections)
    # Private to whoever clicked: nothing posted, nothing said in the conversation.
    assert slack.called("chat.postMessage") == [] and slack.responded("r2") == []


async def test_a_refused_modal_sends_the_guide_privately_instead(slack: FakeSlack) -> None:
    slack.fail("views.open", "expired_trigger_id")
    button = await guide_button(slack)
    await slack.click(button["action_id"], button["value"])
    said = await slack.wait_for(lambda: slack.responded("r2"))
    assert all(body["response_type"] == "ephemeral" for body in said)
    assert all(body["replace_original"] is False for body in said)
    shown = json.dumps(said, ensure_ascii=False)
    assert "Improve Chatterbox for everyone" in shown
    assert slack.views == [] and slack.called("chat.postMessage") == []


async def test_a_guide_longer_than_a_modal_holds_arrives_privately_in_order() -> None:
    knowledge = with_service(long_guide())
    guide = assistant_at(NOW, knowledge).run("optout", "longguide", detail="full")
    assert render_modal(guide, "Close") is None  # more than MAX_MODAL_BLOCKS blocks
    async with serve_slack(assistant_at(NOW, knowledge)) as (slack, _):
        button = await guide_button(slack, "longguide")
        await slack.click(button["action_id"], button["value"])
        # More blocks than one message holds, too: the guide comes as several private messages.
        said = await slack.wait_for(
            lambda: len(slack.responded("r2")) >= 3 and slack.responded("r2")
        )
        assert all(body["response_type"] == "ephemeral" for body in said)
        assert all(body["replace_original"] is False for body in said)
        shown = json.dumps(said)
        order = [shown.index(f"Step {part}.{n}.") for part in range(14) for n in range(15)]
        assert order == sorted(order)
        # No modal was tried: Slack would refuse one of this size.
        assert slack.called("views.open") == [] and slack.views == []
        assert slack.called("chat.postMessage") == []


async def test_a_forged_guide_button_is_answered_privately(slack: FakeSlack) -> None:
    await slack.click(actions.GUIDE_ACTION, "not json")
    [said] = await slack.wait_for(lambda: slack.responded("r2"))
    assert said["response_type"] == "ephemeral"
    assert said["blocks"][0]["text"]["text"].startswith("I could not read that button")
    assert slack.views == []


async def test_the_full_variant_of_the_command_answers_with_the_guide(slack: FakeSlack) -> None:
    answer = await slack.command("/optout", "chatterbox full")
    assert answer.body["response_type"] == "ephemeral"
    ids = [block.get("block_id") for block in answer.body["blocks"]]
    assert len(ids) == len(set(ids)) and None not in ids
    assert {
        e["action_id"]
        for b in answer.body["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    } == {
        actions.SHARE_ACTION,
        actions.PIN_ACTION,
    }
