"""End to end: Share in channel and Pin, permissions, restarts and rate limits, over sockets."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.platforms.discord.fake_discord import (
    CHANNEL_ID,
    EMBED_LINKS,
    EVERY_PERMISSION,
    GUILD_ID,
    PIN_MESSAGES,
    DiscordHarness,
    FakeDiscord,
    Request,
    click,
    custom_ids,
    running_fake,
    sent_message,
    slash,
)
from tests.support import assistant_at

NOW = "2025-09-20T12:00:00+00:00"
EPHEMERAL = 64
SEND_IN_THREADS = 1 << 38
PUBLIC_THREAD = 11
CHANNEL_POSTS = rf"/channels/{CHANNEL_ID}/messages"
PINS = rf"/channels/{CHANNEL_ID}/messages/pins/(\d+)"
PINNED = re.compile(
    rf"Shared and pinned in this channel\. https://discord\.com/channels/{GUILD_ID}/{CHANNEL_ID}/\d+"
)
SHARED = f"Shared in this channel. https://discord.com/channels/{GUILD_ID}/{CHANNEL_ID}/"


@pytest.fixture
async def harness(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AsyncIterator[DiscordHarness]:
    async with running_fake(monkeypatch) as fake:
        harness = DiscordHarness(fake, tmp_path / "discord-commands.json")
        await harness.start(assistant_at(NOW))
        yield harness
        await harness.stop()


async def private_answer(harness: DiscordHarness, service: str = "chatterbox") -> dict[str, Any]:
    """The ephemeral /optout answer, as the message a later click arrives with."""
    bot = harness.bot
    body = await harness.fake.interact(bot, slash(bot, "optout", {"service": service}))
    return sent_message(body, "1710000000000000001", ephemeral=True)


async def confirmation(fake: FakeDiscord, after: int = 0) -> Request:
    """What a click ends with: the private "thinking…" response, edited to say how it went."""
    return await fake.private_reply(after)


async def test_share_in_channel_posts_the_answer_as_a_bot_message(harness: DiscordHarness) -> None:
    fake, bot = harness.fake, harness.bot
    message = await private_answer(harness)
    body = await fake.interact(bot, click(bot, "optout:post:optout:chatterbox", message))
    assert body == {"type": 5, "data": {"flags": EPHEMERAL}}
    [post] = fake.calls("POST", CHANNEL_POSTS) or [
        await fake.wait_for(lambda r: r.path == CHANNEL_POSTS)
    ]
    assert post.authorization == f"Bot {bot.token}"
    assert post.body["embeds"][0]["title"] == "Chatterbox AI"
    assert post.body["allowed_mentions"] == {"parse": []}
    assert custom_ids(post.body) == [
        "optout:guide:optout:chatterbox",
        "optout:pin:optout:chatterbox",
    ]
    done = await confirmation(fake)
    assert done.body["content"].startswith(SHARED)
    assert fake.calls("PUT", PINS) == []


async def test_pin_posts_the_answer_then_pins_it_for_a_member_who_may_pin(
    harness: DiscordHarness,
) -> None:
    fake, bot = harness.fake, harness.bot
    message = await private_answer(harness)
    await fake.interact(bot, click(bot, "optout:pin:optout:chatterbox", message))
    done = await confirmation(fake)
    [post] = fake.calls("POST", CHANNEL_POSTS)
    [pin] = fake.calls("PUT", PINS)
    # Already pinned: no Pin button on it, the Full guide stays for whoever reads it later.
    assert custom_ids(post.body) == ["optout:guide:optout:chatterbox"]
    assert pin.authorization == f"Bot {bot.token}"
    assert PINNED.fullmatch(done.body["content"])
    assert done.body["content"].endswith(pin.path.rsplit("/", 1)[1])


async def test_pin_on_a_posted_answer_pins_that_very_message(harness: DiscordHarness) -> None:
    fake, bot = harness.fake, harness.bot
    public = sent_message(
        {"embeds": [{"title": "Chatterbox AI"}]}, "1720000000000000042", ephemeral=False
    )
    public["components"] = [
        {
            "type": 1,
            "components": [
                {"type": 2, "style": 2, "label": "Pin", "custom_id": "optout:pin:optout:chatterbox"}
            ],
        }
    ]
    await fake.interact(bot, click(bot, "optout:pin:optout:chatterbox", public))
    done = await confirmation(fake)
    assert [r.path for r in fake.calls("PUT", PINS)] == [
        f"/channels/{CHANNEL_ID}/messages/pins/1720000000000000042"
    ]
    assert fake.calls("POST", CHANNEL_POSTS) == []
    assert done.body["content"].endswith("/1720000000000000042")


async def test_a_member_who_may_not_pin_cannot_pin_through_the_bot(harness: DiscordHarness) -> None:
    fake, bot = harness.fake, harness.bot
    message = await private_answer(harness)
    body = await fake.interact(
        bot,
        click(
            bot,
            "optout:pin:optout:chatterbox",
            message,
            permissions=EVERY_PERMISSION & ~PIN_MESSAGES,
        ),
    )
    assert body["type"] == 4 and body["data"]["flags"] == EPHEMERAL
    assert body["data"]["content"] == (
        "Only members with the **Pin Messages** permission in this channel can pin answers. "
        "Ask a moderator, or use Share in channel."
    )
    assert fake.calls("POST", CHANNEL_POSTS) == [] and fake.calls("PUT", PINS) == []


@pytest.mark.parametrize(
    ("button", "app_permissions", "channel_type", "named"),
    [
        (
            "post",
            EVERY_PERMISSION & ~EMBED_LINKS,
            0,
            "I can't post in this channel: I need the **Embed Links** permission here.",
        ),
        (
            "pin",
            EVERY_PERMISSION & ~PIN_MESSAGES,
            0,
            "I can't pin this answer: I need the **Pin Messages** permission here.",
        ),
        (
            "post",
            EVERY_PERMISSION & ~SEND_IN_THREADS,
            PUBLIC_THREAD,
            "I can't post in this channel: I need the **Send Messages in Threads** permission",
        ),
        (
            "pin",
            0,
            0,
            "I can't pin this answer: I need the **View Channels**, **Send Messages**, "
            "**Embed Links** and **Pin Messages** permissions here.",
        ),
    ],
)
async def test_missing_bot_permissions_are_named_with_how_to_grant_them(
    harness: DiscordHarness, button: str, app_permissions: int, channel_type: int, named: str
) -> None:
    fake, bot = harness.fake, harness.bot
    message = await private_answer(harness)
    body = await fake.interact(
        bot,
        click(
            bot,
            f"optout:{button}:optout:chatterbox",
            message,
            app_permissions=app_permissions,
            channel_type=channel_type,
        ),
    )
    text = body["data"]["content"]
    assert body["data"]["flags"] == EPHEMERAL
    assert text.startswith(named)
    assert "Server Settings → Roles" in text and "Edit Channel → Permissions" in text
    assert fake.calls("POST", CHANNEL_POSTS) == [] and fake.calls("PUT", PINS) == []


async def test_buttons_keep_working_after_a_restart(harness: DiscordHarness) -> None:
    fake, bot = harness.fake, harness.bot
    message = await private_answer(harness)
    await harness.stop()
    await harness.start(assistant_at(NOW))  # a new process: nothing of the old one survives
    assert bot.sessions == 2
    await fake.interact(bot, click(bot, "optout:post:optout:chatterbox", message))
    posted = await confirmation(fake)
    await fake.interact(bot, click(bot, "optout:pin:optout:chatterbox", message))
    pinned = await confirmation(fake, after=1)
    assert posted.body["content"].startswith(SHARED)
    assert PINNED.fullmatch(pinned.body["content"])
    assert len(fake.calls("POST", CHANNEL_POSTS)) == 2 and len(fake.calls("PUT", PINS)) == 1


async def test_a_429_from_discord_is_waited_out_by_discord_py(harness: DiscordHarness) -> None:
    fake, bot = harness.fake, harness.bot
    message = await private_answer(harness)
    # A real rate limit carries a Via header; without one discord.py assumes a Cloudflare ban.
    fake.fail_next(
        "POST",
        CHANNEL_POSTS,
        429,
        {"message": "You are being rate limited.", "retry_after": 0.2, "global": False},
        {"Via": "1.1 google", "Retry-After": "1", "X-RateLimit-Scope": "user"},
    )
    started = time.perf_counter()
    await fake.interact(bot, click(bot, "optout:post:optout:chatterbox", message))
    done = await confirmation(fake)
    waited = time.perf_counter() - started
    posts = fake.calls("POST", CHANNEL_POSTS)
    assert len(posts) == 2 and posts[0].body == posts[1].body  # refused once, then sent once
    assert waited >= 0.2
    assert done.body["content"].startswith(SHARED)


@pytest.mark.parametrize(
    ("code", "status", "said"),
    [
        (
            50013,
            403,
            "I can't pin this answer: I need the **View Channels**, **Send Messages**, "
            "**Embed Links** and **Pin Messages** permissions here.",
        ),
        (
            30003,
            400,
            "This channel already holds as many pins as Discord allows; unpin one and try again.",
        ),
    ],
)
async def test_discord_refusing_a_pin_is_explained(
    harness: DiscordHarness, code: int, status: int, said: str
) -> None:
    fake, bot = harness.fake, harness.bot
    message = await private_answer(harness)
    fake.fail_next("PUT", PINS, status, {"message": "refused", "code": code})
    await fake.interact(bot, click(bot, "optout:pin:optout:chatterbox", message))
    done = await confirmation(fake)
    # The answer was posted before the pin was refused, and the reply says so first.
    assert done.body["content"].startswith(f"Shared in this channel. {said}")


async def test_a_click_in_a_direct_message_is_answered_privately(harness: DiscordHarness) -> None:
    fake, bot = harness.fake, harness.bot
    message = await private_answer(harness)
    body = await fake.interact(
        bot, click(bot, "optout:pin:optout:chatterbox", message, guild=False)
    )
    assert body["data"]["content"].startswith("Sharing works in channels")
    assert fake.calls("POST", CHANNEL_POSTS) == []


async def test_a_button_for_a_service_since_removed_answers_privately(
    harness: DiscordHarness,
) -> None:
    fake, bot = harness.fake, harness.bot
    message = await private_answer(harness)
    [share] = [
        button
        for row in message["components"]
        for button in row["components"]
        if button.get("custom_id") == "optout:post:optout:chatterbox"
    ]
    share["custom_id"] = "optout:post:optout:gone"
    body = await fake.interact(bot, click(bot, "optout:post:optout:gone", message))
    assert body["type"] == 4 and body["data"]["flags"] == EPHEMERAL
    assert "I don't know a service called" in body["data"]["embeds"][0]["description"]
    assert fake.calls("POST", CHANNEL_POSTS) == []
