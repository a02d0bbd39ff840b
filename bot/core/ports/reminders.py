"""Deadline reminders: the channels subscribed, the occurrences planned and the posts queued."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Protocol

from bot.core.ports.channels import ChannelRef

# The subscription scope meaning "every service".
ALL_SERVICES = "all"

SkipReason = Literal["passed", "missed", "moved", "gone", "failed"]


@dataclass(frozen=True, slots=True, order=True)
class Occurrence:
    """One reminder or announcement of one deadline, before it is fanned out to channels.

    ``kind`` is ``remind-<days>d`` for a reminder, ``added`` or ``moved`` for an announcement;
    ``due_key`` is the deadline's date (and time) when the occurrence was planned, so a moved
    deadline gets fresh occurrences and the old ones become void.
    """

    service_id: str
    deadline_id: str
    due_key: str
    kind: str
    fire_at: datetime


@dataclass(frozen=True, slots=True)
class ReminderJob:
    """One reminder or announcement for one channel, claimed for posting."""

    id: int
    channel: ChannelRef
    occurrence: Occurrence
    # True when an earlier claim ran out: the message may already be posted.
    in_doubt: bool
    attempts: int

    @property
    def key(self) -> str:
        """An idempotency key: the same for every attempt at this one post, short for nonces."""
        parts = (*_channel_parts(self.channel), *_occurrence_parts(self.occurrence))
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:20]


@dataclass(frozen=True, slots=True)
class KnownDeadline:
    """A deadline as the reminder scheduler last saw it."""

    service_id: str
    deadline_id: str
    due_key: str
    first_seen: datetime


class SubscriptionStore(Protocol):
    """Which channels want deadline reminders, for which services."""

    async def subscribe(self, channel: ChannelRef, service_id: str, now: datetime) -> bool:
        """Subscribe; False when the channel already was."""
        ...

    async def unsubscribe(self, channel: ChannelRef, service_id: str | None) -> int:
        """Remove one subscription, or every one of the channel when ``service_id`` is None."""
        ...

    async def subscriptions(self, channel: ChannelRef) -> list[str]:
        """The channel's subscriptions, sorted (``all`` for every service)."""
        ...


class ReminderStore(Protocol):
    """Deadlines seen, reminder occurrences fanned out, and the outbox of posts per channel."""

    async def known_deadlines(self) -> list[KnownDeadline]:
        """Every deadline recorded by :meth:`record_deadlines`."""
        ...

    async def record_deadlines(self, deadlines: Sequence[KnownDeadline]) -> None:
        """Insert or update these deadlines (each keeps the latest ``due_key``)."""
        ...

    async def fanned_out(self, occurrences: Sequence[Occurrence]) -> set[Occurrence]:
        """Which of these occurrences were already fanned out."""
        ...

    async def fan_out(self, occurrences: Sequence[Occurrence], now: datetime) -> int:
        """Queue each occurrence for every channel subscribed to its service at this moment.

        Idempotent: an occurrence is fanned out once, however often or by how many processes
        this is called. Returns the number of posts queued by this call.
        """
        ...

    async def claim_reminders(
        self, platform: str, limit: int, owner: str, now: datetime, lease: timedelta
    ) -> list[ReminderJob]:
        """Claim up to ``limit`` due posts, earliest first, including ones whose lease ran out."""
        ...

    async def reminder_posted(self, job_id: int, late: bool, now: datetime) -> None:
        """The post went out."""
        ...

    async def reminder_skipped(self, job_id: int, reason: SkipReason, now: datetime) -> None:
        """The post will never go out, for ``reason``."""
        ...

    async def postpone_reminders(self, job_ids: Sequence[int], until: datetime) -> None:
        """Give claimed posts back, known not to be posted, not to be tried before ``until``."""
        ...

    async def reminder_backlog(self, platform: str | None = None) -> int:
        """Posts queued or claimed but not yet done."""
        ...


def _channel_parts(channel: ChannelRef) -> tuple[str, str, str]:
    return channel.platform, channel.workspace, channel.channel


def _occurrence_parts(occurrence: Occurrence) -> tuple[str, str, str, str]:
    return occurrence.service_id, occurrence.deadline_id, occurrence.due_key, occurrence.kind
