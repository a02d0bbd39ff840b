"""Team checklists posted in channels: their items as stored, who marked them, their edits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.core.ports.channels import ChannelRef, MessageRef


@dataclass(frozen=True, slots=True)
class ChecklistEntry:
    """One item of a posted checklist as stored.

    ``marked_by`` is the platform user id of whoever marked it done, kept only while it is done;
    ``facts`` is a print of the tool's organisation facts when it was marked; ``reopened`` names
    the parts of those facts whose change opened it again.
    """

    service_id: str
    done: bool = False
    marked_by: str | None = None
    marked_at: datetime | None = None
    facts: str = ""
    reopened: tuple[str, ...] = ()
    reopened_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class StoredChecklist:
    """A checklist card the bot posted, its items in order, and how many edits it has wanted."""

    id: int
    message: MessageRef
    entries: tuple[ChecklistEntry, ...]
    generation: int
    # The generation the posted card last showed; behind ``generation`` while an edit is due.
    shown: int


@dataclass(frozen=True, slots=True)
class ChecklistMark:
    """Who marks an item done, and the print of the tool's facts they saw."""

    user: str
    facts: str


@dataclass(frozen=True, slots=True)
class DoneItem:
    """An item marked done, with the print of the facts it was marked against."""

    checklist_id: int
    service_id: str
    facts: str


@dataclass(frozen=True, slots=True)
class ChecklistEditJob:
    """A posted checklist claimed for an edit, at the generation it was claimed."""

    id: int
    message: MessageRef
    generation: int


class ChecklistStore(Protocol):
    """Checklist cards posted in channels: one row per item, each updated on its own."""

    async def open_checklist(
        self, message: MessageRef, service_ids: Sequence[str], now: datetime
    ) -> None:
        """Record a checklist just posted, every item open."""
        ...

    async def checklist(self, channel: ChannelRef, message_id: str) -> StoredChecklist | None:
        """The checklist posted as this message (its first), if it is kept."""
        ...

    async def checklist_by_id(self, checklist_id: int) -> StoredChecklist | None:
        """The checklist with this id, if it is kept."""
        ...

    async def mark_item(
        self,
        channel: ChannelRef,
        message_id: str,
        service_id: str,
        mark: ChecklistMark | None,
        now: datetime,
    ) -> bool:
        """Mark an item done (``mark``) or open again (None), atomically for that one row;
        False when it already was (or there is no such item)."""
        ...

    async def done_items(self) -> list[DoneItem]:
        """Every item marked done, in every checklist."""
        ...

    async def reopen_item(self, item: DoneItem, changed: Sequence[str], now: datetime) -> bool:
        """Open a done item again, unless it was changed since ``item`` was read, and queue an
        edit of its checklist; False when nothing was opened."""
        ...

    async def claim_checklist_edits(
        self, platform: str, limit: int, owner: str, now: datetime, lease: timedelta
    ) -> list[ChecklistEditJob]:
        """Claim up to ``limit`` checklists whose posted card is behind their items."""
        ...

    async def checklist_shown(self, checklist_id: int, generation: int) -> None:
        """The posted card shows the checklist as of ``generation``; its claim is released."""
        ...

    async def postpone_checklist_edits(self, checklist_ids: Sequence[int], until: datetime) -> None:
        """Give claimed checklist edits back, not to be tried before ``until``."""
        ...

    async def forget_checklist(self, checklist_id: int) -> None:
        """Stop keeping a checklist (its message is gone)."""
        ...

    async def open_items(self, channel: ChannelRef) -> set[str]:
        """The services with an item still open on a checklist posted in ``channel``."""
        ...
