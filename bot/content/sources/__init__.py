"""Source checks: notice when a page the knowledge base cites has changed, moved or gone, or no
longer shows a label an answer tells people to click.

``check_sources`` and ``accept_sources`` are the library API; ``SourceReport`` is what a check
returns; a ``BaselineStore`` keeps the accepted state of each page (files beside the content,
or a running bot's own store); a ``Fetcher`` fetches pages (``HttpFetcher`` over HTTPS).
"""

from bot.content.sources.accept import Acceptance, accept_sources
from bot.content.sources.baseline import (
    BaselineEntry,
    BaselineError,
    BaselineStore,
    FileBaselineStore,
    MemoryBaselineStore,
)
from bot.content.sources.check import UnknownServiceError, check_sources
from bot.content.sources.fetch import Fetched, Fetcher, HttpFetcher
from bot.content.sources.labels import MissingLabel
from bot.content.sources.report import SourceReport, Status, render_text
from bot.content.sources.terms_archive import TermsArchiveReader

__all__ = [
    "Acceptance",
    "BaselineEntry",
    "BaselineError",
    "BaselineStore",
    "Fetched",
    "Fetcher",
    "FileBaselineStore",
    "HttpFetcher",
    "MemoryBaselineStore",
    "MissingLabel",
    "SourceReport",
    "Status",
    "TermsArchiveReader",
    "UnknownServiceError",
    "accept_sources",
    "check_sources",
    "render_text",
]
