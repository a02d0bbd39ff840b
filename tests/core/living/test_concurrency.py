"""Exactly-once reminders across bot processes on one PostgreSQL database.

Each bot is a real OS process (``tests/core/living/reminder_process.py``) posting to a fake
platform served over HTTP by the test, so two processes race for real, and one can be killed with
SIGKILL in the middle of its fan-out.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.core.living.schedule import deadline_changes
from bot.core.living.service import BASELINE_KEY
from bot.core.ports.channels import ChannelRef
from bot.store.reminders import CLAIMED, POSTED
from bot.store.schema import outbox
from bot.store.sql_store import SqlStore
from tests.core.living.bots import Bot
from tests.core.living.http_platform import PLATFORM, HttpPlatform
from tests.support import fixture_knowledge, instant
from tests.support.editions import edition, move_deadline
from tests.support.processes import PROCESS_TIMEOUT, finished, start
from tests.support.stores import migrated_store

KNOWN_SINCE = instant("2026-11-01T00:00:00Z")
# The 3-day reminder of the fixture's launch deadline is due.
NOW = instant("2026-12-07T17:05:00Z")


@pytest.fixture
async def platform() -> AsyncIterator[HttpPlatform]:
    served = HttpPlatform()
    await served.start()
    yield served
    await served.stop()


async def subscribed(store: SqlStore, channels: int) -> None:
    records, _ = deadline_changes(fixture_knowledge(), [], KNOWN_SINCE, announce=False)
    await store.record_deadlines(records)
    await store.put_value(BASELINE_KEY, KNOWN_SINCE.isoformat(), KNOWN_SINCE)
    for number in range(channels):
        await store.subscribe(ChannelRef(PLATFORM, "T1", f"C{number:03}"), "all", KNOWN_SINCE)


async def start_bot(
    database: str, platform: HttpPlatform, owner: str, now: str, batch: int
) -> asyncio.subprocess.Process:
    return await start(
        "tests.core.living.reminder_process", database, platform.url, now, owner, str(batch)
    )


async def states(store: SqlStore) -> list[str]:
    from sqlalchemy import select

    async with store.engine.connect() as connection:
        return list((await connection.execute(select(outbox.c.state))).scalars())


async def test_two_bots_on_one_database_post_each_reminder_once(
    pg_store: SqlStore, postgres_url: str, platform: HttpPlatform
) -> None:
    await subscribed(pg_store, 80)
    # Slow enough that neither bot is done before the other has started.
    platform.delay = 0.04
    bots = [
        await start_bot(postgres_url, platform, owner, NOW.isoformat(), batch=4)
        for owner in ("bot-a", "bot-b")
    ]
    outputs = await asyncio.gather(*(finished(bot) for bot in bots))
    counts = platform.per_channel()
    assert len(counts) == 80
    assert set(counts.values()) == {1}
    posted = [int(output.split()[-1]) for output in outputs]
    assert sum(posted) == 80
    assert all(count > 0 for count in posted), posted
    assert set(await states(pg_store)) == {POSTED}


async def test_a_bot_killed_mid_fan_out_resumes_without_loss_or_duplicate(
    pg_store: SqlStore, postgres_url: str, platform: HttpPlatform
) -> None:
    await subscribed(pg_store, 30)
    platform.hold_at = 10
    victim = await start_bot(postgres_url, platform, "bot-a", NOW.isoformat(), batch=50)
    try:
        await asyncio.wait_for(platform.held.wait(), PROCESS_TIMEOUT)
    finally:
        victim.send_signal(signal.SIGKILL)
        await victim.communicate()
    assert victim.returncode == -signal.SIGKILL
    assert len(platform.posts) == 10
    left = await states(pg_store)
    assert left.count(POSTED) == 9 and left.count(CLAIMED) == 21
    # The restarted bot starts after the dead one's leases ran out.
    later = (NOW + timedelta(minutes=10)).isoformat()
    successor = await start_bot(postgres_url, platform, "bot-b", later, batch=50)
    assert (await finished(successor)).strip() == "posted 21"
    counts = platform.per_channel()
    assert len(counts) == 30
    assert set(counts.values()) == {1}
    assert platform.finds == 21
    assert set(await states(pg_store)) == {POSTED}


async def test_two_bots_share_the_edit_queue_without_editing_a_message_twice(
    pg_store: SqlStore, postgres_url: str
) -> None:
    other_store = await migrated_store(postgres_url)
    try:
        first = Bot(pg_store, batch=3, owner="bot-a")
        second = Bot(
            other_store, platform=first.platform, clock=first.clock, batch=3, owner="bot-b"
        )
        channel = ChannelRef("fake", "T1", "C1")
        messages = [await first.share(channel, "optout", "chatterbox") for _ in range(30)]
        changed = edition(chatterbox=move_deadline("launch", "2026-12-17"))
        first.publish(changed)
        second.publish(changed)

        async def work(bot: Bot) -> int:
            done = 0
            for _ in range(50):
                report = await bot.living.tick()
                done += report.edits[PLATFORM].done
                if await pg_store.pending_edits() == 0:
                    break
                await asyncio.sleep(0)
            return done

        done = await asyncio.gather(work(first), work(second))
    finally:
        await other_store.close()
    assert sum(done) == 30 and all(done), done
    assert [first.platform.messages[m].edits for m in messages] == [1] * 30
