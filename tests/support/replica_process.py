"""One step of a bot replica as its own OS process, for the tests of replicas sharing a database.

    python -m tests.support.replica_process check-sources DATABASE_URL OWNER NOW
    python -m tests.support.replica_process mark-items DATABASE_URL PLATFORM WORKSPACE CHANNEL \
        MESSAGE USER SERVICE...

The database is migrated beforehand. The process opens its store, prints ``ready`` and waits for
a line on its input, so that the replicas of a test take their step at the same moment; then it
prints what the step did: ``checked`` or ``not due``, or how many items its marks changed.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime, timedelta

from bot.content.sources import MemoryBaselineStore
from bot.content.sources.baseline import BaselineStore
from bot.content.sources.watch import SourceWatch, WatchOptions
from bot.core.library import LiveKnowledge
from bot.core.ports.channels import ChannelRef
from bot.core.ports.checklists import ChecklistMark
from bot.core.signals import LiveSignals
from bot.store import open_store
from bot.store.sql_store import SqlStore
from tests.content.sources.memory_pages import MemoryFetcher, fixture_pages
from tests.support import fixture_knowledge, instant
from tests.support.fakes import SteppingClock

PERIOD = timedelta(hours=24)
MARKED_AT = instant("2026-12-01T12:00:00Z")


def watch_over(
    store: SqlStore,
    fetcher: MemoryFetcher,
    clock: SteppingClock,
    accepted: BaselineStore | None = None,
    owner: str = "bot-1",
) -> tuple[SourceWatch, LiveSignals]:
    """A daily check of the fixture's cited pages, as one replica runs it, and its signals."""
    signals = LiveSignals()
    watch = SourceWatch(
        store,
        LiveKnowledge(fixture_knowledge()),
        accepted or MemoryBaselineStore(),
        lambda: fetcher,
        signals,
        clock,
        WatchOptions(PERIOD, owner),
    )
    return watch, signals


async def check_sources(store: SqlStore, *arguments: str) -> str:
    owner, now = arguments
    clock = SteppingClock(datetime.fromisoformat(now))
    watch, _ = watch_over(store, fixture_pages(), clock, owner=owner)
    return "not due" if await watch.check_if_due() is None else "checked"


async def mark_items(store: SqlStore, *arguments: str) -> str:
    platform, workspace, channel, message, user, *services = arguments
    where = ChannelRef(platform, workspace, channel)
    mark = ChecklistMark(user, "action=1")
    # Every click at once, as when several people tick the card together.
    changed = await asyncio.gather(
        *(store.mark_item(where, message, service, mark, MARKED_AT) for service in services)
    )
    return str(sum(changed))


STEPS = {"check-sources": check_sources, "mark-items": mark_items}


async def main(step: str, database: str, *arguments: str) -> None:
    store = await open_store(database, migrate_sqlite=False)
    try:
        print("ready", flush=True)
        sys.stdin.readline()
        print(await STEPS[step](store, *arguments))
    finally:
        await store.close()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:]))
