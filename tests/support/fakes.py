"""A fake platform behind the ``Publisher`` port: keeps what was posted and edited, and can be
told to forget messages, refuse calls with a rate limit, or enforce one like a real platform."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.core.ports.channels import ChannelRef, MessageRef
from bot.core.ports.publishing import MessageGoneError, RateLimitedError
from bot.core.reply import Reply
from bot.platforms.console.render import render_text

PLATFORM = "fake"


@dataclass
class Posted:
    """One message on the fake platform, as it reads now."""

    channel: ChannelRef
    key: str | None
    text: str
    edits: int = 0


@dataclass
class MemoryPlatform:
    """A platform in memory; ``refuse`` holds errors to raise on the next calls, in order."""

    platform: str = PLATFORM
    messages: dict[str, Posted] = field(default_factory=dict)
    refuse: list[Exception] = field(default_factory=list)
    calls: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def post(self, channel: ChannelRef, reply: Reply, key: str) -> MessageRef:
        self._call()
        message_id = f"m{next(self._ids)}"
        self.messages[message_id] = Posted(channel, key, _text(reply))
        return MessageRef(channel, (message_id,))

    async def find(self, channel: ChannelRef, key: str) -> MessageRef | None:
        self._call()
        for message_id, posted in self.messages.items():
            if posted.channel == channel and posted.key == key:
                return MessageRef(channel, (message_id,))
        return None

    async def edit(self, message: MessageRef, reply: Reply) -> None:
        self._call()
        posted = self.messages.get(message.first)
        if posted is None or posted.channel != message.channel:
            raise MessageGoneError("message_not_found")
        posted.text = _text(reply)
        posted.edits += 1

    def place(self, channel: ChannelRef, reply: Reply) -> MessageRef:
        """A message as an adapter would have posted it for a person's Share."""
        message_id = f"m{next(self._ids)}"
        self.messages[message_id] = Posted(channel, None, _text(reply))
        return MessageRef(channel, (message_id,))

    def posts_in(self, channel: ChannelRef) -> list[Posted]:
        """Messages in one channel, oldest first."""
        return [posted for posted in self.messages.values() if posted.channel == channel]

    def _call(self) -> None:
        self.calls += 1
        if self.refuse:
            raise self.refuse.pop(0)


@dataclass
class RateLimitedPlatform(MemoryPlatform):
    """A platform that allows ``rate`` calls a second (``burst`` at once), like Slack or Discord:
    a call over the limit is refused with the seconds to wait."""

    rate: float = 20.0
    burst: int = 5
    refused: int = 0
    _tokens: float = 0.0
    _stamp: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self._tokens = float(self.burst)

    def _call(self) -> None:
        now = time.monotonic()
        self._tokens = min(float(self.burst), self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now
        if self._tokens < 1:
            self.refused += 1
            raise RateLimitedError((1 - self._tokens) / self.rate)
        self._tokens -= 1
        super()._call()


def _text(reply: Reply) -> str:
    return render_text(reply, UTC)


class SteppingClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, start: datetime) -> None:
        self.instant = start

    def now(self) -> datetime:
        return self.instant

    def set(self, moment: datetime) -> None:
        self.instant = moment

    def advance(self, **delta: float) -> None:
        self.instant += timedelta(**delta)
