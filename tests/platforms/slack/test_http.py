"""The Slack adapter end to end in HTTP mode: the real slack-bolt on 127.0.0.1 against a fake Slack.

The fake signs slash commands and button clicks as Slack does, posts them to the app over HTTP,
and records every Web API call and ``response_url`` post the app makes.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.core.assistant import Assistant
from bot.core.clock import FixedClock
from bot.core.library import KnowledgeBase
from bot.platforms.slack import actions
from bot.platforms.slack.manifest import manifest, slash_commands
from tests.platforms.slack.fake_slack import (
    BOT_USER_ID,
    CHANNEL_ID,
    USER_ID,
    Answer,
    FakeSlack,
    serve_slack,
)
from tests.support import (
    assistant_at,
    fixture_knowledge,
    instant,
    long_guide,
    platform_words,
    with_service,
)
from tests.support import sharing_said as said

NOW = "2025-09-20T12:00:00Z"
PIN_SCOPE = "I can't pin this answer: I need the pins:write permission here. A workspace admin"
HOSTILE = [
    "<!channel>",
    "<@U123>",
    "@here please",
    "*bold* _it_ ~strike~ `code` <https://evil.example|click> &amp;",
    "<!everyone> " + "x" * 10_000,
]


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with serve_slack(assistant_at(NOW)) as (fake, _):
        yield fake


def golden(name: str) -> list[dict[str, Any]]:
    from tests.support.golden import GOLDEN_DIR

    loaded: list[dict[str, Any]] = json.loads((GOLDEN_DIR / name).read_text(encoding="utf-8"))
    return loaded


def buttons(answer: Answer) -> dict[str, dict[str, Any]]:
    found = {}
    for block in answer.body.get("blocks", []):
        if block["type"] == "actions":
            found.update({element["action_id"]: element for element in block["elements"]})
    return found


def notice(body: dict[str, Any]) -> str:
    return str(body["blocks"][0]["text"]["text"])


# -- commands ---------------------------------------------------------------------------------


async def test_every_command_in_the_manifest_answers_privately_within_the_ack(
    slack: FakeSlack,
) -> None:
    for entry in manifest(slash_commands())["features"]["slash_commands"]:
        answer = await slack.command(entry["command"], "chatterbox")
        assert answer.status == 200, entry["command"]
        assert answer.body["response_type"] == "ephemeral"
        assert answer.body["text"] and answer.body["blocks"]
        assert answer.seconds < 1.0
        shareable = "[share]" in entry.get("usage_hint", "")
        expected = {actions.SHARE_ACTION, actions.PIN_ACTION} if shareable else set()
        if entry["command"] == "/optout":
            # A card: its settings page as a link button, and the Full guide.
            expected |= {actions.GUIDE_ACTION, f"{actions.LINK_ACTION}_0"}
        assert set(buttons(answer)) == expected
    # Answering needs nothing from Slack beyond signing in.
    assert {call.method for call in slack.calls} == {"auth.test"}
    assert not slack.responses


async def test_the_ack_carries_exactly_the_golden_blocks(slack: FakeSlack) -> None:
    answer = await slack.command("/optout", "chatterbox")
    assert answer.body == {"response_type": "ephemeral", **golden("slack_optout_service.json")[0]}


async def test_renamed_commands_are_served_under_their_new_names() -> None:
    renamed = {"optout": "/ai-optout", "help": "/ai-help"}
    async with serve_slack(assistant_at(NOW), slack_commands=renamed) as (fake, _):
        assert (await fake.command("/ai-optout", "chatterbox")).body["blocks"][0]["text"][
            "text"
        ] == "Chatterbox AI"
        assert (await fake.command("/ai-help")).status == 200
        assert (await fake.command("/optout", "chatterbox")).status == 404


async def test_concurrent_commands_are_all_acknowledged_quickly(slack: FakeSlack) -> None:
    started = time.perf_counter()
    answers = await asyncio.gather(*(slack.command("/deadline", "") for _ in range(50)))
    assert all(answer.status == 200 for answer in answers)
    assert max(answer.seconds for answer in answers) < 3.0
    assert time.perf_counter() - started < 3.0


@pytest.mark.parametrize("text", HOSTILE)
async def test_hostile_input_comes_back_neutralised(slack: FakeSlack, text: str) -> None:
    answer = await slack.command("/optout", f"chatterbox {text}")
    assert answer.status == 200
    assert_neutralised(answer.text)


# -- share and pin ----------------------------------------------------------------------------


async def test_share_posts_the_answer_publicly_with_who_shared_it(slack: FakeSlack) -> None:
    answer = await slack.command("/optout", "chatterbox")
    share = buttons(answer)[actions.SHARE_ACTION]
    assert (await slack.click(share["action_id"], share["value"])).status == 200
    posted = (await slack.wait_for(lambda: slack.called("chat.postMessage")))[0]
    assert posted["channel"] == CHANNEL_ID
    assert posted["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Chatterbox AI"},
        "block_id": "b0",
    }
    assert posted["text"].startswith("Chatterbox AI: ")
    *body, context, buttons_block = posted["blocks"]
    assert {"type": "mrkdwn", "text": f"Shared by <@{USER_ID}>", "verbatim": True} in context[
        "elements"
    ]
    # The posted card keeps its settings link and Full guide; Share has been done.
    kept = [element["action_id"] for element in buttons_block["elements"]]
    assert kept == [f"{actions.LINK_ACTION}_0", actions.GUIDE_ACTION]
    assert all(block["type"] != "actions" for block in body)
    assert posted["unfurl_links"] is False
    confirmation = (await slack.wait_for(lambda: slack.responded("r2")))[0]
    assert confirmation["replace_original"] is True
    assert notice(confirmation) == said("shared")
    pin = confirmation["blocks"][-1]["elements"][0]
    assert json.loads(pin["value"]) == {"ts": "1700000000.000001"}


async def test_pin_after_share_pins_the_shared_message(slack: FakeSlack) -> None:
    await slack.click(actions.SHARE_ACTION, '{"c":"deadline","a":"chatterbox"}')
    shared = (await slack.wait_for(lambda: slack.responded("r2")))[0]
    pin = shared["blocks"][-1]["elements"][0]
    await slack.click(pin["action_id"], pin["value"], response="r3")
    pinned = (await slack.wait_for(lambda: slack.called("pins.add")))[0]
    assert pinned == {"channel": CHANNEL_ID, "timestamp": "1700000000.000001", "team_id": "T0TEST"}
    done = (await slack.wait_for(lambda: slack.responded("r3")))[0]
    assert notice(done) == said("pinned") and done["replace_original"] is True
    assert len(slack.called("chat.postMessage")) == 1


async def test_pin_on_a_private_answer_shares_it_then_pins_that_message(slack: FakeSlack) -> None:
    answer = await slack.command("/changes", "chatterbox")
    pin = buttons(answer)[actions.PIN_ACTION]
    await slack.click(pin["action_id"], pin["value"])
    pinned = (await slack.wait_for(lambda: slack.called("pins.add")))[0]
    posted = slack.called("chat.postMessage")
    assert len(posted) == 1 and pinned["timestamp"] == "1700000000.000001"
    assert notice((await slack.wait_for(lambda: slack.responded("r2")))[0]) == said("pinned")


async def test_share_word_posts_directly(slack: FakeSlack) -> None:
    answer = await slack.command("/optout", "chatterbox SHARE")
    assert answer.status == 200 and answer.body == ""
    posted = (await slack.wait_for(lambda: slack.called("chat.postMessage")))[0]
    assert posted["blocks"][0]["text"]["text"] == "Chatterbox AI"
    confirmation = (await slack.wait_for(lambda: slack.responded("r1")))[0]
    assert notice(confirmation) == said("shared")
    assert confirmation["response_type"] == "ephemeral"
    assert confirmation.get("replace_original") is False


async def test_share_word_on_an_error_keeps_it_private(slack: FakeSlack) -> None:
    answer = await slack.command("/optout", "no such thing share")
    assert answer.body["response_type"] == "ephemeral"
    assert "I don't know a service called" in answer.text
    assert not buttons(answer)
    await asyncio.sleep(0.05)
    assert not slack.called("chat.postMessage")


async def test_shared_hostile_words_stay_neutralised(slack: FakeSlack) -> None:
    await slack.command("/optout", "chatterbox <!channel> @here <@U123> share")
    posted = (await slack.wait_for(lambda: slack.called("chat.postMessage")))[0]
    assert_neutralised(json.dumps(posted, ensure_ascii=False).replace(f"<@{USER_ID}>", ""))


@pytest.mark.parametrize(
    "value", ["", "not json", "[]", '{"c":"rm -rf"}', '{"ts":"<!channel>"}', "{" * 3000]
)
async def test_unreadable_button_values_get_a_clear_private_reply(
    slack: FakeSlack, value: str
) -> None:
    assert (await slack.click(actions.SHARE_ACTION, value)).status == 200
    reply = (await slack.wait_for(lambda: slack.responded("r2")))[0]
    assert notice(reply) == platform_words(actions.PLATFORM).button_unreadable
    assert reply["response_type"] == "ephemeral"
    assert not slack.called("chat.postMessage")


# -- Slack's errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "method", "error", "extra", "expected"),
    [
        ("share", "chat.postMessage", "not_in_channel", {}, f"/invite <@{BOT_USER_ID}>"),
        ("share", "chat.postMessage", "channel_not_found", {}, f"/invite <@{BOT_USER_ID}>"),
        ("share", "chat.postMessage", "is_archived", {}, said("archived")),
        ("pin", "pins.add", "is_archived", {}, said("archived")),
        (
            "pin",
            "pins.add",
            "missing_scope",
            {"needed": "pins:write"},
            PIN_SCOPE,
        ),
        ("pin", "pins.add", "already_pinned", {}, said("already_pinned")),
        ("pin", "pins.add", "message_not_found", {}, said("not_pinnable")),
    ],
)
async def test_slack_errors_are_explained_privately(
    slack: FakeSlack, action: str, method: str, error: str, extra: dict[str, Any], expected: str
) -> None:
    slack.fail(method, error, extra=extra)
    action_id = actions.SHARE_ACTION if action == "share" else actions.PIN_ACTION
    await slack.click(action_id, '{"c":"optout","a":"chatterbox"}')
    reply = (await slack.wait_for(lambda: slack.responded("r2")))[0]
    assert expected in notice(reply)
    assert reply["response_type"] == "ephemeral" and reply["replace_original"] is False


async def test_rate_limits_are_retried_after_the_time_slack_asks(slack: FakeSlack) -> None:
    slack.fail("chat.postMessage", "ratelimited", status=429, retry_after=1)
    await slack.click(actions.SHARE_ACTION, '{"c":"optout","a":"chatterbox"}')
    confirmation = (await slack.wait_for(lambda: slack.responded("r2")))[0]
    assert notice(confirmation) == said("shared")
    first, second = (call for call in slack.calls if call.method == "chat.postMessage")
    assert second.at - first.at >= 1.0


async def test_a_rate_limit_that_persists_is_explained() -> None:
    async with serve_slack(assistant_at(NOW), retries=1) as (fake, _):
        fake.fail("chat.postMessage", "ratelimited", status=429, retry_after=0, times=5)
        await fake.click(actions.SHARE_ACTION, '{"c":"optout","a":"chatterbox"}')
        reply = (await fake.wait_for(lambda: fake.responded("r2")))[0]
        assert notice(reply) == said("rate_limited")
        assert len(fake.called("chat.postMessage")) == 2


async def test_an_unexpected_slack_error_gets_the_apology_and_is_logged(
    slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    slack.fail("chat.postMessage", "invalid_blocks")
    await slack.click(actions.SHARE_ACTION, '{"c":"optout","a":"chatterbox"}')
    reply = (await slack.wait_for(lambda: slack.responded("r2")))[0]
    assert notice(reply) == fixture_knowledge().messages.en.apology
    assert "invalid_blocks" in caplog.text


async def test_a_bug_is_answered_with_the_apology_never_a_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken() -> KnowledgeBase:
        raise RuntimeError("the knowledge base is on fire")

    assistant = Assistant(broken, FixedClock(instant(NOW)))
    async with serve_slack(assistant) as (fake, _):
        answer = await fake.command("/optout", "chatterbox")
        assert answer.status == 200 and answer.body["response_type"] == "ephemeral"
        assert "Sorry, something went wrong" in notice(answer.body)
        assert "fire" not in answer.text and "Traceback" not in answer.text
        await fake.click(actions.SHARE_ACTION, '{"c":"optout","a":"chatterbox"}')
        reply = (await fake.wait_for(lambda: fake.responded("r2")))[0]
        assert "Sorry, something went wrong" in notice(reply)
    assert "on fire" in caplog.text and "Traceback" in caplog.text


# -- long answers -----------------------------------------------------------------------------


async def test_an_answer_too_long_for_one_message_follows_up_in_order() -> None:
    # Cards and listings are one message by construction; a long enough guide is not.
    knowledge = with_service(long_guide())
    assistant = Assistant(lambda: knowledge, FixedClock(instant(NOW)))
    async with serve_slack(assistant) as (fake, _):
        answer = await fake.command("/optout", "longguide full")
        assert answer.body["blocks"][0]["text"]["text"] == "Long Guide"
        # Three messages: the acknowledgement, then two follow-ups.
        rest = await fake.wait_for(lambda: len(fake.responded("r1")) == 2 and fake.responded("r1"))
        assert rest[-1]["blocks"][-1]["type"] == "actions"
        shown = answer.text + json.dumps(rest)
        order = [shown.index(f"Step {part}.{n}.") for part in range(14) for n in range(15)]
        assert order == sorted(order)


# -- signatures -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tampering",
    [
        {"secret": "not-the-secret"},
        {"signed": False},
        {"timestamp": int(time.time()) - 10 * 60},
        {"timestamp": int(time.time()) + 10 * 60},
    ],
    ids=["wrong secret", "missing signature", "stale", "from the future"],
)
async def test_badly_signed_requests_are_refused_before_any_handler_runs(
    slack: FakeSlack, tampering: dict[str, Any]
) -> None:
    calls_before = len(slack.calls)
    answer = await slack.command("/optout", "chatterbox share", **tampering)
    assert answer.status == 401
    assert "Chatterbox" not in answer.text
    click = await slack.click(actions.SHARE_ACTION, '{"c":"optout","a":"claude"}', **tampering)
    assert click.status == 401
    await asyncio.sleep(0.05)
    assert len(slack.calls) == calls_before
    assert not slack.responses


async def test_a_body_changed_after_signing_is_refused(slack: FakeSlack) -> None:
    signed = "command=%2Foptout&text=chatterbox"
    answer = await slack.post(signed + "+share", signed_as=signed)
    assert answer.status == 401


async def test_logs_carry_no_user_ids_or_command_text(caplog: pytest.LogCaptureFixture) -> None:
    # bolt's loggers take the root level when the app is built, so set it first.
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="bot")
    async with serve_slack(assistant_at(NOW)) as (slack, _):
        await slack.command("/optout", "chatterbox secretword", secret="wrong")
        await slack.command("/optout", "chatterbox secretword")
        slack.fail("chat.postMessage", "invalid_blocks")
        await slack.command("/optout", "chatterbox secretword share")
        await slack.wait_for(lambda: slack.responded("r1"))
    assert "invalid_blocks" in caplog.text
    for private in (USER_ID, "secretword", "fake-signing-secret", "xoxb-fake"):
        assert private not in caplog.text


def assert_neutralised(text: str) -> None:
    for raw in ("<!channel>", "<!everyone>", "<@U123>", "<https://evil", "*bold*", "`code`"):
        assert raw not in text
    lowered = text.lower()
    assert "@here" not in lowered and "@channel" not in lowered and "@everyone" not in lowered
