"""Living answers as the adapters reach them: there once the database is open, absent while not.

Answers need only the knowledge base, so an adapter must keep answering when the database is
down or switched off. Adapters therefore talk to this object rather than to
:class:`LivingAnswers` itself: recording a shared answer never fails the share, and the
subscription sub-actions answer that reminders are unavailable instead of raising.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.assistant import Assistant
from bot.core.clock import Clock
from bot.core.living.pacing import Pacer
from bot.core.living.schedule import ReminderPolicy
from bot.core.living.service import LivingAnswers
from bot.core.living.subscriptions import SubscriptionDesk, needs_permission, paused_reply
from bot.core.ports import MESSAGE_ID_LIMIT, ChannelRef, MessageRef, Publisher, StoreWriteError
from bot.core.reply import Reply

log = logging.getLogger(__name__)

# Several messages of one answer are tracked as one, their ids joined by this separator.
PART_SEPARATOR = " "


@dataclass(frozen=True, slots=True)
class _Attachment:
    publisher: Publisher
    pacer: Pacer
    assistant: Assistant | None


class LivingAccess:
    """The adapters' door to living answers, which may open late (the database came up) or never
    (``DATABASE_URL=off``)."""

    def __init__(self, clock: Clock, policy: ReminderPolicy | None = None) -> None:
        self._clock = clock
        self._policy = policy or ReminderPolicy()
        self._attachments: dict[str, _Attachment] = {}
        self.living: LivingAnswers | None = None
        # Why the database last refused a write, until one succeeds again (readiness names it).
        self.write_refusal: str | None = None

    @property
    def available(self) -> bool:
        """True while living answers run on an open store."""
        return self.living is not None

    def connect(self, living: LivingAnswers) -> None:
        """Living answers are up: every publisher attached so far is handed to them."""
        self.living = living
        living.write_refused = self.refused
        for attachment in self._attachments.values():
            living.attach(attachment.publisher, attachment.pacer, attachment.assistant)

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

    def attach(self, publisher: Publisher, pacer: Pacer, assistant: Assistant | None) -> None:
        """A platform is ready to post and edit; kept for living answers that connect later."""
        self._attachments[publisher.platform] = _Attachment(publisher, pacer, assistant)
        if self.living is not None:
            self.living.attach(publisher, pacer, assistant)

    def attached(self) -> list[str]:
        """The platforms whose publishers are attached."""
        return sorted(self._attachments)

    async def record(self, channel: ChannelRef, message_ids: Sequence[str], reply: Reply) -> None:
        """Remember a public answer just posted (its messages, first one first); never raises."""
        living = self.living
        if living is None or not message_ids:
            return
        message = MessageRef(channel, joined_parts(message_ids))
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

    async def subscriptions(
        self,
        assistant: Assistant,
        channel: ChannelRef,
        action: str,
        argument: str,
        may_manage: bool,
    ) -> Reply:
        """The reply to a subscription sub-action, in ``assistant``'s words; never raises."""
        living = self.living
        if living is not None:
            try:
                answer = await living.desk_for(assistant).handle(
                    channel, action, argument, may_manage
                )
            except StoreWriteError as error:
                self.refused(error)
                return paused_reply(assistant)
            except Exception as error:
                log.warning(
                    "living answers: a %s subscription request failed (%s)",
                    channel.platform,
                    type(error).__name__,
                )
            else:
                if needs_permission(action) and answer.tone != "error":
                    self.accepted()  # a change went through: the database takes writes
                return answer
        unavailable = SubscriptionDesk(None, assistant, self._clock, self._policy)
        return await unavailable.handle(channel, action, argument, may_manage)

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
