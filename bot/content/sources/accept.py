"""Recording the current state of a service's sources as its baseline: a person's decision."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date

from bot.content.sources.baseline import BaselineEntry, BaselineStore, ServiceBaseline
from bot.content.sources.check import select
from bot.content.sources.fetch import Fetcher
from bot.content.sources.observe import Observation, observe
from bot.content.sources.terms_archive import TermsArchiveReader
from bot.core.knowledge import Service
from bot.core.library import KnowledgeBase


@dataclass(frozen=True, slots=True)
class Acceptance:
    """What ``accept`` did for one source: recorded its current state, or kept the earlier one."""

    service_id: str
    source_id: str
    recorded: bool
    note: str | None = None


async def accept_sources(
    knowledge: KnowledgeBase,
    baseline: BaselineStore,
    fetcher: Fetcher,
    today: date,
    service: str | None = None,
    *,
    terms_archive: TermsArchiveReader | None = None,
) -> list[Acceptance]:
    """Fetch each source afresh and store what it says now; an unreadable one keeps its baseline.

    Sources no longer cited are dropped from the baseline. Raises ``UnknownServiceError``.
    """
    outcomes: list[Acceptance] = []
    for item in select(knowledge, service):
        earlier = baseline.load(item.id)
        seen = await asyncio.gather(
            *(observe(source, None, fetcher, terms_archive) for source in item.sources)
        )
        entries, done = _entries(item, seen, earlier, today)
        baseline.save(item.id, entries)
        outcomes.extend(done)
    return outcomes


def _entries(
    service: Service, observations: list[Observation], earlier: ServiceBaseline, today: date
) -> tuple[ServiceBaseline, list[Acceptance]]:
    entries: ServiceBaseline = {}
    done: list[Acceptance] = []
    for seen in observations:
        source_id = seen.source.id
        if seen.fingerprint is None:
            why = seen.fetched.error or f"HTTP {seen.fetched.status}"
            kept = earlier.get(source_id)
            if kept is not None:
                entries[source_id] = kept
            note = f"not recorded ({why}); " + ("kept the earlier baseline" if kept else "none yet")
            done.append(Acceptance(service.id, source_id, False, note))
            continue
        entries[source_id] = BaselineEntry(
            source_id=source_id,
            url=seen.source.url,
            final_url=seen.fetched.final_url,
            accepted=today,
            fingerprint=seen.fingerprint,
            text=seen.text,
            etag=seen.fetched.etag,
            last_modified=seen.fetched.last_modified,
            ota_fingerprint=seen.terms_archive,
        )
        done.append(Acceptance(service.id, source_id, True, seen.note))
    return entries, done
