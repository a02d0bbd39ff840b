"""A bot process that only schedules and posts reminders, for the multi-process tests.

    python -m tests.core.living.reminder_process DATABASE_URL PLATFORM_URL NOW OWNER [BATCH]

It ticks until its queues are empty and prints how many posts it made.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime

import aiohttp

from bot.core.assistant import Assistant
from bot.core.clock import FixedClock
from bot.core.living.pacing import Pacer
from bot.core.living.service import LivingAnswers, LivingOptions
from bot.core.living.workers import WorkerOptions
from bot.store import open_store
from tests.core.living.http_platform import PLATFORM, HttpPublisher
from tests.support import fixture_knowledge

MAX_TICKS = 200


async def main(database: str, platform_url: str, now: str, owner: str, batch: int) -> int:
    store = await open_store(database)
    clock = FixedClock(datetime.fromisoformat(now))
    assistant = Assistant(fixture_knowledge, clock)
    living = LivingAnswers(
        store, assistant, clock, LivingOptions(WorkerOptions(owner, batch=batch))
    )
    posted = 0
    async with aiohttp.ClientSession() as session:
        living.attach(HttpPublisher(platform_url, session), Pacer(rate=1000, burst=50))
        for _ in range(MAX_TICKS):
            report = await living.tick()
            posted += report.reminders[PLATFORM].done
            if not report.more and await store.reminder_backlog() == 0:
                break
            await asyncio.sleep(0.01)
    await store.close()
    print(f"posted {posted}")
    return 0


if __name__ == "__main__":
    database, platform_url, now, owner, *rest = sys.argv[1:]
    sys.exit(asyncio.run(main(database, platform_url, now, owner, int(rest[0]) if rest else 50)))
