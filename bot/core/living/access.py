"""Living answers as the adapters reach them: there once the database is open, absent while not.

Answers need only the knowledge base, so an adapter must keep answering when the database is
down or switched off. Adapters therefore talk to this object rather than to
:class:`LivingAnswers` itself: recording a shared answer never fails the share. The front door
reaches the subscriptions through it too (it is a ``ReminderAccess``), and answers that reminders
are unavailable while there is no store.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.living.pacing import Pacer
from bot.core.living.schedule import ReminderPolicy
from bot.core.living.service import LivingAnswers
from bot.core.ports import MESSAGE_ID_LIMIT, ChannelRef, MessageRef, Publisher, SubscriptionStore
from bot.core.reply import Reply

log = logging.getLogger(__name__)

# Several messages of one answer are tracked as one, their ids joined by this separator.
PART_SEPARATOR = " "


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

    def connect(self, living: LivingAnswers) -> None:
        """Living answers are up: every publisher attached so far is handed to them."""
        self.living = living
        for attachment in self._attachments.values():
            living.attach(attachment.publisher, attachment.pacer)

    def disconnect(self) -> None:
        """Living answers stopped: answers keep working, subscriptions say they are unavailable."""
        self.living = None

    def attach(self, publisher: Publisher, pacer: Pacer) -> None:
        """A platform is ready to post and edit; kept for living answers that connect later."""
        self._attachments[publisher.platform] = _Attachment(publisher, pacer)
        if self.living is not None:
            self.living.attach(publisher, pacer)

    def subscription_store(self) -> SubscriptionStore | None:
        """The channels' subscriptions while living answers run on an open store."""
        living = self.living
        return living.store if living is not None else None

    @property
    def reminder_offsets(self) -> tuple[int, ...]:
        """Days before each deadline when reminders go out (0: on its day)."""
        return self._policy.offsets

    async def record(self, channel: ChannelRef, message_ids: Sequence[str], reply: Reply) -> None:
        """Remember a public answer just posted (its messages, first one first); never raises."""
        living = self.living
        if living is None or not message_ids:
            return
        message = MessageRef(channel, joined_parts(message_ids))
        try:
            await living.record(message, reply)
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


def joined_parts(message_ids: Sequence[str]) -> str:
    """The ids as one message id: as many of them as fit, the first always."""
    joined = message_ids[0]
    for part in message_ids[1:]:
        if len(joined) + len(PART_SEPARATOR) + len(part) > MESSAGE_ID_LIMIT:
            break
        joined += PART_SEPARATOR + part
    return joined


def message_parts(message: MessageRef) -> list[str]:
    """The ids of the messages one tracked answer spans, first one first."""
    return [part for part in message.message_id.split(PART_SEPARATOR) if part]
