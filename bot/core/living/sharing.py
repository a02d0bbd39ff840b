"""Sharing an answer in a channel, and pinning it: one flow for every platform.

Post, record the answer so living answers keep it current, pin it if asked, and say how it went.
A platform only translates: it implements ``SharingChannel`` (raising the ``PublishError``
family for its SDK's errors) and renders the ``SharingOutcome`` with :func:`describe`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from bot.core.living.access import LivingAccess
from bot.core.phrases.living import SharingPhrases
from bot.core.ports.channels import MessageRef
from bot.core.ports.publishing import (
    ChannelUnreachableError,
    MessageGoneError,
    PermissionDeniedError,
    PinLimitError,
    PublishError,
    RateLimitedError,
    SharingChannel,
    UnconfirmedError,
)
from bot.core.reply import Reply

log = logging.getLogger(__name__)

Step = Literal["post", "pin"]
OutcomeKind = Literal[
    "shared",
    "pinned",
    "already_pinned",
    "not_shareable",
    "outside_channel",
    "no_permission",
    "not_member",
    "archived",
    "restricted",
    "channel_gone",
    "not_pinnable",
    "pin_limit",
    "rate_limited",
    "unconfirmed",
    "failed",
]
# How a channel the bot cannot post in is explained, by ChannelUnreachableError.reason.
_UNREACHABLE: dict[str, OutcomeKind] = {
    "not_member": "not_member",
    "archived": "archived",
    "restricted": "restricted",
}


@dataclass(frozen=True, slots=True)
class SharingOutcome:
    """How a share or a pin went.

    ``step`` is the step it ended at; ``message`` the answer posted or pinned, when there is one;
    ``shared`` whether this request posted it (a pin that failed after it did says so too);
    ``permissions`` what the bot lacks, in the platform's words, when the platform said.
    """

    kind: OutcomeKind
    step: Step = "post"
    message: MessageRef | None = None
    shared: bool = False
    permissions: tuple[str, ...] = ()

    @property
    def succeeded(self) -> bool:
        """True when this request put the answer in the channel (or pinned it) as asked."""
        return self.kind in ("shared", "pinned")


class Sharing:
    """Posts answers in channels for the people who ask, and pins them."""

    def __init__(self, living: LivingAccess) -> None:
        self._living = living

    async def share(
        self, channel: SharingChannel | None, reply: Reply, pin: bool = False
    ) -> SharingOutcome:
        """Post ``reply`` in ``channel`` (None: not in a channel), record it, pin it if asked."""
        if channel is None:
            return SharingOutcome("outside_channel")
        if not reply.shareable:
            return SharingOutcome("not_shareable")
        try:
            message = await channel.post(reply, pin)
        except PublishError as error:
            return _failed(channel, "post", error)
        await self._living.record(message, reply)
        if not pin:
            return SharingOutcome("shared", message=message, shared=True)
        return await self._pin(channel, message, shared=True)

    async def post_checklist(self, channel: SharingChannel | None, reply: Reply) -> SharingOutcome:
        """Post a checklist card in ``channel`` and keep it, so the team can tick it."""
        if channel is None:
            return SharingOutcome("outside_channel")
        if not reply.checklist:
            return SharingOutcome("not_shareable")
        try:
            message = await channel.post(reply, pin=False)
        except PublishError as error:
            return _failed(channel, "post", error)
        await self._living.record_checklist(message, reply)
        return SharingOutcome("shared", message=message, shared=True)

    async def pin(self, channel: SharingChannel | None, message_id: str) -> SharingOutcome:
        """Pin an answer already in the channel, by the id of its first message."""
        if channel is None:
            return SharingOutcome("outside_channel", "pin")
        return await self._pin(channel, MessageRef(channel.channel, (message_id,)), shared=False)

    async def _pin(
        self, channel: SharingChannel, message: MessageRef, shared: bool
    ) -> SharingOutcome:
        try:
            fresh = await channel.pin(message)
        except PublishError as error:
            return _failed(channel, "pin", error, message, shared)
        return SharingOutcome("pinned" if fresh else "already_pinned", "pin", message, shared)


def describe(
    outcome: SharingOutcome,
    phrases: SharingPhrases,
    platform: str,
    permissions: str = "",
) -> str:
    """The outcome in words (not for ``not_shareable`` and ``failed``: the platform shows the
    answer itself, or its apology). A failure after the answer was posted says so first.

    ``{bot}`` is left for the platform to mention the bot its own way.
    """
    if outcome.kind == "no_permission":
        template = (
            phrases.no_permission_pin if outcome.step == "pin" else phrases.no_permission_post
        )
    elif outcome.kind == "unconfirmed":
        template = phrases.pin_unconfirmed if outcome.step == "pin" else phrases.post_unconfirmed
    else:
        template = getattr(phrases, outcome.kind)
    text = template.replace("{platform}", platform).replace("{permissions}", permissions)
    if outcome.shared and not outcome.succeeded:
        return f"{phrases.shared} {text}"
    return text


def _failed(
    channel: SharingChannel,
    step: Step,
    error: PublishError,
    message: MessageRef | None = None,
    shared: bool = False,
) -> SharingOutcome:
    platform = channel.channel.platform

    def outcome(kind: OutcomeKind, permissions: tuple[str, ...] = ()) -> SharingOutcome:
        return SharingOutcome(kind, step, message, shared, permissions)

    if isinstance(error, UnconfirmedError):
        # Never repeated: the platform may have carried it out and only its answer was lost.
        log.warning("sharing on %s: the %s was not confirmed (%s)", platform, step, error)
        return outcome("unconfirmed")
    if isinstance(error, RateLimitedError):
        return outcome("rate_limited")
    if isinstance(error, PinLimitError):
        return outcome("pin_limit")
    if isinstance(error, PermissionDeniedError):
        return outcome("no_permission", error.needed)
    if isinstance(error, ChannelUnreachableError):
        return outcome(_UNREACHABLE.get(error.reason, "channel_gone"))
    if isinstance(error, MessageGoneError):
        return outcome("not_pinnable" if step == "pin" else "channel_gone")
    log.error("sharing on %s: the %s failed: %s", platform, step, error)
    return outcome("failed")
