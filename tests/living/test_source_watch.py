"""Scheduled source checks on a real store (SQLite and PostgreSQL): first observations become
baselines, a change is dated when first seen, an accepted baseline wins, and processes sharing
a store check once per period."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta
from pathlib import Path

from bot.content.sources import FileBaselineStore, MemoryBaselineStore, accept_sources
from bot.content.sources.baseline import BaselineStore
from bot.content.sources.watch import SourceWatch, WatchOptions
from bot.core.library import LiveKnowledge
from bot.core.signals import LiveSignals
from bot.store.sql_store import SqlStore
from tests.content.sources.memory_pages import (
    HELP_CHANGED,
    HELP_RENAMED,
    MemoryFetcher,
    fixture_pages,
)
from tests.living.conftest import migrated_store
from tests.living.fakes import SteppingClock
from tests.support import fixture_knowledge, instant

START = instant("2026-12-01T08:00:00Z")
DAY = timedelta(hours=24)


def watch_over(
    store: SqlStore,
    fetcher: MemoryFetcher,
    clock: SteppingClock,
    accepted: BaselineStore | None = None,
    owner: str = "bot-1",
) -> tuple[SourceWatch, LiveSignals]:
    signals = LiveSignals()
    watch = SourceWatch(
        store,
        LiveKnowledge(fixture_knowledge()),
        accepted or MemoryBaselineStore(),
        lambda: fetcher,
        signals,
        clock,
        WatchOptions(DAY, owner),
    )
    return watch, signals


async def test_the_first_check_takes_each_page_as_its_baseline(store: SqlStore) -> None:
    clock = SteppingClock(START)
    watch, signals = watch_over(store, fixture_pages(), clock)
    reports = await watch.check_if_due()
    assert reports is not None
    assert {report.status for report in reports} == {"unchanged"}
    assert set(await store.source_baselines()) == {"chatterbox", "oldsocial", "quietnote"}
    assert not await watch.refresh()
    assert signals().of_service("chatterbox") == ()


async def test_a_change_is_dated_when_first_seen_and_kept_on_later_checks(store: SqlStore) -> None:
    clock = SteppingClock(START)
    pages = fixture_pages()
    watch, signals = watch_over(store, pages, clock)
    await watch.check_if_due()
    pages.serve_help(HELP_CHANGED)
    clock.advance(hours=24)
    await watch.check_if_due()
    assert await watch.refresh()
    [signal] = signals().of_service("chatterbox")
    assert (signal.source_id, signal.status, signal.changed_at) == (
        "help-centre",
        "changed",
        START + DAY,
    )
    clock.advance(hours=24)
    await watch.check_if_due()
    assert not await watch.refresh()
    [again] = signals().of_service("chatterbox")
    assert again.changed_at == START + DAY
    [seen] = [item for item in await store.source_observations() if item.source_id == "help-centre"]
    assert "+ Private chats are deleted after 90 days." in seen.excerpt


async def test_a_renamed_toggle_is_reported_as_a_missing_label(store: SqlStore) -> None:
    clock = SteppingClock(START)
    pages = fixture_pages()
    watch, signals = watch_over(store, pages, clock)
    await watch.check_if_due()
    pages.serve_help(HELP_RENAMED)
    clock.advance(hours=24)
    await watch.check_if_due()
    await watch.refresh()
    [signal] = signals().of_service("chatterbox")
    assert signal.labels_missing == ("Improve Chatterbox for everyone",)


async def test_an_accepted_baseline_wins_over_the_first_observation(
    store: SqlStore, tmp_path: Path
) -> None:
    clock = SteppingClock(START)
    pages = fixture_pages()
    watch, signals = watch_over(store, pages, clock, FileBaselineStore(tmp_path))
    await watch.check_if_due()
    pages.serve_help(HELP_CHANGED)
    clock.advance(hours=24)
    await watch.check_if_due()
    await watch.refresh()
    assert signals().of_service("chatterbox")
    # A maintainer reads the new page and accepts it (`optout-bot sources accept`).
    today = clock.now().date()
    await accept_sources(fixture_knowledge(), FileBaselineStore(tmp_path), pages, today)
    clock.advance(hours=24)
    await watch.check_if_due()
    assert await watch.refresh()
    assert signals().of_service("chatterbox") == ()


async def test_a_check_is_not_due_again_before_its_period(store: SqlStore) -> None:
    clock = SteppingClock(START)
    pages = fixture_pages()
    watch, _ = watch_over(store, pages, clock)
    assert await watch.check_if_due() is not None
    clock.advance(hours=23)
    assert await watch.check_if_due() is None
    clock.advance(hours=1)
    assert await watch.check_if_due() is not None


async def test_an_unreachable_page_keeps_what_was_last_known(store: SqlStore) -> None:
    clock = SteppingClock(START)
    pages = fixture_pages()
    watch, signals = watch_over(store, pages, clock)
    await watch.check_if_due()
    pages.serve_help(HELP_CHANGED)
    clock.advance(hours=24)
    await watch.check_if_due()
    pages.unreachable = True
    clock.advance(hours=24)
    await watch.check_if_due()
    await watch.refresh()
    [signal] = signals().of_service("chatterbox")
    assert signal.status == "changed"


def check_in_own_loop(url: str, owner: str, results: list[bool]) -> None:
    """One bot process's check, in a thread with its own event loop and database engine."""

    async def run() -> None:
        store = await migrated_store(url)
        try:
            watch, _ = watch_over(store, fixture_pages(), SteppingClock(START), owner=owner)
            results.append(await watch.check_if_due() is not None)
        finally:
            await store.close()

    asyncio.run(run())


async def test_bots_sharing_a_store_check_once_per_period(empty_database: str) -> None:
    await (await migrated_store(empty_database)).close()
    results: list[bool] = []
    threads = [
        threading.Thread(target=check_in_own_loop, args=(empty_database, f"bot-{n}", results))
        for n in range(3)
    ]
    for thread in threads:
        thread.start()
    await asyncio.to_thread(lambda: [thread.join(60) for thread in threads])
    assert sorted(results) == [False, False, True]
    fetcher = fixture_pages()
    store = await migrated_store(empty_database)
    try:
        later, _ = watch_over(store, fetcher, SteppingClock(START + DAY), owner="bot-9")
        assert await later.check_if_due() is not None
    finally:
        await store.close()
