"""Pacing of background calls to a platform: steady at a set rate, slower after a rate limit.

Edits and reminders share a platform's budget with the answers people are waiting for, so the
queue runs at a configured rate rather than as fast as it can and relies on the platform's
429s only as a correction: each one pauses for the Retry-After the platform asked for and lowers
the rate, which creeps back up after a quiet while, but never again to a rate that was refused.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

SLOWDOWN = 0.8
RECOVERY_SECONDS = 30.0
RECOVERY_STEP = 0.1
RECOVERY_MARGIN = 0.95
TOKEN_EPSILON = 1e-9


class Pacer:
    """A token bucket: ``rate`` calls a second on average, at most ``burst`` at once."""

    def __init__(
        self,
        rate: float,
        burst: int = 1,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("a pacer needs a positive rate and a burst of at least 1")
        self.ceiling = rate
        self.rate = rate
        # Recovery stops short of the lowest rate the platform has refused.
        self._refused_at = float("inf")
        self.burst = burst
        self.limited_count = 0
        self._sleep = sleep
        self._monotonic = monotonic
        self._tokens = float(burst)
        self._stamp = monotonic()
        self._paused_until = 0.0
        self._last_limit = float("-inf")
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        """Wait until one more call may be made."""
        async with self._lock:
            while True:
                now = self._refill()
                if now < self._paused_until:
                    await self._sleep(self._paused_until - now)
                    continue
                # Within rounding of a whole token is a whole token: waiting for the last
                # 1e-16 of one would never end.
                if self._tokens >= 1 - TOKEN_EPSILON:
                    self._tokens = max(0.0, self._tokens - 1)
                    return
                await self._sleep((1 - self._tokens) / self.rate)

    def limited(self, retry_after: float) -> None:
        """The platform refused a call: wait ``retry_after`` seconds, then go slower."""
        now = self._monotonic()
        self.limited_count += 1
        self._paused_until = max(self._paused_until, now + max(retry_after, 0.0))
        self._tokens = 0.0
        self._refused_at = min(self._refused_at, self.rate)
        self.rate = max(self.rate * SLOWDOWN, self.ceiling * RECOVERY_STEP)
        self._last_limit = now

    def paused_for(self) -> float:
        """Seconds until calls may resume after a rate limit (0 when not paused)."""
        return max(0.0, self._paused_until - self._monotonic())

    def _refill(self) -> float:
        now = self._monotonic()
        highest = min(self.ceiling, self._refused_at * RECOVERY_MARGIN)
        if self.rate < highest and now - self._last_limit >= RECOVERY_SECONDS:
            self.rate = min(highest, self.rate + self.ceiling * RECOVERY_STEP)
            self._last_limit = now
        self._tokens = min(float(self.burst), self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now
        return now
