"""Living answers as the adapters reach them: there once the database is open, absent while not.

Answers need only the knowledge base, so an adapter must keep answering when the database is
down or switched off. Adapters therefore talk to this object rather than to
:class:`LivingAnswers` itself: recording a shared answer never fails the share. The front door
reaches the subscriptions through it too (it is a ``ReminderAccess``), and answers that reminders
are unavailable while there is no store.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.core.living.checklists import ChecklistBook
from bot.core.living.pacing import Pacer
from bot.core.living.schedule import ReminderPolicy
from bot.core.living.service import LivingAnswers
from bot.core.ports.channels import MessageRef
from bot.core.ports.publishing import Publisher
from bot.core.ports.reminders import SubscriptionStore
from bot.core.ports.store import StoreWriteError
from bot.core.reply import Reply

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Attachment:
    publisher: Publisher
    pacer: Pacer


class LivingAccess:
    """The adapters' door to living answers, which may open late (the database came up) or never
    (``DATABASE_URL=off``)."""

    def __init__(self, policy: ReminderPolicy | None = None) -> None:
        self._policy = policy or ReminderPolicy()
        self._attachments: dict[str, _Attachment] = {}
        self.living: LivingAnswers | None = None
        # Why the database last refused a write, until one succeeds again (readiness names it).
        self.write_refusal: str | None = None

    def connect(self, living: LivingAnswers) -> None:
        """Living answers are up: every publisher attached so far is handed to them."""
        self.living = living
        living.write_refused = self.refused
        for attachment in self._attachments.values():
            living.attach(attachment.publisher, attachment.pacer)

    def disconnect(self) -> None:
        """Living answers stopped: answers keep working, subscriptions say they are unavailable."""
        self.living = None

    def refused(self, error: StoreWriteError) -> None:
        """A write was refused: said once per cause in the log, not once per request."""
        cause = str(error)
        if cause != self.write_refusal:
            log.error("living answers: %s; reminders are paused until it accepts writes", cause)
        self.write_refusal = cause

    def accepted(self) -> None:
        """A write succeeded: if writes were refused until now, reminders resume."""
        if self.write_refusal is not None:
            log.info("living answers: the database accepts writes again; reminders resume")
            self.write_refusal = None

    def attach(self, publisher: Publisher, pacer: Pacer) -> None:
        """A platform is ready to post and edit; kept for living answers that connect later."""
        self._attachments[publisher.platform] = _Attachment(publisher, pacer)
        if self.living is not None:
            self.living.attach(publisher, pacer)

    def subscription_store(self) -> SubscriptionStore | None:
        """The channels' subscriptions while living answers run on an open store."""
        living = self.living
        return living.store if living is not None else None

    def checklists(self) -> ChecklistBook | None:
        """The channels' checklists while living answers run on an open store."""
        living = self.living
        return living.checklists if living is not None else None

    async def record_checklist(self, message: MessageRef, reply: Reply) -> bool:
        """Keep a checklist card just posted; False (never an exception) when it could not be."""
        book = self.checklists()
        if book is None:
            return False
        try:
            await book.record(message, reply)
        except StoreWriteError as error:
            self.refused(error)
            return False
        except Exception as error:
            log.warning(
                "living answers: a %s checklist was posted but not kept (%s)",
                message.channel.platform,
                type(error).__name__,
            )
            return False
        self.accepted()
        return True

    @property
    def reminder_offsets(self) -> tuple[int, ...]:
        """Days before each deadline when reminders go out (0: on its day)."""
        return self._policy.offsets

    async def record(self, message: MessageRef, reply: Reply) -> None:
        """Remember a public answer just posted; never raises."""
        living = self.living
        if living is None:
            return
        channel = message.channel
        try:
            await living.record(message, reply)
            self.accepted()
        except StoreWriteError as error:
            self.refused(error)
        except Exception as error:
            # The answer is posted either way; it will just not be kept current.
            log.warning(
                "living answers: a %s answer was posted but not recorded (%s)",
                channel.platform,
                type(error).__name__,
            )

    def wake(self) -> None:
        """Plan edits now (the knowledge base was reloaded) rather than at the next tick."""
        if self.living is not None:
            self.living.wake()
