"""Faults injected through the local platform fakes: 500s, slow calls, dropped connections.

(429 with Retry-After is covered by the platforms' suites: slack/test_http, discord/test_buttons.)
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.platforms.slack import actions
from tests.ops.support import value
from tests.platforms.discord.fake_discord import (
    CHANNEL_POSTS,
    PINS,
    DiscordHarness,
    FakeDiscord,
    FlakyDiscord,
    Request,
    click,
    running_fake,
    sent_message,
    slash,
)
from tests.platforms.slack.fake_slack import CHANNEL_ID as SLACK_CHANNEL_ID
from tests.platforms.slack.fake_slack import FakeSlack, serve_slack
from tests.support import assistant_at, fixture_knowledge
from tests.support import sharing_said as said

NOW = "2025-09-20T12:00:00+00:00"
SLOW_SECONDS = 2.5
STALLED_SECONDS = 30.0


class SlowDiscord(FakeDiscord):
    """Takes ``SLOW_SECONDS`` to accept a channel message, like Discord on a bad day."""

    async def _route(self, request: Request) -> web.Response:
        if request.method == "POST" and request.path == CHANNEL_POSTS:
            await asyncio.sleep(SLOW_SECONDS)
        return await super()._route(request)


@pytest.fixture
async def harness(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AsyncIterator[DiscordHarness]:
    async with running_fake(monkeypatch) as fake:
        harness = DiscordHarness(fake, tmp_path / "sync.json")
        await harness.start(assistant_at(NOW))
        yield harness
        await harness.stop()


@pytest.fixture
async def flaky(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> AsyncIterator[tuple[DiscordHarness, FlakyDiscord]]:
    """The bot against a fake that can answer late, with a 1-second DISCORD_API_TIMEOUT."""
    async with running_fake(monkeypatch, FlakyDiscord()) as fake:
        harness = DiscordHarness(fake, tmp_path / "sync.json")
        await harness.start(assistant_at(NOW), DISCORD_API_TIMEOUT="1")
        yield harness, fake
        await harness.stop()


async def private_answer(harness: DiscordHarness) -> dict[str, Any]:
    bot = harness.bot
    body = await harness.fake.interact(bot, slash(bot, "optout", {"service": "chatterbox"}))
    return sent_message(body, "1710000000000000001", ephemeral=True)


async def followups(fake: FakeDiscord, count: int = 1) -> list[Request]:
    """What the bot said privately after deferring: the edited response, then followups."""
    await fake.wait_until(lambda: len(fake.private_replies()) >= count, 10)
    return fake.private_replies()


async def test_a_slow_post_is_deferred_within_the_deadline_and_followed_up(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    async with running_fake(monkeypatch, SlowDiscord()) as fake:
        harness = DiscordHarness(fake, tmp_path / "sync.json")
        try:
            adapter = await harness.start(assistant_at(NOW))
            message = await private_answer(harness)
            started = time.perf_counter()
            body = await fake.interact(
                harness.bot, click(harness.bot, "optout:post:optout:chatterbox", message)
            )
            deferred = time.perf_counter() - started
            [done] = await followups(fake)
            finished = time.perf_counter() - started
        finally:
            await harness.stop()
    assert body["type"] == 5 and deferred < 0.5
    assert finished >= SLOW_SECONDS
    assert done.body["content"].startswith("Shared in this channel. https://discord.com/channels/")
    metrics = adapter.observer.metrics
    # The deferral left with most of the budget to spare; the whole answer took the slow post.
    assert value(metrics, "optout_ack_margin_seconds_count", platform="discord") == 2
    assert value(metrics, "optout_ack_margin_seconds_bucket", platform="discord", le=2.5) == 0
    # Only the quick private answer:
    assert value(metrics, "optout_answer_seconds_bucket", platform="discord", le=2.5) == 1


def posted_answer() -> dict[str, Any]:
    """An answer the bot posted earlier, with its Pin button."""
    public = sent_message({"embeds": [{"title": "Chatterbox AI"}]}, "1720000000000000042", False)
    pin = {"type": 2, "style": 2, "label": "Pin", "custom_id": "optout:pin:optout:chatterbox"}
    public["components"] = [{"type": 1, "components": [pin]}]
    return public


@pytest.mark.parametrize(
    ("action", "on", "late", "told", "posts", "pins"),
    [
        ("post", "private", "post", "Discord did not confirm the post in time", 1, 0),
        ("pin", "private", "post", "Discord did not confirm the post in time", 1, 0),
        ("pin", "posted", "pin", "Discord did not confirm the pin in time", 0, 1),
    ],
)
async def test_a_step_discord_confirms_too_late_is_explained_and_never_repeated(
    flaky: tuple[DiscordHarness, FlakyDiscord],
    action: str,
    on: str,
    late: str,
    told: str,
    posts: int,
    pins: int,
) -> None:
    harness, fake = flaky
    message = await private_answer(harness) if on == "private" else posted_answer()
    (fake.late if late == "post" else fake.late_pins).append(STALLED_SECONDS)
    started = time.perf_counter()
    custom_id = f"optout:{action}:optout:chatterbox"
    body = await fake.interact(harness.bot, click(harness.bot, custom_id, message))
    [done] = await followups(fake)
    waited = time.perf_counter() - started
    assert body["type"] == 5  # deferred at once
    assert 1 <= waited < 3  # the setting, not aiohttp's five minutes
    assert done.body["content"].startswith(told)
    # Discord carried the step out; the bot never sent it a second time nor went on.
    assert len(fake.calls("POST", CHANNEL_POSTS)) == posts
    assert len(fake.calls("PUT", PINS)) == pins
    await private_answer(harness)  # and it keeps answering


async def test_a_discord_500_is_retried_and_the_answer_posted_once(
    harness: DiscordHarness,
) -> None:
    fake, bot = harness.fake, harness.bot
    message = await private_answer(harness)
    fake.fail_next("POST", CHANNEL_POSTS, 500, {"message": "500: Internal Server Error", "code": 0})
    await fake.interact(bot, click(bot, "optout:post:optout:chatterbox", message))
    [done] = await followups(fake)
    assert done.body["content"].startswith("Shared in this channel. https://discord.com/channels/")
    posts = fake.calls("POST", CHANNEL_POSTS)
    assert len(posts) == 2 and posts[0].body == posts[1].body  # refused once, posted once


async def test_a_dropped_gateway_is_resumed_and_every_interaction_answered(
    harness: DiscordHarness,
) -> None:
    fake, bot = harness.fake, harness.bot
    socket = await fake.connected(bot)
    await socket.close(code=4000, message=b"dropped")
    bodies = await asyncio.gather(
        *(fake.interact(bot, slash(bot, "deadline", {}), seconds=10) for _ in range(50))
    )
    assert all(body["type"] == 4 for body in bodies)
    assert (bot.sessions, bot.resumes) == (1, 1)
    assert await harness.adapter.connected()


async def test_a_slack_500_on_share_is_apologised_for_and_never_posted_twice() -> None:
    async with serve_slack(assistant_at(NOW)) as (fake, _):
        fake.fail("chat.postMessage", "internal_error", status=500)
        await fake.click(actions.SHARE_ACTION, '{"c":"optout","a":"chatterbox"}')
        reply = (await fake.wait_for(lambda: fake.responded("r2")))[0]
        assert reply["blocks"][0]["text"]["text"] == fixture_knowledge().messages.en.apology
        await asyncio.sleep(0.05)
        # No retry: a 500 may come after Slack posted, and a second post would be a duplicate.
        assert len(fake.called("chat.postMessage")) == 1


async def test_a_dropped_slack_socket_reconnects_and_answers_again() -> None:
    async with serve_slack(assistant_at(NOW), http=False) as (fake, adapter):
        first = await fake.wait_for(lambda: fake._sockets and fake._sockets[-1])
        assert await adapter.connected()
        await first.close()
        await fake.wait_for(lambda: len(fake._sockets) > 1 and not fake._sockets[-1].closed, 10)
        ack = await fake.push("slash_commands", fake.command_payload("/deadline", "chatterbox"))
        assert ack["blocks"][0]["text"]["text"] == "Deadlines: Chatterbox AI"
        assert len(fake.called("apps.connections.open")) == 2
        assert await adapter.connected()


# -- Slack answering later than SLACK_API_TIMEOUT ------------------------------------------------

# Long enough for a loaded machine to answer an ordinary call in time, short enough for a test.
SLACK_TIMEOUT = 1.0
# Slack answers this late (or when the fake stops): far beyond the timeout.
STALLED = 60.0


def shown(reply: dict[str, Any]) -> str:
    """The notice a private reply shows."""
    return str(reply["blocks"][0]["text"]["text"])


def no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    """Nothing was logged as a bug: a slow Slack is a known fault, not a traceback."""
    assert not [record for record in caplog.records if record.exc_info]


async def still_answering(fake: FakeSlack) -> None:
    """Commands are answered and shares posted as before."""
    answer = await fake.command("/deadline", "chatterbox", response="after")
    assert answer.status == 200 and shown(answer.body) == "Deadlines: Chatterbox AI"
    before = len(fake.called("chat.postMessage"))
    await fake.click(actions.SHARE_ACTION, '{"c":"optout","a":"quietnote"}', response="again")
    assert shown((await fake.wait_for(lambda: fake.responded("again")))[0]) == said("shared")
    assert len(fake.called("chat.postMessage")) == before + 1


@pytest.mark.parametrize("entry", ["button", "share word"])
async def test_a_share_slack_confirms_too_late_is_explained_and_never_posted_twice(
    entry: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with serve_slack(assistant_at(NOW), slack_api_timeout=SLACK_TIMEOUT) as (fake, _):
        fake.slow("chat.postMessage", STALLED)
        started = time.perf_counter()
        if entry == "button":
            await fake.click(actions.SHARE_ACTION, '{"c":"optout","a":"chatterbox"}')
        else:
            assert (await fake.command("/optout", "chatterbox share", response="r2")).status == 200
        [reply] = await fake.wait_for(lambda: fake.responded("r2"), within=SLACK_TIMEOUT + 3)
        waited = time.perf_counter() - started
        assert shown(reply) == said("post_unconfirmed")
        assert reply["response_type"] == "ephemeral"
        assert SLACK_TIMEOUT <= waited < SLACK_TIMEOUT + 2  # the setting, not aiohttp's 5 minutes
        # Slack did post it; the bot never tried a second time.
        assert len(fake.called("chat.postMessage")) == 1
        assert len(fake.posts_in(SLACK_CHANNEL_ID)) == 1
        await still_answering(fake)
    no_traceback(caplog)


async def test_a_share_whose_connection_drops_after_slack_posted_is_explained_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with serve_slack(assistant_at(NOW)) as (fake, _):
        fake.drop("chat.postMessage")
        await fake.click(actions.SHARE_ACTION, '{"c":"optout","a":"chatterbox"}')
        [reply] = await fake.wait_for(lambda: fake.responded("r2"))
        assert shown(reply) == said("post_unconfirmed")
        # Slack did post it; a second post would have been a duplicate.
        assert len(fake.called("chat.postMessage")) == 1
        assert len(fake.posts_in(SLACK_CHANNEL_ID)) == 1
        await still_answering(fake)
    no_traceback(caplog)


async def test_a_pin_whose_connection_drops_is_retried_at_once() -> None:
    async with serve_slack(assistant_at(NOW)) as (fake, _):
        fake.drop("pins.add")
        await fake.click(actions.PIN_ACTION, '{"ts":"1700000000.000001"}')
        [reply] = await fake.wait_for(lambda: fake.responded("r2"))
        assert shown(reply) == said("pinned")
        assert len(fake.called("pins.add")) == 2


async def test_a_pin_slack_confirms_too_late_is_explained(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with serve_slack(assistant_at(NOW), slack_api_timeout=SLACK_TIMEOUT) as (fake, _):
        fake.slow("pins.add", STALLED)
        await fake.click(actions.PIN_ACTION, '{"ts":"1700000000.000001"}')
        [reply] = await fake.wait_for(lambda: fake.responded("r2"), within=SLACK_TIMEOUT + 3)
        assert shown(reply) == said("pin_unconfirmed")
        assert len(fake.called("pins.add")) == 1
        await still_answering(fake)
    no_traceback(caplog)
