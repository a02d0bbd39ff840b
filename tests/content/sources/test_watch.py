"""Scheduled source checks on a real store (SQLite and PostgreSQL): first observations become
baselines, a change is dated when first seen, an accepted baseline wins, and processes sharing
a store check once per period."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.content.sources import FileBaselineStore, accept_sources
from bot.content.sources.baseline import BaselineStore
from bot.content.sources.watch import SourceWatch
from bot.core.signals import LiveSignals
from bot.store.sql_store import SqlStore
from tests.content.sources.memory_pages import (
    HELP_CHANGED,
    HELP_RENAMED,
    MemoryFetcher,
    fixture_pages,
)
from tests.support import fixture_knowledge, instant
from tests.support.fakes import SteppingClock
from tests.support.processes import run_together
from tests.support.replica_process import PERIOD, watch_over
from tests.support.stores import migrated_store

START = instant("2026-12-01T08:00:00Z")


@dataclass(frozen=True)
class Watched:
    """A watch over pages that changed after its first check, and the day after it."""

    watch: SourceWatch
    signals: LiveSignals
    clock: SteppingClock
    pages: MemoryFetcher


async def changed_overnight(
    store: SqlStore, help_page: list[str], accepted: BaselineStore | None = None
) -> Watched:
    """Checked at ``START``, when the help page was as verified, and a day later, once it read
    ``help_page``."""
    clock = SteppingClock(START)
    pages = fixture_pages()
    watch, signals = watch_over(store, pages, clock, accepted)
    await watch.check_if_due()
    pages.serve_help(help_page)
    clock.advance(hours=24)
    await watch.check_if_due()
    return Watched(watch, signals, clock, pages)


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
    watched = await changed_overnight(store, HELP_CHANGED)
    watch, signals = watched.watch, watched.signals
    assert await watch.refresh()
    [signal] = signals().of_service("chatterbox")
    assert (signal.source_id, signal.status, signal.changed_at) == (
        "help-centre",
        "changed",
        START + PERIOD,
    )
    watched.clock.advance(hours=24)
    await watch.check_if_due()
    assert not await watch.refresh()
    [again] = signals().of_service("chatterbox")
    assert again.changed_at == START + PERIOD
    [seen] = [item for item in await store.source_observations() if item.source_id == "help-centre"]
    assert "+ Private chats are deleted after 90 days." in seen.excerpt


async def test_a_renamed_toggle_is_reported_as_a_missing_label(store: SqlStore) -> None:
    watched = await changed_overnight(store, HELP_RENAMED)
    await watched.watch.refresh()
    [signal] = watched.signals().of_service("chatterbox")
    assert signal.labels_missing == ("Improve Chatterbox for everyone",)


async def test_an_accepted_baseline_wins_over_the_first_observation(
    store: SqlStore, tmp_path: Path
) -> None:
    watched = await changed_overnight(store, HELP_CHANGED, FileBaselineStore(tmp_path))
    watch, signals, clock = watched.watch, watched.signals, watched.clock
    await watch.refresh()
    assert signals().of_service("chatterbox")
    # A maintainer reads the new page and accepts it (`optout-bot sources accept`).
    today = clock.now().date()
    await accept_sources(fixture_knowledge(), FileBaselineStore(tmp_path), watched.pages, today)
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
    watched = await changed_overnight(store, HELP_CHANGED)
    watched.pages.unreachable = True
    watched.clock.advance(hours=24)
    await watched.watch.check_if_due()
    await watched.watch.refresh()
    [signal] = watched.signals().of_service("chatterbox")
    assert signal.status == "changed"


async def test_replicas_sharing_a_database_check_once_per_period(empty_database: str) -> None:
    await (await migrated_store(empty_database)).close()
    at = START.isoformat()
    outputs = await run_together(
        "tests.support.replica_process",
        *(["check-sources", empty_database, f"bot-{n}", at] for n in range(3)),
    )
    assert sorted(output.strip() for output in outputs) == ["checked", "not due", "not due"]
    store = await migrated_store(empty_database)
    try:
        later, _ = watch_over(store, fixture_pages(), SteppingClock(START + PERIOD), owner="bot-9")
        assert await later.check_if_due() is not None
    finally:
        await store.close()
