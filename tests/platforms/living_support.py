"""Living answers beside a real adapter, for the end-to-end tests: a SQLite store built by the
composition root, a clock the test moves, and ticks the test runs one at a time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.bootstrap import build_living, open_store
from bot.config import Settings
from bot.content.sources import MemoryBaselineStore
from bot.content.sources.baseline import BaselineStore
from bot.content.sources.watch import SourceWatch, WatchOptions
from bot.core.assistant import Assistant
from bot.core.library import KnowledgeBase, LiveKnowledge
from bot.core.living.access import LivingAccess
from bot.core.living.pacing import Pacer
from bot.core.living.service import LivingAnswers, TickReport
from bot.core.ports.channels import ChannelRef
from bot.core.ports.publishing import Publisher
from bot.core.signals import LiveSignals
from bot.store.sql_store import SqlStore
from tests.content.sources.memory_pages import MemoryFetcher, fixture_pages
from tests.support import fixture_knowledge, instant
from tests.support.editions import both, log_change, move_deadline
from tests.support.fakes import SteppingClock

START = instant("2026-11-20T12:00:00Z")
# 09:00 in Los Angeles three days before the fixture's launch deadline: a reminder falls due.
REMINDER_DUE = instant("2026-12-07T17:00:00Z")
MOVED_LAUNCH = both(
    move_deadline("launch", "2026-12-17"),
    log_change("2026-11-21", "Moved the launch of the new policy to 17 December 2026."),
)
UPDATE_LINE = "Updated 20 Nov 2026: Moved the launch of the new policy to 17 December 2026"


class LivingBench:
    """One bot's living answers on a SQLite file, driven tick by tick."""

    def __init__(
        self,
        store: SqlStore,
        live: LiveKnowledge,
        assistant: Assistant,
        clock: SteppingClock,
        access: LivingAccess,
        signals: LiveSignals,
    ) -> None:
        self.store = store
        self.live = live
        # What the adapter answers with: the same knowledge and clock as living answers, and
        # the subscriptions through ``access``.
        self.assistant = assistant
        self.clock = clock
        self.access = access
        self.pacers: dict[str, Pacer] = {}
        # What the assistant shows of the scheduled source checks (see ``source_watch``).
        self.signals = signals

    def attach(self, publisher: Publisher) -> Pacer:
        """Attach a platform, paced in the test's own time: waiting moves the clock."""

        async def wait(seconds: float) -> None:
            self.clock.advance(seconds=seconds)

        pacer = Pacer(50, burst=10, sleep=wait, monotonic=lambda: self.clock.now().timestamp())
        self.access.attach(publisher, pacer)
        self.pacers[publisher.platform] = pacer
        return pacer

    def publish(self, knowledge: KnowledgeBase) -> None:
        """A new edition of the knowledge base is served (a reload)."""
        self.live.swap(knowledge)

    def source_watch(
        self, fetcher: MemoryFetcher, accepted: BaselineStore | None = None
    ) -> SourceWatch:
        """Daily source checks over this bot's store, fetching ``fetcher``'s pages."""
        watch = SourceWatch(
            self.store,
            self.live,
            accepted or MemoryBaselineStore(),
            lambda: fetcher,
            self.signals,
            self.clock,
            WatchOptions(timedelta(days=1), "bench"),
        )
        watch.on_change = self.access.wake
        return watch

    async def checked_next_day(
        self, watch: SourceWatch, pages: MemoryFetcher, help_page: list[str]
    ) -> None:
        """Chatterbox's help page reads ``help_page`` by the next day's check."""
        pages.serve_help(help_page)
        self.clock.advance(hours=24)
        await watch.check_if_due()

    async def help_page_changed(self, help_page: list[str]) -> None:
        """A check of the pages as verified, one the next day finding the help page reading
        ``help_page``, and the findings shown in the answers."""
        pages = fixture_pages()
        watch = self.source_watch(pages)
        await watch.check_if_due()
        await self.checked_next_day(watch, pages, help_page)
        await watch.refresh()

    @property
    def living(self) -> LivingAnswers:
        assert self.access.living is not None
        return self.access.living

    async def tick(self) -> TickReport:
        """One round of living answers."""
        return await self.living.tick()

    async def tracked(self) -> int:
        """How many posted messages are tracked."""
        return sum(group.count for group in await self.store.groups())

    async def subscriptions(self, channel: ChannelRef) -> list[str]:
        return await self.store.subscriptions(channel)


@asynccontextmanager
async def living_bench(tmp_path: Path, **settings: Any) -> AsyncIterator[LivingBench]:
    """Living answers as ``serve`` builds them, on a SQLite file under ``tmp_path``."""
    chosen = Settings(database_url=f"sqlite:///{tmp_path / 'data' / 'optout.db'}", **settings)
    store = await open_store(chosen)
    assert store is not None
    clock = SteppingClock(START)
    live = LiveKnowledge(fixture_knowledge())
    access = LivingAccess()
    signals = LiveSignals()
    assistant = Assistant(live, clock, access, signals)
    bench = LivingBench(store, live, assistant, clock, access, signals)
    bench.access.connect(build_living(chosen, store, assistant, clock))
    try:
        yield bench
    finally:
        await store.close()


async def until(probe: Callable[[], Awaitable[Any]], expected: Any, attempts: int = 300) -> None:
    """Wait until the awaitable ``probe()`` gives ``expected`` (checked every 10 ms)."""
    for _ in range(attempts):
        if await probe() == expected:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never reached {expected}")
