"""Living answers end to end over a real store (SQLite and PostgreSQL) and a fake platform."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.living.service import TickReport
from bot.core.ports.channels import ChannelRef
from bot.core.ports.publishing import MessageGoneError, PublishError, RateLimitedError
from bot.store.sql_store import SqlStore
from tests.core.living.bots import START, Bot
from tests.support import instant
from tests.support.editions import both, edition, log_change, move_deadline

GENERAL = ChannelRef("fake", "T1", "C1")
RANDOM = ChannelRef("fake", "T1", "C2")
MOVED_LAUNCH = both(
    move_deadline("launch", "2026-12-17"),
    log_change("2026-11-21", "Moved the launch of the new policy to 17 December 2026."),
)


async def test_a_shared_answer_is_edited_once_when_its_content_changes(store: SqlStore) -> None:
    bot = Bot(store)
    optout = await bot.share(GENERAL, "optout", "chatterbox")
    quiet = await bot.share(GENERAL, "optout", "quietnote")
    assert (await bot.living.tick()).edits_queued == 0
    bot.publish(edition(chatterbox=MOVED_LAUNCH))
    bot.clock.advance(hours=1)
    report = await bot.living.tick()
    assert report.edits_queued == 1
    assert report.edits["fake"].done == 1
    edited = bot.platform.messages[optout]
    assert edited.edits == 1
    assert edited.text.startswith(
        "Chatterbox AI\n=============\n! Updated 20 Nov 2026: Moved the launch of the new "
        "policy to 17 December 2026\n"
    )
    # The card's next date is the moved one, with its countdown.
    assert re.search(
        r"Next date: 18 Dec 2026 01:00 UTC \(in \d+ days\) — New data policy takes effect",
        edited.text,
    )
    assert bot.platform.messages[quiet].edits == 0
    bot.clock.advance(days=3)
    assert (await bot.living.tick()).edits_queued == 0
    assert bot.platform.messages[optout].edits == 1


async def test_an_answer_with_a_countdown_is_not_edited_as_days_pass(store: SqlStore) -> None:
    bot = Bot(store)
    message = await bot.share(GENERAL, "deadline", "chatterbox")
    for _ in range(5):
        bot.clock.advance(days=1)
        await bot.living.tick()
    assert bot.platform.messages[message].edits == 0
    bot.clock.set(instant("2026-12-11T12:00:00Z"))
    await bot.living.tick()
    assert bot.platform.messages[message].edits == 1
    assert "Passed." in bot.platform.messages[message].text


async def test_a_deleted_message_is_forgotten(store: SqlStore) -> None:
    bot = Bot(store)
    message = await bot.share(GENERAL, "optout", "chatterbox")
    del bot.platform.messages[message]
    bot.publish(edition(chatterbox=MOVED_LAUNCH))
    report = await bot.living.tick()
    assert report.edits["fake"].skipped == 1
    assert await store.groups() == []


async def test_a_rate_limit_postpones_the_queue_for_its_retry_after(store: SqlStore) -> None:
    bot = Bot(store)
    messages = [await bot.share(GENERAL, "optout", "chatterbox") for _ in range(3)]
    bot.publish(edition(chatterbox=MOVED_LAUNCH))
    bot.platform.refuse.append(RateLimitedError(0.01))
    report = await bot.living.tick()
    assert (report.edits["fake"].done, report.edits["fake"].postponed) == (0, 3)
    assert bot.pacer.limited_count == 1
    assert (await bot.living.tick()).edits["fake"].claimed == 0
    bot.clock.advance(seconds=1)
    assert (await bot.living.tick()).edits["fake"].done == 3
    assert [bot.platform.messages[m].edits for m in messages] == [1, 1, 1]


async def test_edits_resume_after_a_restart_without_repeating(store: SqlStore) -> None:
    first = Bot(store, batch=2)
    messages = [await first.share(GENERAL, "optout", "chatterbox") for _ in range(5)]
    first.publish(edition(chatterbox=MOVED_LAUNCH))
    report = await first.living.tick()
    assert report.edits["fake"].done == 2 and report.more
    restarted = Bot(store, platform=first.platform, clock=first.clock, batch=50, owner="bot-2")
    restarted.publish(first.live())
    await restarted.living.tick()
    assert [first.platform.messages[m].edits for m in messages] == [1, 1, 1, 1, 1]
    assert await store.pending_edits() == 0


async def test_a_stopping_bot_gives_claimed_work_back(store: SqlStore) -> None:
    bot = Bot(store)
    for _ in range(3):
        await bot.share(GENERAL, "optout", "chatterbox")
    bot.publish(edition(chatterbox=MOVED_LAUNCH))
    bot.living.stop()
    report = await bot.living.tick()
    assert report.edits["fake"].postponed == 3
    successor = Bot(store, platform=bot.platform, clock=bot.clock, owner="bot-2")
    successor.publish(bot.live())
    assert (await successor.living.tick()).edits["fake"].done == 3


async def test_a_subscribed_channel_gets_each_reminder_exactly_once(store: SqlStore) -> None:
    bot = Bot(store)
    await bot.living.tick()  # the first pass takes note of the deadlines that exist
    await store.subscribe(GENERAL, "all", bot.clock.now())
    await store.subscribe(GENERAL, "chatterbox", bot.clock.now())
    await store.subscribe(RANDOM, "quietnote", bot.clock.now())
    day = START.replace(hour=0)
    while day < instant("2026-12-12T00:00:00Z"):
        # Around 09:00 in Los Angeles, when the launch reminders fire, and once at night.
        for hour in (0, 16, 17, 18):
            bot.clock.set(day + timedelta(hours=hour))
            await bot.living.tick()
        day += timedelta(days=1)
    posts = bot.platform.posts_in(GENERAL)
    assert [post.text.splitlines()[0] for post in posts] == ["Reminder: Chatterbox AI"] * 4
    assert "in 14 days" in posts[0].text and "in 3 days" in posts[1].text
    assert "(in 32 hours)" in posts[2].text and "(in 8 hours)" in posts[3].text
    assert not any("late" in post.text for post in posts)
    assert bot.platform.posts_in(RANDOM) == []
    assert await store.reminder_backlog() == 0


async def test_a_reminder_missed_while_down_is_posted_late_once(store: SqlStore) -> None:
    bot = Bot(store)
    await bot.living.tick()
    await store.subscribe(GENERAL, "chatterbox", bot.clock.now())
    bot.clock.set(instant("2026-12-08T09:00:00Z"))  # down since before the 3-day reminder
    await bot.living.tick()
    await bot.living.tick()
    (post,) = bot.platform.posts_in(GENERAL)
    assert "This reminder is late: it was due 7 Dec 2026" in post.text


async def test_a_moved_deadline_is_announced_once_and_old_reminders_are_void(
    store: SqlStore,
) -> None:
    bot = Bot(store)
    await bot.living.tick()
    await store.subscribe(GENERAL, "chatterbox", bot.clock.now())
    bot.clock.set(instant("2026-12-07T17:00:00Z"))
    # The 3-day reminder is queued, then the deadline moves before it is posted.
    await bot.living.schedule()
    assert await store.reminder_backlog() == 1
    bot.publish(edition(chatterbox=MOVED_LAUNCH))
    await bot.living.tick()
    await bot.living.tick()
    posts = [post.text.splitlines()[0] for post in bot.platform.posts_in(GENERAL)]
    assert posts == ["Date moved: Chatterbox AI"]
    assert await store.reminder_backlog() == 0


async def test_a_post_in_doubt_is_not_repeated(store: SqlStore) -> None:
    bot = Bot(store)
    await bot.living.tick()
    await store.subscribe(GENERAL, "chatterbox", bot.clock.now())
    await store.subscribe(RANDOM, "chatterbox", bot.clock.now())
    bot.clock.set(instant("2026-12-07T17:00:00Z"))
    await bot.living.schedule()
    # Another process claims both posts, posts one of them and dies before recording it.
    lost = await store.claim_reminders("fake", 5, "dead-bot", bot.clock.now(), timedelta(minutes=2))
    assert len(lost) == 2
    await bot.platform.post(lost[0].channel, bot.assistant.run("help"), lost[0].key)
    bot.clock.advance(minutes=3)
    report = await bot.living.tick()
    assert report.reminders["fake"].done == 2
    assert len(bot.platform.posts_in(lost[0].channel)) == 1
    assert len(bot.platform.posts_in(lost[1].channel)) == 1


async def test_a_channel_that_is_gone_is_unsubscribed(store: SqlStore) -> None:
    bot = Bot(store)
    await bot.living.tick()
    await store.subscribe(GENERAL, "chatterbox", bot.clock.now())
    bot.clock.set(instant("2026-12-07T17:00:00Z"))
    bot.platform.refuse.append(MessageGoneError("channel_not_found"))
    report = await bot.living.tick()
    assert report.reminders["fake"].skip_reasons == {"gone": 1}
    assert await store.subscriptions(GENERAL) == []


async def test_a_failing_post_is_retried_after_its_lease_then_given_up(store: SqlStore) -> None:
    bot = Bot(store)
    await bot.living.tick()
    await store.subscribe(GENERAL, "chatterbox", bot.clock.now())
    bot.clock.set(instant("2026-12-07T17:00:00Z"))
    for attempt in range(5):
        bot.platform.refuse.append(RuntimeError("boom"))
        report = await bot.living.tick()
        assert report.reminders["fake"].failed == 1, attempt
        bot.clock.advance(minutes=3)
    assert await store.reminder_backlog() == 0
    assert bot.platform.posts_in(GENERAL) == []


@pytest.mark.parametrize(
    ("error", "logged"),
    [
        (PublishError("fake answered 500"), ("WARNING", "failed: fake answered 500", False)),
        (RuntimeError("boom"), ("ERROR", "failed", True)),
    ],
)
async def test_a_platform_refusal_is_one_warning_and_a_bug_keeps_its_traceback(
    store: SqlStore,
    caplog: pytest.LogCaptureFixture,
    error: Exception,
    logged: tuple[str, str, bool],
) -> None:
    bot = Bot(store)
    await bot.living.tick()
    await store.subscribe(GENERAL, "chatterbox", bot.clock.now())
    bot.clock.set(instant("2026-12-07T17:00:00Z"))
    bot.platform.refuse.append(error)
    with caplog.at_level(logging.WARNING, logger="bot.core.living.workers"):
        report = await bot.living.tick()
    assert report.reminders["fake"].failed == 1
    [record] = [r for r in caplog.records if r.name == "bot.core.living.workers"]
    level, words, traceback = logged
    assert record.levelname == level
    assert record.getMessage() == f"living answers: a reminder on fake {words}"
    assert (record.exc_info is not None) is traceback


async def test_backlog_counts_queued_work(store: SqlStore) -> None:
    bot = Bot(store)
    await bot.share(GENERAL, "optout", "chatterbox")
    await bot.living.tick()
    await store.subscribe(GENERAL, "chatterbox", bot.clock.now())
    bot.publish(edition(chatterbox=MOVED_LAUNCH))
    await bot.living.refresh()
    bot.clock.set(datetime(2026, 12, 14, 17, 0, tzinfo=UTC))
    await bot.living.schedule()
    assert await bot.living.backlog() == (1, 2)
    assert await bot.living.backlog(["other"]) == (0, 0)


async def test_old_finished_work_is_purged_once_a_day(store: SqlStore) -> None:
    bot = Bot(store)
    # An answer that does not change as time passes, so it is never edited.
    await bot.share(GENERAL, "changes", "quietnote")
    assert (await bot.living.tick()).purged == 0
    bot.clock.advance(days=366)
    assert (await bot.living.tick()).purged == 1
    assert await store.groups() == []


async def test_a_wake_up_during_a_tick_leads_to_another_tick(store: SqlStore) -> None:
    bot = Bot(store)
    ticks: list[int] = []

    async def tick() -> TickReport:
        ticks.append(len(ticks))
        if len(ticks) == 1:
            bot.living.wake()  # a reload lands while this round is still running
        return TickReport()

    bot.living.tick = tick  # type: ignore[method-assign]
    running = asyncio.create_task(bot.living.run())
    try:
        for _ in range(100):
            if len(ticks) >= 2:
                break
            await asyncio.sleep(0.01)
        assert len(ticks) >= 2, "the wake-up was lost: the next tick would wait a whole interval"
    finally:
        bot.living.stop()
        await asyncio.wait_for(running, 5)
