"""Where the bot posts: a channel on one platform, and the messages of one answer."""

from __future__ import annotations

from dataclasses import dataclass


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
