"""What happens to each command: a request id for its logs, its outcome, latency and ack margin.

Adapters mark their entry points with :func:`observed` and call :func:`acknowledged` and
:func:`replied` where the platform's acknowledgement leaves and the reply is known; the rest is
kept here, in one place for every platform.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar, Token
from types import TracebackType
from typing import Any, TypeVar

from bot.core.reply import Reply
from bot.ops.metrics import BotMetrics

log = logging.getLogger(__name__)

# Slack wants the acknowledgement of a command, Discord the first response to an interaction,
# within 3 seconds of sending it.
PLATFORM_DEADLINE_SECONDS = 3.0

OK, REJECTED, FAILED, CANCELLED = "ok", "rejected", "failed", "cancelled"

_SCOPE: ContextVar[CommandScope | None] = ContextVar("command_scope", default=None)
# When the request carrying a command reached this process (set by the HTTP handler that took it).
_RECEIVED: ContextVar[float | None] = ContextVar("received", default=None)


class Observer:
    """Counts commands in flight, and records what each one did."""

    def __init__(
        self, metrics: BotMetrics | None = None, deadline: float = PLATFORM_DEADLINE_SECONDS
    ) -> None:
        self.metrics = metrics or BotMetrics()
        self.deadline = deadline
        self.in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self.metrics.in_flight.set_function(lambda: self.in_flight)

    def scope(self, platform: str, command: str, budgeted: bool = True) -> CommandScope:
        """A context for handling one command; ``budgeted`` when the platform wants an answer
        within its deadline (a console user waits as long as it takes)."""
        return CommandScope(self, platform, command, budgeted)

    async def idle(self, seconds: float) -> bool:
        """Wait until no command is in flight, at most ``seconds``; True when none is."""
        try:
            await asyncio.wait_for(self._idle.wait(), seconds)
        except TimeoutError:
            return self.in_flight == 0
        return True

    def _started(self) -> None:
        self.in_flight += 1
        self._idle.clear()

    def _finished(self) -> None:
        self.in_flight -= 1
        if self.in_flight == 0:
            self._idle.set()


class CommandScope:
    """One command being handled; a ``with`` block around the handler."""

    __slots__ = (
        "_request_id",
        "_token",
        "acknowledged_after",
        "budgeted",
        "command",
        "observer",
        "outcome",
        "platform",
        "started",
    )

    def __init__(
        self, observer: Observer, platform: str, command: str, budgeted: bool = True
    ) -> None:
        self.observer = observer
        self.platform = platform
        self.command = command
        self.budgeted = budgeted
        self.outcome = OK
        self.started = _RECEIVED.get() or time.monotonic()
        self.acknowledged_after: float | None = None
        self._request_id: str | None = None
        self._token: Token[CommandScope | None] | None = None

    @property
    def request_id(self) -> str:
        """Ties one command's log lines together; made when first logged, as most commands log
        nothing. It needs to be distinct, not unguessable."""
        if self._request_id is None:
            self._request_id = f"{random.getrandbits(48):012x}"
        return self._request_id

    def __enter__(self) -> CommandScope:
        self._token = _SCOPE.set(self)
        self.observer._started()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is not None:
            self.outcome = CANCELLED if issubclass(kind, asyncio.CancelledError) else FAILED
        elapsed = time.monotonic() - self.started
        # When nothing was marked, the answer itself was the acknowledgement.
        self.acknowledge(elapsed)
        metrics = self.observer.metrics
        metrics.commands_of(self.platform, self.command, self.outcome).inc()
        metrics.latency_of(self.platform).observe(elapsed)
        self.observer._finished()
        log.debug("%s %s: %s in %.1f ms", self.platform, self.command, self.outcome, elapsed * 1000)
        # A failure is logged by the SDK's error handler after this: it keeps the request id.
        if self._token is not None and kind is None:
            _SCOPE.reset(self._token)

    def acknowledge(self, elapsed: float | None = None) -> None:
        """The acknowledgement (or deferral, or first response) left now."""
        if self.acknowledged_after is not None:
            return
        if elapsed is None:
            elapsed = time.monotonic() - self.started
        self.acknowledged_after = elapsed
        if not self.budgeted:
            return
        margin = self.observer.deadline - elapsed
        self.observer.metrics.margin_of(self.platform).observe(margin)
        if margin <= 0:
            log.warning("%s %s acknowledged %.2f s late", self.platform, self.command, -margin)


def acknowledged() -> None:
    """Mark the current command's acknowledgement as sent (no-op outside a command)."""
    scope = _SCOPE.get()
    if scope is not None:
        scope.acknowledge()


def replied(reply: Reply) -> None:
    """Note the current command's reply: a user-facing error counts as ``rejected``."""
    scope = _SCOPE.get()
    if scope is not None and scope.outcome == OK and reply.tone == "error":
        scope.outcome = REJECTED


def request_id() -> str | None:
    """The id of the command being handled in this context (or whose failure is being
    reported), if any."""
    scope = _SCOPE.get()
    return scope.request_id if scope is not None else None


class HasObserver:
    """Something whose entry points are :func:`observed`: it carries an ``observer``."""

    observer: Observer


Method = TypeVar("Method", bound=Callable[..., Awaitable[Any]])


def observed(platform: str, name_of: Callable[..., str]) -> Callable[[Method], Method]:
    """Handle each call of an adapter's entry point in a :class:`CommandScope`.

    ``name_of`` receives the same arguments as the method (``self`` first) and names the command.
    The wrapper keeps the method's signature: slack-bolt injects listener arguments by name.
    """

    def decorate(method: Method) -> Method:
        @functools.wraps(method)
        async def wrapper(self: HasObserver, *args: Any, **kwargs: Any) -> Any:
            with self.observer.scope(platform, name_of(self, *args, **kwargs)):
                return await method(self, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def received_now() -> Token[float | None]:
    """Mark that a request just arrived (the HTTP layer calls this before parsing it)."""
    return _RECEIVED.set(time.monotonic())


def reset_received(token: Token[float | None]) -> None:
    """Forget the arrival time set by :func:`received_now`."""
    _RECEIVED.reset(token)
