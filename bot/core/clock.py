"""The clock port: the core asks it for the time so tests and ``--now`` can fix the instant."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Something that knows the current instant."""

    def now(self) -> datetime:
        """The current instant, timezone-aware."""
        ...


class SystemClock:
    """The real time, in UTC."""

    def now(self) -> datetime:
        """The current instant, timezone-aware."""
        return datetime.now(UTC)


class FixedClock:
    """A clock stopped at one instant."""

    def __init__(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("a fixed clock needs a timezone-aware instant")
        self.instant = instant

    def now(self) -> datetime:
        """The instant the clock was stopped at."""
        return self.instant
