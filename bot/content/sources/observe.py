"""One cited source, fetched and reduced to what a comparison needs."""

from __future__ import annotations

from dataclasses import dataclass

from bot.content.sources.baseline import BaselineEntry
from bot.content.sources.extract import extract
from bot.content.sources.fetch import Fetched, Fetcher
from bot.content.sources.normalise import fingerprint, normalise_text
from bot.content.sources.terms_archive import TermsArchiveReader
from bot.core.knowledge import Source


@dataclass(frozen=True, slots=True)
class Observation:
    """A source as fetched now; ``fingerprint`` is ``None`` when no document came back."""

    source: Source
    fetched: Fetched
    text: str | None = None
    fingerprint: str | None = None
    note: str | None = None
    terms_archive: str | None = None


async def observe(
    source: Source,
    entry: BaselineEntry | None,
    fetcher: Fetcher,
    terms_archive: TermsArchiveReader | None = None,
) -> Observation:
    """Fetch a source (conditionally, when a baseline says what we have) and read it."""
    if entry is not None:
        fetched = await fetcher.fetch(source.url, entry.etag, entry.last_modified)
    else:
        fetched = await fetcher.fetch(source.url)
    archived = None
    if source.ota is not None and terms_archive is not None:
        archived = await terms_archive.fingerprint(source.ota)
    if fetched.not_modified and entry is not None:
        # The server vouches that nothing changed: the accepted text is the current text.
        return Observation(source, fetched, entry.text, entry.fingerprint, None, archived)
    if fetched.status is None or not 200 <= fetched.status < 300:
        return Observation(source, fetched, terms_archive=archived)
    extracted = extract(fetched.content_type, fetched.body)
    notes = []
    if fetched.truncated:
        notes.append(f"larger than {len(fetched.body) // 1024} KiB: only its start was read")
    if extracted.text is None:
        notes.append(f"text was not extracted ({extracted.kind}): compared by fingerprint")
        return Observation(
            source, fetched, None, fingerprint(fetched.body), "; ".join(notes), archived
        )
    text = normalise_text(extracted.text)
    return Observation(source, fetched, text, fingerprint(text), "; ".join(notes) or None, archived)
