"""The checking engine: fetch every cited page, compare it with its baseline, look for labels.

A library API, so that the command line and a running bot share it::

    async with HttpFetcher() as fetcher:
        reports = await check_sources(knowledge, FileBaselineStore(path), fetcher)
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

from bot.content.sources.baseline import BaselineEntry, BaselineStore, ServiceBaseline
from bot.content.sources.compare import excerpt
from bot.content.sources.fetch import Fetcher
from bot.content.sources.labels import missing_labels, parts_citing
from bot.content.sources.normalise import clean_url
from bot.content.sources.observe import Observation, observe
from bot.content.sources.report import SourceReport, Status, TermsArchiveStatus
from bot.content.sources.terms_archive import TermsArchiveReader
from bot.core.clock import Clock, SystemClock
from bot.core.knowledge import Service, Source
from bot.core.library import KnowledgeBase

Progress = Callable[[], object]


class UnknownServiceError(LookupError):
    """A check was asked for a service the knowledge base does not have."""


def select(knowledge: KnowledgeBase, service: str | None) -> list[Service]:
    """The services to check: one by id, or all."""
    if service is None:
        return list(knowledge.services)
    found = knowledge.service(service)
    if found is None or found.id != service:
        raise UnknownServiceError(service)
    return [found]


async def check_sources(
    knowledge: KnowledgeBase,
    baseline: BaselineStore,
    fetcher: Fetcher,
    service: str | None = None,
    *,
    terms_archive: TermsArchiveReader | None = None,
    clock: Clock | None = None,
    progress: Progress | None = None,
) -> list[SourceReport]:
    """One report per cited source, grouped by service; raises ``UnknownServiceError``.

    Pages are fetched concurrently; the fetcher bounds how many at once and per host.
    ``progress`` is called once per source fetched.
    """
    services = select(knowledge, service)
    accepted = {item.id: baseline.load(item.id) for item in services}
    when = clock or SystemClock()

    async def look(item: Service, source: Source) -> tuple[Observation, datetime]:
        entry = usable_entry(accepted[item.id].get(source.id), source)
        seen = await observe(source, entry, fetcher, terms_archive)
        if progress is not None:
            progress()
        return seen, when.now()

    looks = [[look(item, source) for source in item.sources] for item in services]
    found = await asyncio.gather(*(asyncio.gather(*group) for group in looks))
    reports: list[SourceReport] = []
    for item, observations in zip(services, found, strict=True):
        reports.extend(_service_reports(item, observations, accepted[item.id]))
    return reports


def usable_entry(entry: BaselineEntry | None, source: Source) -> BaselineEntry | None:
    """The accepted state of a source, unless the content now cites another URL."""
    return entry if entry is not None and entry.url == source.url else None


def _service_reports(
    service: Service,
    observations: list[tuple[Observation, datetime]],
    accepted: ServiceBaseline,
) -> list[SourceReport]:
    texts = {seen.source.id: seen.text for seen, _ in observations}
    missing = missing_labels(service, texts)
    reports = []
    for seen, checked_at in observations:
        entry = usable_entry(accepted.get(seen.source.id), seen.source)
        status, note = _status(seen, entry, accepted.get(seen.source.id))
        shown: tuple[str, ...] = ()
        if entry is not None and entry.text is not None and seen.text is not None:
            shown = excerpt(entry.text, seen.text) if status in ("changed", "moved") else ()
        reports.append(
            SourceReport(
                service_id=service.id,
                source_id=seen.source.id,
                url=seen.source.url,
                status=status,
                final_url=seen.fetched.final_url,
                checked_at=checked_at,
                parts=tuple(parts_citing(service, seen.source.id)),
                labels_missing=tuple(missing.get(seen.source.id, ())),
                excerpt=shown,
                redirects=seen.fetched.redirects,
                note=_joined(note, seen.note),
                terms_archive=_archive_status(seen, entry),
            )
        )
    return reports


def _status(
    seen: Observation, entry: BaselineEntry | None, stale: BaselineEntry | None
) -> tuple[Status, str | None]:
    fetched = seen.fetched
    if fetched.status in (404, 410):
        return "gone", f"HTTP {fetched.status}"
    if fetched.unreachable or seen.fingerprint is None:
        why = fetched.error or (f"HTTP {fetched.status}" if fetched.status else None)
        return "unreachable", why
    final = clean_url(fetched.final_url)
    accepted_final = clean_url(entry.final_url) if entry is not None else None
    if final != clean_url(seen.source.url) and final != accepted_final:
        return "moved", None
    if entry is None:
        if stale is not None:
            return "not-accepted", "the cited URL changed since the baseline was accepted"
        return "not-accepted", None
    if seen.fingerprint == entry.fingerprint:
        return "unchanged", None
    if seen.text is None or entry.text is None:
        return "changed", "text was not extracted; the document's bytes differ"
    return "changed", None


def _archive_status(seen: Observation, entry: BaselineEntry | None) -> TermsArchiveStatus | None:
    if seen.source.ota is None:
        return None
    if seen.terms_archive is None:
        return "unreachable"
    if entry is None or entry.ota_fingerprint is None:
        return "not-accepted"
    return "unchanged" if seen.terms_archive == entry.ota_fingerprint else "changed"


def _joined(*notes: str | None) -> str | None:
    present = [note for note in notes if note]
    return "; ".join(present) or None
