"""Source checks in a running bot: the same check as ``sources check``, on a schedule.

One process at a time checks (the store hands out the turn), against the baselines a
maintainer accepted (``content/sources/``). A page nobody accepted yet gets a baseline from the
bot's first observation of it, kept in the store, until an accepted one exists (which wins).
What each check saw is stored per source; every process reads it back into the in-memory
signals its answers show, so replicas agree and no answer waits on the database.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.content.sources.accept import accept_sources
from bot.content.sources.baseline import (
    BaselineStore,
    MemoryBaselineStore,
    ServiceBaseline,
    decode_baseline,
    encode_baseline,
)
from bot.content.sources.check import check_sources, usable_entry
from bot.content.sources.fetch import Fetcher
from bot.content.sources.report import SourceReport
from bot.core.clock import Clock
from bot.core.library import KnowledgeBase, KnowledgeSource
from bot.core.ports.sources import SourceObservation, SourceStore
from bot.core.signals import NOTICED_STATUSES, LiveSignals, SourceSignal, SourceSignals

log = logging.getLogger(__name__)

STATUSES = ("unchanged", "changed", "moved", "gone", "unreachable", "not-accepted")
FetcherFactory = Callable[[], AbstractAsyncContextManager[Fetcher]]


@dataclass(frozen=True, slots=True)
class WatchOptions:
    """How often to check, who this process is, and how long a check may hold its turn."""

    period: timedelta
    owner: str
    # A process that dies mid-check hands the turn on after this long.
    hold: timedelta = timedelta(hours=1)
    # How often every process reads the latest findings back from the store.
    refresh: timedelta = timedelta(minutes=5)


class LayeredBaseline:
    """Accepted baselines first, first-observation baselines for the pages they lack."""

    def __init__(
        self, accepted: BaselineStore, first: MemoryBaselineStore, knowledge: KnowledgeBase
    ) -> None:
        self.accepted = accepted
        self.first = first
        self._knowledge = knowledge

    def load(self, service_id: str) -> ServiceBaseline:
        found = self._knowledge.service(service_id)
        cited = {source.id: source.url for source in found.sources} if found else {}
        chosen = self.first.load(service_id)
        for source_id, entry in self.accepted.load(service_id).items():
            earlier = chosen.get(source_id)
            # An accepted entry for a URL the content no longer cites loses to a current one.
            if earlier is None or entry.url == cited.get(source_id) or earlier.url != entry.url:
                chosen[source_id] = entry
        return chosen

    def save(self, service_id: str, entries: ServiceBaseline) -> None:
        self.first.save(service_id, entries)


class SourceWatch:
    """Checks the cited pages on a schedule and keeps the answers' signals current."""

    def __init__(
        self,
        store: SourceStore,
        knowledge: KnowledgeSource,
        accepted: BaselineStore,
        open_fetcher: FetcherFactory,
        signals: LiveSignals,
        clock: Clock,
        options: WatchOptions,
    ) -> None:
        self._store = store
        self._knowledge = knowledge
        self._accepted = accepted
        self._open_fetcher = open_fetcher
        self._signals = signals
        self._clock = clock
        self._options = options
        # Told when the signals changed (so posted answers are edited) and of the counts by status.
        self.on_change: Callable[[], None] | None = None
        self.on_counts: Callable[[dict[str, int]], None] | None = None

    async def check_if_due(self) -> list[SourceReport] | None:
        """Check every cited page if it is this process's turn; None when it is not."""
        started = self._clock.now()
        owner = self._options.owner
        if not await self._store.claim_source_check(owner, started, self._options.hold):
            return None
        reports = await self._check(started)
        finished = self._clock.now()
        await self._store.source_check_done(owner, started + self._options.period, finished)
        log.info("sources: checked %d cited pages", len(reports))
        return reports

    async def refresh(self) -> bool:
        """Read the latest findings into the signals answers show; True when they changed."""
        observations = await self._store.source_observations()
        if self.on_counts is not None:
            self.on_counts(counts(observations))
        changed = self._signals.swap(SourceSignals.of(signals_of(observations)))
        if changed and self.on_change is not None:
            self.on_change()
        return changed

    async def run(self) -> None:
        """Check when due and refresh, until cancelled; a failed round is retried later."""
        while True:
            try:
                await self.check_if_due()
                await self.refresh()
            except Exception:
                log.exception("sources: a scheduled check failed; trying again later")
            await asyncio.sleep(self._options.refresh.total_seconds())

    async def _check(self, now: datetime) -> list[SourceReport]:
        knowledge = self._knowledge()
        first = MemoryBaselineStore()
        for service_id, document in (await self._store.source_baselines()).items():
            first.save(service_id, decode_baseline(document))
        layered = LayeredBaseline(self._accepted, first, knowledge)
        async with self._open_fetcher() as fetcher:
            await self._first_observations(knowledge, layered, fetcher, now)
            reports = await check_sources(knowledge, layered, fetcher, clock=self._clock)
        earlier = {
            (seen.service_id, seen.source_id): seen
            for seen in await self._store.source_observations()
        }
        observed = []
        for report in reports:
            before = earlier.get((report.service_id, report.source_id))
            # An unreachable page may be a passing outage: it keeps what was last known.
            if report.status == "unreachable" and before is not None:
                continue
            observed.append(observation(report, before))
        await self._store.record_observations(observed)
        return reports

    async def _first_observations(
        self, knowledge: KnowledgeBase, layered: LayeredBaseline, fetcher: Fetcher, now: datetime
    ) -> None:
        """Take a baseline of every cited page that has none, from what it says now."""
        for service in knowledge.services:
            known = layered.load(service.id)
            lacking = {
                source.id
                for source in service.sources
                if usable_entry(known.get(source.id), source) is None
            }
            if not lacking:
                continue
            taken = MemoryBaselineStore()
            await accept_sources(knowledge, taken, fetcher, now.date(), service.id)
            entries = layered.first.load(service.id)
            entries.update(
                (source_id, entry)
                for source_id, entry in taken.load(service.id).items()
                if source_id in lacking
            )
            await self._store.save_source_baseline(
                service.id, encode_baseline(service.id, entries), now
            )
            layered.first.save(service.id, entries)


def observation(report: SourceReport, before: SourceObservation | None) -> SourceObservation:
    """What to store of a report; a page that still differs keeps the date it first did."""
    labels = tuple(dict.fromkeys(missing.label for missing in report.labels_missing))
    differs = report.status in NOTICED_STATUSES or bool(labels)
    changed_at = None
    if differs:
        kept = before.changed_at if before is not None else None
        changed_at = kept or report.checked_at
    return SourceObservation(
        service_id=report.service_id,
        source_id=report.source_id,
        url=report.url,
        status=report.status,
        labels_missing=labels,
        changed_at=changed_at,
        checked_at=report.checked_at,
        excerpt=report.excerpt,
    )


def signals_of(observations: list[SourceObservation]) -> list[SourceSignal]:
    """The observations answers warn about, as signals."""
    return [
        SourceSignal(
            seen.service_id, seen.source_id, seen.status, seen.labels_missing, seen.changed_at
        )
        for seen in observations
        if seen.changed_at is not None
    ]


def counts(observations: list[SourceObservation]) -> dict[str, int]:
    """How many sources are in each status (every status named, most at 0)."""
    found = dict.fromkeys(STATUSES, 0)
    for seen in observations:
        found[seen.status] = found.get(seen.status, 0) + 1
    return found
