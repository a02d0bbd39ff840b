"""The Slack adapter in Socket Mode: the real AsyncSocketModeHandler against a local WebSocket."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator

import pytest

from bot.bootstrap import serve
from bot.config import Settings
from bot.platforms.slack import actions
from tests.platforms.slack.fake_slack import APP_TOKEN, BOT_TOKEN, FakeSlack, serve_slack
from tests.support import FIXTURE_CONTENT, assistant_at
from tests.support import sharing_said as said


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with serve_slack(assistant_at("2025-09-20T12:00:00Z"), http=False) as (fake, adapter):
        assert adapter.port is None
        yield fake


async def test_socket_mode_opens_a_connection_with_the_app_token(slack: FakeSlack) -> None:
    opened = [call for call in slack.calls if call.method == "apps.connections.open"]
    assert [call.authorization for call in opened] == [f"Bearer {APP_TOKEN}"]


async def test_slash_commands_are_answered_in_the_envelope_ack(slack: FakeSlack) -> None:
    ack = await slack.push("slash_commands", slack.command_payload("/deadline", "chatterbox"))
    assert ack["response_type"] == "ephemeral"
    assert ack["blocks"][0]["text"]["text"] == "Deadlines: Chatterbox AI"
    assert {element["action_id"] for element in ack["blocks"][-1]["elements"]} == {
        actions.SHARE_ACTION,
        actions.PIN_ACTION,
    }


async def test_buttons_work_over_the_socket(slack: FakeSlack) -> None:
    click = slack.click_payload(actions.PIN_ACTION, '{"c":"optout","a":"chatterbox"}')
    assert await slack.push("interactive", click) == {"acknowledged": True}
    pinned = (await slack.wait_for(lambda: slack.called("pins.add")))[0]
    posted = slack.called("chat.postMessage")[0]
    assert pinned["channel"] == posted["channel"]
    confirmation = (await slack.wait_for(lambda: slack.responded("r2")))[0]
    assert confirmation["blocks"][0]["text"]["text"] == said("pinned")


async def test_hostile_words_over_the_socket_come_back_neutralised(slack: FakeSlack) -> None:
    payload = slack.command_payload("/optout", "<!channel> @here <@U123> *x*")
    shown = json.dumps(await slack.push("slash_commands", payload), ensure_ascii=False)
    assert "<!channel>" not in shown and "<@U123>" not in shown and "@here" not in shown


async def test_serve_starts_slack_when_its_tokens_are_set() -> None:
    fake = FakeSlack()
    await fake.start()
    settings = Settings.from_environ(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_APP_TOKEN": APP_TOKEN,
            "SLACK_API_URL": fake.api_url,
            "OPTOUT_CONTENT_DIR": str(FIXTURE_CONTENT),
            "OPTOUT_RELOAD_SECONDS": "0",
            "OPTOUT_CACHE_DIR": "off",
        }
    )
    assert settings.configured_platforms() == ["slack"]
    running = asyncio.create_task(serve(settings, settings.configured_platforms()))
    try:
        ack = await fake.push("slash_commands", fake.command_payload("/optout-help"))
        assert ack["blocks"][0]["text"]["text"] == "optout-bot: stop AI training on your data"
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
        await fake.stop()
