"""Public answers the bot posted, what each showed, and the queue of edits they need."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from bot.core.ports.channels import MessageRef


@dataclass(frozen=True, slots=True)
class AnswerPrint:
    """A digest of an answer's content, and one per part so a change can be said in words."""

    digest: str
    parts: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class NewAnswer:
    """A public answer just posted: where, which answer, and a print of what it said."""

    message: MessageRef
    command: str
    service_id: str | None
    content: AnswerPrint
    # The newest change-log date the answer already reflected; later entries explain an edit.
    change_mark: date | None


@dataclass(frozen=True, slots=True)
class AnswerGroup:
    """Tracked answers on one platform that show the same answer with the same content."""

    platform: str
    command: str
    service_id: str | None
    content: AnswerPrint
    count: int
    # The oldest change mark among them: the update line names every entry newer than it.
    change_mark: date | None


@dataclass(frozen=True, slots=True)
class EditJob:
    """One tracked message claimed for an edit."""

    id: int
    message: MessageRef
    command: str
    service_id: str | None
    change_mark: date | None
    # The digest the edit was queued for, as claimed.
    desired: str


class AnswerStore(Protocol):
    """Public answers the bot posted, and the queue of edits they need."""

    async def track(self, answer: NewAnswer, now: datetime) -> None:
        """Record a posted answer (posting the same message again replaces the record)."""
        ...

    async def groups(self) -> list[AnswerGroup]:
        """Tracked answers grouped by answer and content."""
        ...

    async def mark_stale(
        self,
        platform: str,
        command: str,
        service_id: str | None,
        current: AnswerPrint,
        now: datetime,
    ) -> int:
        """Queue an edit for every message of this answer on ``platform`` that differs from
        ``current``; settle the queued edits of those that show it already."""
        ...

    async def claim_edits(
        self, platform: str, limit: int, owner: str, now: datetime, lease: timedelta
    ) -> list[EditJob]:
        """Claim up to ``limit`` queued edits that are due, oldest first."""
        ...

    async def edited(
        self, job: EditJob, shown: AnswerPrint, change_mark: date | None, now: datetime
    ) -> None:
        """The message now shows ``shown``; its edit is done unless it was queued again since."""
        ...

    async def postpone_edits(self, job_ids: Sequence[int], until: datetime) -> None:
        """Give claimed edits back to the queue, not to be tried before ``until``."""
        ...

    async def forget(self, job_id: int) -> None:
        """Stop tracking a message (it was deleted, or the bot lost access to it)."""
        ...

    async def pending_edits(self, platform: str | None = None) -> int:
        """How many messages wait for an edit."""
        ...
