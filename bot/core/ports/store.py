"""Everything living answers persist, behind one port; how it fails; how the front door reaches it.

The store keeps only where answers were posted, what is due and which checklist items are done;
the one user id it keeps is who marked an item done, while it stays done (the card shows it), and
it never keeps the text of any message. Every method is a small, self-contained transaction, so
several bot processes can share one database: work items are claimed with a lease, and a process
that dies holding a lease simply lets it run out.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.core.ports.answers import AnswerStore
from bot.core.ports.checklists import ChecklistStore
from bot.core.ports.reminders import ReminderStore, SubscriptionStore
from bot.core.ports.sources import SourceStore


class KeyValueStore(Protocol):
    """Small named values, such as a platform's last command-registration fingerprint."""

    async def get_value(self, key: str) -> str | None:
        """The value stored under ``key``."""
        ...

    async def put_value(self, key: str, value: str, now: datetime) -> None:
        """Store ``value`` under ``key``."""
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


# Beside the store rather than in ``reminders``: it speaks of the store's write refusals, and
# ``reminders`` must not import this module, which is made of it.
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
