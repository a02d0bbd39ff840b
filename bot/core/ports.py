"""Ports of living answers: what the core needs from a database and from a chat platform.

The store keeps only where answers were posted and what is due; it never keeps user ids or the
text of any message. Every method is a small, self-contained transaction, so several bot
processes can share one database: work items are claimed with a lease, and a process that dies
holding a lease simply lets it run out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal, Protocol

from bot.core.reply import Reply

# The subscription scope meaning "every service".
ALL_SERVICES = "all"

SkipReason = Literal["passed", "missed", "moved", "gone", "failed"]


@dataclass(frozen=True, slots=True, order=True)
class ChannelRef:
    """A channel on one platform: ``workspace`` is the Slack team or Discord guild ('' in DMs)."""

    platform: str
    workspace: str
    channel: str


@dataclass(frozen=True, slots=True)
class MessageRef:
    """An answer the bot posted: the ids of its messages, first one first.

    Ids are opaque to the core (a Slack ts, a snowflake). The first message stands for the
    answer: it is the one pinned, linked to and matched when the same answer is tracked again.
    """

    channel: ChannelRef
    message_ids: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.message_ids:
            raise ValueError("a posted answer has at least one message")

    @property
    def first(self) -> str:
        """The id of the message that stands for the answer."""
        return self.message_ids[0]


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


class ReminderAccess(Protocol):
    """Deadline reminders as the front door reaches them: living answers may be down."""

    def subscription_store(self) -> SubscriptionStore | None:
        """The channels' subscriptions, or None while living answers do not run."""
        ...

    @property
    def reminder_offsets(self) -> tuple[int, ...]:
        """Days before each deadline when reminders go out (0: on its day)."""
        ...

    def refused(self, error: StoreWriteError) -> None:
        """The store refused a write: reminders are paused until it takes one again."""
        ...

    def accepted(self) -> None:
        """The store took a write: reminders resume if they were paused."""
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


class KeyValueStore(Protocol):
    """Small named values, such as a platform's last command-registration fingerprint."""

    async def get_value(self, key: str) -> str | None:
        """The value stored under ``key``."""
        ...

    async def put_value(self, key: str, value: str, now: datetime) -> None:
        """Store ``value`` under ``key``."""
        ...


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


class Store(
    AnswerStore,
    SubscriptionStore,
    ReminderStore,
    KeyValueStore,
    SourceStore,
    ChecklistStore,
    Protocol,
):
    """Everything living answers persist, behind one port."""

    async def ping(self) -> None:
        """Raise if the database cannot be reached (readiness checks call this)."""
        ...

    async def purge(self, before: datetime) -> int:
        """Forget finished reminders and unchanged answers last touched before ``before``."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


class StoreMisconfiguredError(Exception):
    """The store cannot be opened as configured (a bad database URL): retrying will not help."""


class StoreNotReadyError(Exception):
    """The database answers but is not ready (its schema is behind): it may be, later."""


class StoreWriteError(Exception):
    """The database refuses writes (a full disk, a read-only file); the message names the cause.

    Unlike an outage, reads still work: answers and lists go on, changes and reminders pause.
    """


class PublishError(Exception):
    """A platform refused a post, a pin or an edit."""


class UnconfirmedError(PublishError):
    """The platform did not confirm the call in time (or the connection dropped): it may still
    have been carried out, so a post must not simply be repeated."""


class MessageGoneError(PublishError):
    """The message or its channel no longer exists, or the bot can no longer see it."""


class ChannelUnreachableError(MessageGoneError):
    """The bot cannot post in the channel: ``reason`` says why in the platform's terms the
    user can act on ('not_member', 'archived', 'restricted' or 'gone')."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"channel not reachable: {reason}")
        self.reason = reason


class PermissionDeniedError(MessageGoneError):
    """The bot lacks a permission there; ``needed`` names it in the platform's words, when the
    platform says. Until someone grants it, the message is as good as gone for the queues."""

    def __init__(self, needed: tuple[str, ...] = ()) -> None:
        super().__init__(f"missing permission: {', '.join(needed) or 'unknown'}")
        self.needed = needed


class PinLimitError(PublishError):
    """The channel holds as many pins as the platform allows."""


class RateLimitedError(PublishError):
    """The platform asks to wait ``retry_after`` seconds before the next call."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited for {retry_after:.1f} s")
        self.retry_after = retry_after


class Publisher(Protocol):
    """What an adapter implements so the core can post and edit on its platform."""

    platform: str

    async def post(self, channel: ChannelRef, reply: Reply, key: str) -> MessageRef:
        """Post ``reply`` publicly; ``key`` is the same on every retry of one post."""
        ...

    async def find(self, channel: ChannelRef, key: str) -> MessageRef | None:
        """A message posted earlier with ``key``, when the platform can tell; else None."""
        ...

    async def edit(self, message: MessageRef, reply: Reply) -> None:
        """Replace the content of an answer the bot posted."""
        ...


class SharingChannel(Protocol):
    """Where one person asked to share an answer: the platform posts and pins there for them.

    Built per request, since a platform may answer each request with tools of its own. Every
    method raises the ``PublishError`` family, translated from the platform's errors.
    """

    channel: ChannelRef

    async def post(self, reply: Reply, pin: bool) -> MessageRef:
        """Post ``reply`` publicly; ``pin`` says it will be pinned at once (no Pin button)."""
        ...

    async def pin(self, message: MessageRef) -> bool:
        """Pin the answer's first message; False when it was pinned already."""
        ...


def _channel_parts(channel: ChannelRef) -> tuple[str, str, str]:
    return channel.platform, channel.workspace, channel.channel


def _occurrence_parts(occurrence: Occurrence) -> tuple[str, str, str, str]:
    return occurrence.service_id, occurrence.deadline_id, occurrence.due_key, occurrence.kind
