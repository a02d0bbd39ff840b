"""Living answers through the real discord.py against the fake Discord, on SQLite.

Posted answers are recorded and edited in place (their Pin button kept); deleted ones are
forgotten; 429s are waited out by discord.py, or hold the queue when discord.py gives up;
reminders carry their key as an enforced nonce, so a post retried in doubt (after a stop, a 500
or an answer later than DISCORD_API_TIMEOUT) is still one message;
and the /deadline action option (or the sub-action typed as the first word) needs Manage
Channels or Manage Server to change anything.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.core.ports.channels import ChannelRef, MessageRef
from bot.core.reply import Reply, Section
from bot.core.richtext import Text
from bot.platforms.discord.adapter import DiscordAdapter
from tests.platforms.discord.fake_discord import (
    CHANNEL_ID,
    CHANNEL_POSTS,
    EVERY_PERMISSION,
    GUILD_ID,
    SERVER_ERROR,
    DiscordHarness,
    FakeDiscord,
    FlakyDiscord,
    Request,
    click,
    custom_ids,
    running_fake,
    sent_message,
    slash,
)
from tests.platforms.living_support import (
    MOVED_LAUNCH,
    REMINDER_DUE,
    UPDATE_LINE,
    LivingBench,
    living_bench,
    until,
)
from tests.support.editions import edition

CHANNEL = ChannelRef("discord", GUILD_ID, CHANNEL_ID)
MESSAGE = r"/channels/\d+/messages/\d+"
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
# A member who may talk and post, but not manage the channel or the server.
MEMBER = EVERY_PERMISSION & ~(MANAGE_CHANNELS | MANAGE_GUILD | 1 << 3)
RATE_LIMITED = {"message": "You are being rate limited.", "retry_after": 0.2, "global": False}


@dataclass
class Bot:
    """The Discord adapter with living answers, against the fake."""

    harness: DiscordHarness
    bench: LivingBench

    @property
    def fake(self) -> FakeDiscord:
        return self.harness.fake

    @property
    def adapter(self) -> DiscordAdapter:
        adapter: DiscordAdapter = self.harness.adapter
        return adapter

    async def post(self, service: str = "chatterbox") -> str:
        """Share in channel from a private answer; the id of the public message, once recorded."""
        bot = self.harness.bot
        body = await self.fake.interact(bot, slash(bot, "optout", {"service": service}))
        message = sent_message(body, "1710000000000000001", ephemeral=True)
        tracked = await self.bench.tracked()
        await self.fake.interact(bot, click(bot, f"optout:post:optout:{service}", message))
        await until(self.bench.tracked, tracked + 1)
        return str(self.fake.posts_in(CHANNEL_ID)[-1]["id"])

    async def ask(self, options: dict[str, Any], permissions: int = EVERY_PERMISSION) -> str:
        """``/deadline`` with these options; everything its private answer says."""
        bot = self.harness.bot
        before = len(self.fake.private_replies())
        payload = slash(bot, "deadline", options, permissions=permissions)
        assert await self.fake.interact(bot, payload) == {"type": 5, "data": {"flags": 64}}
        said = await self.fake.private_reply(before)
        return json.dumps(said.body, ensure_ascii=False)

    def followups(self) -> list[Request]:
        """Everything said privately after a deferred answer, in order."""
        return self.fake.private_replies()

    def shown(self, message_id: str) -> str:
        return json.dumps(self.fake.channel_messages[message_id], ensure_ascii=False)


@pytest.fixture
async def bot(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AsyncIterator[Bot]:
    async with living_bench(tmp_path) as bench, running_fake(monkeypatch) as fake:
        harness = DiscordHarness(fake, tmp_path / "discord-commands.json")
        adapter = await harness.start(bench.assistant, living=bench.access)
        bench.attach(await adapter.ready_publisher())
        yield Bot(harness, bench)
        await harness.stop()


# -- edits of posted answers --------------------------------------------------------------------


async def test_a_posted_answer_is_edited_in_place_and_keeps_its_pin_button(bot: Bot) -> None:
    message_id = await bot.post()
    bot.bench.publish(edition(chatterbox=MOVED_LAUNCH))
    bot.bench.clock.advance(hours=1)
    report = await bot.bench.tick()
    assert (report.edits_queued, report.edits["discord"].done) == (1, 1)
    [edit] = bot.fake.calls("PATCH", MESSAGE)
    assert edit.path == f"/channels/{CHANNEL_ID}/messages/{message_id}"
    assert UPDATE_LINE in edit.body["embeds"][0]["description"]
    # The edited card keeps its buttons.
    assert custom_ids(edit.body) == [
        "optout:guide:optout:chatterbox",
        "optout:pin:optout:chatterbox",
    ]
    assert edit.body["allowed_mentions"] == {"parse": []}
    assert "<t:1797555600:" in bot.shown(message_id)  # the launch, moved to 18 Dec 01:00 UTC
    bot.bench.clock.advance(days=1)
    await bot.bench.tick()
    assert len(bot.fake.calls("PATCH", MESSAGE)) == 1


async def test_a_deleted_message_is_forgotten(bot: Bot) -> None:
    message_id = await bot.post()
    bot.fake.delete(message_id)
    bot.bench.publish(edition(chatterbox=MOVED_LAUNCH))
    assert (await bot.bench.tick()).edits["discord"].skipped == 1
    assert await bot.bench.tracked() == 0


async def test_a_429_is_waited_out_by_discord_py_before_the_edit(bot: Bot) -> None:
    message_id = await bot.post()
    bot.bench.publish(edition(chatterbox=MOVED_LAUNCH))
    bot.fake.fail_next("PATCH", MESSAGE, 429, RATE_LIMITED, {"Via": "1.1 google"})
    started = time.perf_counter()
    assert (await bot.bench.tick()).edits["discord"].done == 1
    assert time.perf_counter() - started >= 0.2
    assert len(bot.fake.calls("PATCH", MESSAGE)) == 2
    assert UPDATE_LINE in bot.shown(message_id)


async def test_a_429_discord_py_gives_up_on_holds_the_queue_for_its_retry_after(bot: Bot) -> None:
    await bot.post()
    bot.bench.publish(edition(chatterbox=MOVED_LAUNCH))
    # No Via header: discord.py takes it for a block in front of Discord and does not retry.
    bot.fake.fail_next("PATCH", MESSAGE, 429, RATE_LIMITED, {"Retry-After": "9"})
    report = await bot.bench.tick()
    assert (report.edits["discord"].done, report.edits["discord"].postponed) == (0, 1)
    assert bot.bench.pacers["discord"].paused_for() == pytest.approx(9)
    await bot.bench.tick()
    assert len(bot.fake.calls("PATCH", MESSAGE)) == 1
    bot.bench.clock.advance(seconds=9)
    assert (await bot.bench.tick()).edits["discord"].done == 1


# -- the sub-actions of /deadline ---------------------------------------------------------------


async def test_only_members_who_manage_the_channel_or_server_change_its_reminders(
    bot: Bot,
) -> None:
    subscribe = {"action": "subscribe", "service": "chatterbox"}
    assert "Only people who can manage this channel" in await bot.ask(subscribe, MEMBER)
    assert await bot.bench.subscriptions(CHANNEL) == []

    said = await bot.ask(subscribe, MEMBER | MANAGE_CHANNELS)
    assert "This channel will get reminders for Chatterbox AI" in said
    assert await bot.bench.subscriptions(CHANNEL) == ["chatterbox"]

    listing = await bot.ask({"action": "subscriptions"}, MEMBER)  # anyone may read the list
    assert "Chatterbox AI" in listing and "/deadline unsubscribe chatterbox" in listing

    assert "Only people" in await bot.ask({"action": "unsubscribe"}, MEMBER)
    said = await bot.ask({"action": "unsubscribe", "service": "all"}, MEMBER | MANAGE_GUILD)
    assert "no longer gets reminders for every service" in said
    assert await bot.bench.subscriptions(CHANNEL) == []


async def test_a_subaction_typed_as_the_first_word_works_too(bot: Bot) -> None:
    said = await bot.ask({"service": "subscribe quietnote"})
    assert "This channel will get reminders for QuietNote" in said
    assert await bot.bench.subscriptions(CHANNEL) == ["quietnote"]


async def test_a_forged_action_is_answered_as_a_plain_deadline(bot: Bot) -> None:
    body = await bot.fake.interact(
        bot.harness.bot, slash(bot.harness.bot, "deadline", {"action": "drop", "service": "cbx"})
    )
    assert body["type"] == 4 and body["data"]["embeds"][0]["title"] == "Deadlines: Chatterbox AI"
    assert await bot.bench.subscriptions(CHANNEL) == []


async def test_reminders_are_set_in_server_channels_only(bot: Bot) -> None:
    bot_user = bot.harness.bot
    payload = slash(bot_user, "deadline", {"action": "subscriptions"}, guild=False)
    await bot.fake.interact(bot_user, payload)
    await bot.fake.wait_until(lambda: bool(bot.followups()))
    [embed] = bot.followups()[0].body["embeds"]
    assert embed["description"].startswith("Reminders are posted in a chat channel: run this in")


# -- reminders ----------------------------------------------------------------------------------


async def test_a_subscribed_channel_gets_each_reminder_exactly_once(bot: Bot) -> None:
    await bot.bench.tick()  # the first pass takes note of the deadlines that exist
    await bot.ask({"action": "subscribe", "service": "chatterbox"})
    bot.bench.clock.set(REMINDER_DUE)
    reports = [await bot.bench.tick() for _ in range(3)]
    assert [report.reminders["discord"].done for report in reports] == [1, 0, 0]
    [post] = bot.fake.calls("POST", rf"/channels/{CHANNEL_ID}/messages")
    assert post.body["nonce"] and post.body["enforce_nonce"] is True
    assert post.body["embeds"][0]["title"] == "Reminder: Chatterbox AI"
    assert "components" not in post.body or post.body["components"] == []


async def test_a_reminder_retried_in_doubt_is_still_one_message(bot: Bot) -> None:
    bench = bot.bench
    await bench.tick()
    await bot.ask({"action": "subscribe", "service": "chatterbox"})
    bench.clock.set(REMINDER_DUE)
    assert await bench.living.schedule() == 1
    # A process claimed the reminder, posted it and stopped before recording that it had.
    [job] = await bench.store.claim_reminders(
        "discord", 10, "stopped-bot", bench.clock.now(), timedelta(minutes=2)
    )
    await bot.adapter.publisher.post(
        job.channel, bench.assistant.run("deadline", "chatterbox"), job.key
    )
    bench.clock.advance(minutes=3)
    assert (await bench.tick()).reminders["discord"].done == 1
    posts = bot.fake.calls("POST", rf"/channels/{CHANNEL_ID}/messages")
    assert [post.body["nonce"] for post in posts] == [job.key, job.key]
    assert len(bot.fake.posts_in(CHANNEL_ID)) == 1  # Discord returned the first one
    assert await bench.store.reminder_backlog() == 0


# -- reminders under 500s and timeouts -----------------------------------------------------------

# Discord answers this late (or when the fake stops): far beyond any timeout here.
STALLED = 60.0


@contextlib.asynccontextmanager
async def flaky_bot(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **settings: str
) -> AsyncIterator[tuple[Bot, FlakyDiscord]]:
    """The bot with living answers against a flaky fake, with a channel subscribed and the
    clock where its reminder falls due."""
    async with running_fake(monkeypatch, FlakyDiscord()) as fake, living_bench(tmp_path) as bench:
        harness = DiscordHarness(fake, tmp_path / "discord-commands.json")
        adapter = await harness.start(bench.assistant, living=bench.access, **settings)
        bench.attach(await adapter.ready_publisher())
        bot = Bot(harness, bench)
        try:
            await bench.tick()
            await bot.ask({"action": "subscribe", "service": "chatterbox"})
            bench.clock.set(REMINDER_DUE)
            yield bot, fake
        finally:
            await harness.stop()


async def test_a_reminder_answered_500_after_it_was_posted_is_still_one_message(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    async with flaky_bot(monkeypatch, tmp_path) as (bot, fake):
        fake.failing_after_posting = 1
        # discord.py tries again a second later, with the same nonce.
        assert (await bot.bench.tick()).reminders["discord"].done == 1
        posts = fake.calls("POST", CHANNEL_POSTS)
        assert len(posts) == 2 and posts[0].body["nonce"] == posts[1].body["nonce"]
        assert len(fake.posts_in(CHANNEL_ID)) == 1
        assert await bot.bench.store.reminder_backlog() == 0


async def test_500s_that_outlast_the_timeout_leave_the_reminder_for_a_later_round(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    async with flaky_bot(monkeypatch, tmp_path, DISCORD_API_TIMEOUT="0.5") as (bot, fake):
        for _ in range(5):
            fake.fail_next("POST", CHANNEL_POSTS, 500, SERVER_ERROR)
        started = time.perf_counter()
        first = (await bot.bench.tick()).reminders["discord"]
        # Cut short in discord.py's first wait before retrying, not after its 25 s of retries.
        assert time.perf_counter() - started < 2
        assert (first.done, first.failed) == (0, 1)
        assert fake.posts_in(CHANNEL_ID) == []
        fake.faults.clear()
        assert (await bot.bench.tick()).reminders["discord"].claimed == 0  # leased until later
        bot.bench.clock.advance(minutes=3)
        assert (await bot.bench.tick()).reminders["discord"].done == 1
        [message] = fake.posts_in(CHANNEL_ID)
        assert message["embeds"][0]["title"] == "Reminder: Chatterbox AI"
        assert await bot.bench.store.reminder_backlog() == 0


async def test_a_reminder_discord_answers_too_late_goes_out_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with flaky_bot(monkeypatch, tmp_path, DISCORD_API_TIMEOUT="1") as (bot, fake):
        fake.late.append(STALLED)
        started = time.perf_counter()
        first = (await bot.bench.tick()).reminders["discord"]
        assert time.perf_counter() - started < 3  # the round was not held for the stall
        assert (first.done, first.failed) == (0, 1)
        assert len(fake.posts_in(CHANNEL_ID)) == 1  # Discord posted; only its answer was late
        bot.bench.clock.advance(minutes=3)
        assert (await bot.bench.tick()).reminders["discord"].done == 1
        posts = fake.calls("POST", CHANNEL_POSTS)
        assert len(posts) == 2 and posts[0].body["nonce"] == posts[1].body["nonce"]
        assert len(fake.posts_in(CHANNEL_ID)) == 1  # the retry got the first message back
        assert await bot.bench.store.reminder_backlog() == 0
    assert "discord did not answer within DISCORD_API_TIMEOUT" in caplog.text


# -- answers over several messages --------------------------------------------------------------


def long_reply(sections: int) -> Reply:
    """An answer long enough for several Discord messages (one embed field per section)."""
    parts = tuple(Section(f"Part {n}", ((Text(f"Paragraph {n}."),),)) for n in range(sections))
    return Reply(
        command="changes", title="Changes", summary=(Text("All of them."),), sections=parts
    )


async def test_an_answer_that_now_needs_fewer_messages_deletes_the_rest(bot: Bot) -> None:
    publisher = bot.adapter.publisher
    reply = bot.bench.assistant.run("optout", "chatterbox")
    first = await publisher.post(CHANNEL, reply, "first-part")
    second = await publisher.post(CHANNEL, reply, "second-part")
    await bot.bench.access.record(
        MessageRef(CHANNEL, first.message_ids + second.message_ids), reply
    )
    bot.bench.publish(edition(chatterbox=MOVED_LAUNCH))
    assert (await bot.bench.tick()).edits["discord"].done == 1
    assert [r.path.rsplit("/", 1)[1] for r in bot.fake.calls("PATCH", MESSAGE)] == [first.first]
    assert [r.path.rsplit("/", 1)[1] for r in bot.fake.calls("DELETE", MESSAGE)] == [second.first]
    assert [message["id"] for message in bot.fake.posts_in(CHANNEL_ID)] == [first.first]


async def test_an_answer_that_grew_keeps_its_messages_and_says_where_the_rest_is(bot: Bot) -> None:
    publisher = bot.adapter.publisher
    posted = await publisher.post(CHANNEL, long_reply(10), "short")
    await publisher.edit(posted, long_reply(120))
    [edit] = bot.fake.calls("PATCH", MESSAGE)
    assert edit.body["content"] == (
        "This updated answer no longer fits here; /changes shows all of it."
    )
    assert len(edit.body["embeds"]) == 1
    assert len(bot.fake.posts_in(CHANNEL_ID)) == 1  # nothing posted out of place
