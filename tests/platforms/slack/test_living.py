"""Living answers through the real slack-bolt and slack_sdk against the fake Slack, on SQLite.

Shared answers are recorded and edited in place with ``chat.update``; deleted ones are
forgotten; a 429 holds the queue for its Retry-After; reminders are posted exactly once, a post
left in doubt by a stopped process, a 500 or an answer later than SLACK_API_TIMEOUT is found by
its metadata instead of being posted again; and
the sub-actions of /deadline check who may change a channel's reminders.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.bootstrap import open_store
from bot.config import Settings
from bot.core.clock import FixedClock
from bot.core.living.access import LivingAccess
from bot.core.living.pages import fit
from bot.core.ports.channels import ChannelRef, MessageRef
from bot.core.reply import Reply, Section
from bot.core.richtext import Text
from bot.platforms.slack import actions
from bot.platforms.slack.adapter import SlackAdapter
from bot.platforms.slack.publisher import LIVING_EVENT, SlackPublisher
from bot.platforms.slack.render import MAX_BLOCKS_PER_MESSAGE, render_reply
from bot.store.sql_store import SqlStore
from tests.ops.support import served, slack_environ, until_status
from tests.platforms.living_support import (
    MOVED_LAUNCH,
    REMINDER_DUE,
    UPDATE_LINE,
    LivingBench,
    living_bench,
    until,
)
from tests.platforms.slack.fake_slack import CHANNEL_ID, TEAM_ID, USER_ID, FakeSlack, serve_slack
from tests.support import FIXTURE_CONTENT, assistant_at, instant, platform_words
from tests.support.editions import edition

SLACK_WORDS = platform_words(actions.PLATFORM)

CHANNEL = ChannelRef("slack", TEAM_ID, CHANNEL_ID)
ADMIN = "U0ADMIN"
MANAGER = "U0MANAGER"


@dataclass
class Bot:
    """The Slack adapter with living answers, against the fake."""

    fake: FakeSlack
    adapter: SlackAdapter
    bench: LivingBench

    def text(self, ts: str) -> str:
        """What a message in the channel shows now (every block)."""
        return json.dumps(self.fake.messages[(CHANNEL_ID, ts)]["blocks"], ensure_ascii=False)

    async def share(self, service: str = "chatterbox") -> str:
        """``/optout <service> share``; the timestamp of the public message, once recorded."""
        before = len(self.fake.called("chat.postMessage"))
        tracked = await self.bench.tracked()
        assert (await self.fake.command("/optout", f"{service} share")).status == 200
        await self.fake.wait_for(lambda: len(self.fake.called("chat.postMessage")) > before)
        await until(lambda: self.bench.tracked(), tracked + 1)
        return str(self.fake.posts_in(CHANNEL_ID)[-1]["ts"])

    async def ask(self, text: str, user: str = USER_ID, response: str = "r1") -> str:
        """``/deadline <text>`` by ``user``; the private answer it gets."""
        answer = await self.fake.command("/deadline", text, user=user, response=response)
        assert answer.status == 200
        [body] = await self.fake.wait_for(lambda: self.fake.responded(response))
        assert body["response_type"] == "ephemeral"
        self.fake.responses.clear()
        return json.dumps(body, ensure_ascii=False)


@asynccontextmanager
async def living_bot(tmp_path: Path, **settings: Any) -> AsyncIterator[Bot]:
    """The bot with living answers on a SQLite file, against a fresh fake Slack."""
    async with living_bench(tmp_path) as bench:
        managers = frozenset({MANAGER})
        async with serve_slack(
            bench.assistant, living=bench.access, slack_subscription_managers=managers, **settings
        ) as (fake, adapter):
            bench.attach(await adapter.ready_publisher())
            fake.admins.add(ADMIN)
            yield Bot(fake, adapter, bench)


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Bot]:
    async with living_bot(tmp_path) as running:
        yield running


# -- edits of shared answers --------------------------------------------------------------------


async def test_a_shared_answer_is_edited_in_place_with_an_update_line(bot: Bot) -> None:
    ts = await bot.share()
    assert "Updated" not in bot.text(ts)
    assert (await bot.bench.tick()).edits_queued == 0
    bot.bench.publish(edition(chatterbox=MOVED_LAUNCH))
    bot.bench.clock.advance(hours=1)
    report = await bot.bench.tick()
    assert (report.edits_queued, report.edits["slack"].done) == (1, 1)
    [update] = bot.fake.called("chat.update")
    assert (update["channel"], update["ts"]) == (CHANNEL_ID, ts)
    assert UPDATE_LINE in bot.text(ts)
    assert "18 Dec 2026 01:00 UTC" in bot.text(ts)
    bot.bench.clock.advance(days=1)
    await bot.bench.tick()
    assert len(bot.fake.called("chat.update")) == 1


async def test_an_edited_answer_keeps_the_workspaces_command_names(tmp_path: Path) -> None:
    async with living_bot(tmp_path, slack_commands={"optout": "/ai-optout"}) as bot:
        assert (await bot.fake.command("/ai-optout", "share")).status == 200
        await until(bot.bench.tracked, 1)
        [message] = bot.fake.posts_in(CHANNEL_ID)
        assert "/ai-optout chatterbox" in bot.text(str(message["ts"]))
        bot.bench.clock.advance(days=2)
        assert (await bot.bench.tick()).edits_queued == 0
        bot.bench.publish(edition(quietnote=lambda record: record.update(name="QuietNote Pro")))
        assert (await bot.bench.tick()).edits["slack"].done == 1
        assert "QuietNote Pro* — /ai-optout quietnote" in bot.text(str(message["ts"]))


async def test_an_answer_shared_with_the_button_is_recorded_too(bot: Bot) -> None:
    shared = Reply("optout", "", (), service_id="chatterbox", shareable=True)
    value = next(
        b
        for b in actions.answer_buttons(shared, SLACK_WORDS)
        if b.action_id == actions.SHARE_ACTION
    ).value
    await bot.fake.click(actions.SHARE_ACTION, value)
    await until(bot.bench.tracked, 1)
    bot.bench.publish(edition(chatterbox=MOVED_LAUNCH))
    assert (await bot.bench.tick()).edits["slack"].done == 1
    [message] = bot.fake.posts_in(CHANNEL_ID)
    assert UPDATE_LINE in json.dumps(message["blocks"], ensure_ascii=False)


async def test_a_deleted_message_is_forgotten(bot: Bot) -> None:
    ts = await bot.share()
    bot.fake.delete(CHANNEL_ID, ts)
    bot.bench.publish(edition(chatterbox=MOVED_LAUNCH))
    report = await bot.bench.tick()
    assert report.edits["slack"].skipped == 1
    assert await bot.bench.tracked() == 0


async def test_a_rate_limit_holds_the_queue_for_its_retry_after(bot: Bot) -> None:
    ts = await bot.share()
    bot.bench.publish(edition(chatterbox=MOVED_LAUNCH))
    bot.fake.fail("chat.update", "ratelimited", status=429, retry_after=7)
    report = await bot.bench.tick()
    assert (report.edits["slack"].done, report.edits["slack"].postponed) == (0, 1)
    assert bot.bench.pacers["slack"].paused_for() == pytest.approx(7)
    await bot.bench.tick()
    assert len(bot.fake.called("chat.update")) == 1  # nothing tried before the 7 seconds
    bot.bench.clock.advance(seconds=7)
    assert (await bot.bench.tick()).edits["slack"].done == 1
    assert len(bot.fake.called("chat.update")) == 2
    assert UPDATE_LINE in bot.text(ts)


# -- the sub-actions of /deadline ---------------------------------------------------------------


async def test_only_admins_and_listed_managers_change_a_channels_reminders(bot: Bot) -> None:
    refused = await bot.ask("subscribe chatterbox")
    assert "Only people who can manage this channel" in refused
    assert await bot.bench.subscriptions(CHANNEL) == []

    accepted = await bot.ask("subscribe chatterbox", user=ADMIN)
    assert "This channel will get reminders for Chatterbox AI" in accepted
    assert await bot.bench.subscriptions(CHANNEL) == ["chatterbox"]
    assert [call["user"] for call in bot.fake.called("users.info")] == [USER_ID, ADMIN]

    listing = await bot.ask("subscriptions")  # anyone may read the list
    assert "Chatterbox AI" in listing and "/deadline unsubscribe chatterbox" in listing

    assert "Only people" in await bot.ask("unsubscribe chatterbox")
    done = await bot.ask("unsubscribe chatterbox", user=MANAGER)
    assert "no longer gets reminders for Chatterbox AI" in done
    assert await bot.bench.subscriptions(CHANNEL) == []
    assert len(bot.fake.called("users.info")) == 3  # a listed manager needs no lookup


async def test_an_unknown_service_is_answered_with_suggestions(bot: Bot) -> None:
    answer = await bot.ask("subscribe chaterbox", user=ADMIN)
    assert "chatterbox — Chatterbox AI" in answer
    assert await bot.bench.subscriptions(CHANNEL) == []


async def test_without_a_database_answers_flow_and_reminders_say_they_are_off() -> None:
    off = LivingAccess(FixedClock(instant("2026-11-20T12:00:00Z")))
    async with serve_slack(assistant_at("2026-11-20T12:00:00Z"), living=off) as (fake, _):
        fake.admins.add(ADMIN)
        answer = await fake.command("/deadline", "subscribe all", user=ADMIN)
        assert answer.status == 200
        [body] = await fake.wait_for(lambda: fake.responded("r1"))
        assert "Reminders are not available right now" in json.dumps(body)
        assert not fake.called("users.info")
        await fake.command("/optout", "chatterbox share", response="r2")
        await fake.wait_for(lambda: fake.called("chat.postMessage"))


# -- reminders ----------------------------------------------------------------------------------


async def test_a_subscribed_channel_gets_each_reminder_exactly_once(bot: Bot) -> None:
    await bot.bench.tick()  # the first pass takes note of the deadlines that exist
    await bot.ask("subscribe chatterbox", user=ADMIN)
    bot.bench.clock.set(REMINDER_DUE)
    reports = [await bot.bench.tick() for _ in range(3)]
    assert [report.reminders["slack"].done for report in reports] == [1, 0, 0]
    [post] = bot.fake.called("chat.postMessage")
    assert post["channel"] == CHANNEL_ID
    assert post["metadata"]["event_type"] == LIVING_EVENT
    assert post["text"].startswith("Reminder: Chatterbox AI")
    assert "in 3 days" in json.dumps(post["blocks"], ensure_ascii=False)


async def test_a_reminder_left_in_doubt_is_found_by_its_key_not_posted_again(bot: Bot) -> None:
    await held_by_a_stopped_process(bot)
    report = await bot.bench.tick()
    assert report.reminders["slack"].done == 1
    assert len(bot.fake.called("chat.postMessage")) == 1  # only the stopped process's post
    [history] = bot.fake.called("conversations.history")
    assert history["channel"] == CHANNEL_ID


async def test_without_the_history_scope_a_reminder_in_doubt_is_posted_again(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    await held_by_a_stopped_process(bot)
    bot.fake.fail("conversations.history", "missing_scope", extra={"needed": "channels:history"})
    with caplog.at_level(logging.WARNING):
        assert (await bot.bench.tick()).reminders["slack"].done == 1
    assert len(bot.fake.called("chat.postMessage")) == 2
    assert "channels:history" in caplog.text


async def held_by_a_stopped_process(bot: Bot) -> None:
    """A process claimed the reminder, posted it and stopped before recording that it had."""
    bench = bot.bench
    await bench.tick()
    await bot.ask("subscribe chatterbox", user=ADMIN)
    bench.clock.set(REMINDER_DUE)
    assert await bench.living.schedule() == 1
    [job] = await bench.store.claim_reminders(
        "slack", 10, "stopped-bot", bench.clock.now(), timedelta(minutes=2)
    )
    publisher = await bot.adapter.ready_publisher()
    await publisher.post(job.channel, bench.assistant.run("deadline", "chatterbox"), job.key)
    bench.clock.advance(minutes=3)


# -- reminders and permission checks under 500s and timeouts -------------------------------------

# SLACK_API_TIMEOUT for these tests: long enough for a loaded machine, short for a test.
SLACK_TIMEOUT = 1.0
# Slack answers this late (or when the fake stops): far beyond the timeout.
STALLED = 60.0


async def due_reminder(bot: Bot) -> None:
    """A channel subscribed to Chatterbox, and the clock where its reminder falls due."""
    await bot.bench.tick()
    await bot.ask("subscribe chatterbox", user=ADMIN)
    bot.bench.clock.set(REMINDER_DUE)


async def test_a_reminder_refused_with_a_500_goes_out_on_a_later_round_once(bot: Bot) -> None:
    await due_reminder(bot)
    bot.fake.fail("chat.postMessage", "internal_error", status=500)
    first = (await bot.bench.tick()).reminders["slack"]
    assert (first.done, first.failed) == (0, 1)
    assert bot.fake.posts_in(CHANNEL_ID) == []
    assert (await bot.bench.tick()).reminders["slack"].claimed == 0  # held until its lease ends
    bot.bench.clock.advance(minutes=3)
    assert (await bot.bench.tick()).reminders["slack"].done == 1
    [posted] = bot.fake.posts_in(CHANNEL_ID)
    assert posted["text"].startswith("Reminder: Chatterbox AI")
    # A 500 may come after Slack posted: the channel was read before posting again.
    assert len(bot.fake.called("conversations.history")) == 1
    assert len(bot.fake.called("chat.postMessage")) == 2
    assert await bot.bench.store.reminder_backlog() == 0


async def test_a_reminder_whose_connection_drops_after_slack_posted_is_not_posted_again(
    bot: Bot,
) -> None:
    await due_reminder(bot)
    bot.fake.drop("chat.postMessage")
    first = (await bot.bench.tick()).reminders["slack"]
    assert (first.done, first.failed) == (0, 1)
    assert len(bot.fake.posts_in(CHANNEL_ID)) == 1  # Slack posted; the answer was lost
    bot.bench.clock.advance(minutes=3)
    assert (await bot.bench.tick()).reminders["slack"].done == 1
    assert len(bot.fake.called("chat.postMessage")) == 1
    assert len(bot.fake.posts_in(CHANNEL_ID)) == 1
    assert await bot.bench.store.reminder_backlog() == 0


async def test_a_reminder_slack_confirms_too_late_is_found_later_not_posted_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with living_bot(tmp_path, slack_api_timeout=SLACK_TIMEOUT) as bot:
        await due_reminder(bot)
        bot.fake.slow("chat.postMessage", STALLED)
        started = time.perf_counter()
        first = (await bot.bench.tick()).reminders["slack"]
        assert time.perf_counter() - started < SLACK_TIMEOUT + 2  # the round was not held
        assert (first.done, first.failed) == (0, 1)
        assert len(bot.fake.posts_in(CHANNEL_ID)) == 1  # Slack posted; only its answer was late
        bot.bench.clock.advance(minutes=3)
        assert (await bot.bench.tick()).reminders["slack"].done == 1
        assert len(bot.fake.called("chat.postMessage")) == 1
        assert len(bot.fake.posts_in(CHANNEL_ID)) == 1
        assert await bot.bench.store.reminder_backlog() == 0
    assert "slack did not answer within SLACK_API_TIMEOUT" in caplog.text


async def test_a_reminder_in_doubt_is_not_posted_while_the_history_cannot_be_read(
    tmp_path: Path,
) -> None:
    async with living_bot(tmp_path, slack_api_timeout=SLACK_TIMEOUT) as bot:
        await due_reminder(bot)
        bot.fake.slow("chat.postMessage", STALLED)
        await bot.bench.tick()
        bot.bench.clock.advance(minutes=3)
        bot.fake.slow("conversations.history", STALLED)
        assert (await bot.bench.tick()).reminders["slack"].done == 0
        assert len(bot.fake.called("chat.postMessage")) == 1  # unchecked doubt: not posted
        bot.bench.clock.advance(minutes=3)
        assert (await bot.bench.tick()).reminders["slack"].done == 1
        assert len(bot.fake.called("chat.postMessage")) == 1
        assert len(bot.fake.posts_in(CHANNEL_ID)) == 1


async def test_a_permission_check_slack_answers_too_late_changes_nothing_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with living_bot(tmp_path, slack_api_timeout=SLACK_TIMEOUT) as bot:
        bot.fake.slow("users.info", STALLED)
        assert actions.too_slow(SLACK_WORDS) in await bot.ask("subscribe chatterbox", user=ADMIN)
        assert await bot.bench.subscriptions(CHANNEL) == []
        accepted = await bot.ask("subscribe chatterbox", user=ADMIN)
        assert "This channel will get reminders for Chatterbox AI" in accepted
    assert not [record for record in caplog.records if record.exc_info]


# -- through serve(): the composition root wires all of it ----------------------------------------


async def test_serve_edits_a_shared_answer_when_its_content_file_changes(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    fake = FakeSlack()
    await fake.start()
    environ = slack_environ(
        fake,
        tmp_path,
        OPTOUT_CONTENT_DIR=str(content),
        OPTOUT_RELOAD_SECONDS="0.05",
        LIVING_TICK_SECONDS="3600",  # only a reload wakes living answers in this test
    )
    fake.app_url = f"http://127.0.0.1:{environ['SLACK_PORT']}/slack/events"
    try:
        async with served(environ, ["slack"]):
            await until_status(int(environ["OPTOUT_HEALTH_PORT"]), "/readyz", 200)
            await fake.command("/optout", "chatterbox share")
            [message] = await fake.wait_for(lambda: fake.posts_in(CHANNEL_ID))
            store = await open_store(Settings(database_url=environ["DATABASE_URL"]))
            assert store is not None
            try:
                await until(lambda: _tracked(store), 1)
            finally:
                await store.close()
            service = content / "services" / "chatterbox.yaml"
            text = service.read_text(encoding="utf-8")
            text = text.replace("Chatterbox may train", "Chatterbox trains").replace(
                "    summary: Moved the choice deadline to 8 October 2025.\n"
                "    sources: [daily-news]\n",
                "    summary: Moved the choice deadline to 8 October 2025.\n"
                "    sources: [daily-news]\n"
                "  - date: 2025-10-01\n"
                "    summary: Now trains on consumer chats by default.\n"
                "    sources: [daily-news]\n",
            )
            service.write_text(text, encoding="utf-8")
            [update] = await fake.wait_for(lambda: fake.called("chat.update"), within=10)
    finally:
        await fake.stop()
    assert update["ts"] == message["ts"]
    shown = json.dumps(update["blocks"], ensure_ascii=False)
    assert ":warning: Updated " in shown and ": Now trains on consumer chats by default" in shown
    assert "Chatterbox trains its models" in shown


async def _tracked(store: SqlStore) -> int:
    return sum(group.count for group in await store.groups())


# -- answers over several messages --------------------------------------------------------------


def long_reply(sections: int) -> Reply:
    """An answer long enough for several Slack messages (one block per section)."""
    parts = tuple(Section(f"Part {n}", ((Text(f"Paragraph {n}."),),)) for n in range(sections))
    return Reply(
        command="changes", title="Changes", summary=(Text("All of them."),), sections=parts
    )


async def test_an_answer_that_now_needs_fewer_messages_deletes_the_rest(bot: Bot) -> None:
    publisher = await bot.adapter.ready_publisher()
    reply = bot.bench.assistant.run("optout", "chatterbox")
    first = await publisher.post(CHANNEL, reply, "first-part")
    second = await publisher.post(CHANNEL, reply, "second-part")
    await bot.bench.access.record(
        MessageRef(CHANNEL, first.message_ids + second.message_ids), reply
    )
    bot.bench.publish(edition(chatterbox=MOVED_LAUNCH))
    assert (await bot.bench.tick()).edits["slack"].done == 1
    assert [call["ts"] for call in bot.fake.called("chat.update")] == [first.first]
    assert [call["ts"] for call in bot.fake.called("chat.delete")] == [second.first]
    assert [message["ts"] for message in bot.fake.posts_in(CHANNEL_ID)] == [first.first]


async def test_an_answer_that_grew_keeps_its_messages_and_says_where_the_rest_is(bot: Bot) -> None:
    publisher = await bot.adapter.ready_publisher()
    posted = await publisher.post(CHANNEL, long_reply(10), "short")
    await publisher.edit(posted, long_reply(120))
    [update] = bot.fake.called("chat.update")
    assert len(update["blocks"]) <= MAX_BLOCKS_PER_MESSAGE
    assert "/changes shows all of it" in json.dumps(update["blocks"][-1])
    assert len(bot.fake.called("chat.postMessage")) == 1  # nothing posted out of place


def test_fitting_pages_keeps_short_answers_whole() -> None:
    pages = render_reply(long_reply(120))
    assert len(pages) == 3
    publisher = SlackPublisher(AsyncWebClient(), assistant_at("2026-11-20T12:00:00Z"))
    noted = lambda page: publisher.with_note(page, (Text("note"),))  # noqa: E731
    assert fit(pages, 3, noted) == pages
    [cut] = fit(pages, 1, noted)
    assert cut.blocks[:-1] == pages[0].blocks[:-1] and "note" in json.dumps(cut.blocks[-1])
