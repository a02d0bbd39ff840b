"""Open Terms Archive as a second signal: its own recorded version of a cited document.

Each collection publishes its versions in a ``<collection>-versions`` repository, one Markdown
file per service and terms type (``Anthropic/Privacy Policy.md``). A change there while the
page itself looks unchanged usually means the page we fetch is served differently to us (a
region, a consent wall) than to the archive's crawler: worth a look either way.
"""

from __future__ import annotations

from urllib.parse import quote

from bot.content.sources.fetch import Fetcher
from bot.content.sources.normalise import fingerprint, normalise_text
from bot.core.knowledge import TermsArchive

TERMS_ARCHIVE_BASE = "https://raw.githubusercontent.com/OpenTermsArchive"
TERMS_ARCHIVE_BRANCH = "main"


class TermsArchiveReader:
    """Reads the archive's latest version of a document from ``base_url``."""

    def __init__(self, fetcher: Fetcher, base_url: str = TERMS_ARCHIVE_BASE) -> None:
        self._fetcher = fetcher
        self._base_url = base_url.rstrip("/")

    def url(self, document: TermsArchive) -> str:
        """Where the archive's latest version of a document is published."""
        path = f"{quote(document.service)}/{quote(document.terms_type)}.md"
        return f"{self._base_url}/{document.collection}-versions/{TERMS_ARCHIVE_BRANCH}/{path}"

    async def fingerprint(self, document: TermsArchive) -> str | None:
        """The fingerprint of the archive's latest version, or ``None`` if it cannot be read."""
        fetched = await self._fetcher.fetch(self.url(document))
        if fetched.error or fetched.status != 200 or fetched.truncated:
            return None
        return fingerprint(normalise_text(fetched.body.decode("utf-8", errors="replace")))
