"""Scheduled checks of cited pages: what each check saw, and whose turn it is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol


@dataclass(frozen=True, slots=True)
class SourceObservation:
    """What the last scheduled check saw of one cited page (never the page's text).

    ``changed_at`` is when the page was first seen not to match its baseline (changed, moved,
    gone, or a quoted label missing); None while it matches.
    """

    service_id: str
    source_id: str
    url: str
    status: str
    labels_missing: tuple[str, ...]
    changed_at: datetime | None
    checked_at: datetime
    excerpt: tuple[str, ...] = ()


class SourceStore(Protocol):
    """Scheduled source checks: whose turn it is, what they saw, and first-observation baselines."""

    async def claim_source_check(self, owner: str, now: datetime, hold: timedelta) -> bool:
        """Take the next check if it is due: True for exactly one caller among processes.

        The check is then not due again for ``hold`` (a process that dies mid-check lets
        another take over after that), unless :meth:`source_check_done` says when it is.
        """
        ...

    async def source_check_done(self, owner: str, next_due: datetime, now: datetime) -> None:
        """The check ``owner`` claimed finished; the next is due at ``next_due``."""
        ...

    async def source_observations(self) -> list[SourceObservation]:
        """The latest observation of every source checked so far."""
        ...

    async def record_observations(self, observations: Sequence[SourceObservation]) -> None:
        """Insert or replace these observations (one per service and source)."""
        ...

    async def source_baselines(self) -> dict[str, str]:
        """First-observation baselines by service id, as the documents saved."""
        ...

    async def save_source_baseline(self, service_id: str, document: str, now: datetime) -> None:
        """Replace the first-observation baseline of one service (a document opaque here)."""
        ...
