"""What a chat platform implements so the core can post, pin and edit there, and how it fails."""

from __future__ import annotations

from typing import Protocol

from bot.core.ports.channels import ChannelRef, MessageRef
from bot.core.reply import Reply


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
