"""Living answers in a running bot: started beside the platforms, never in their way.

The platforms answer from the knowledge base from the first second. The store is opened in the
background, and opening is retried while the database is unreachable; each platform's publisher
is attached once its adapter is connected; stopping gives claimed work back to the queues
before the store is closed.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Protocol

from bot.core.clock import Clock
from bot.core.living.access import LivingAccess
from bot.core.living.pacing import Pacer
from bot.core.living.schedule import ReminderPolicy
from bot.core.ports.publishing import Publisher
from bot.core.ports.store import Store, StoreMisconfiguredError, StoreNotReadyError, StoreWriteError

if TYPE_CHECKING:
    from bot.core.living.service import LivingAnswers

log = logging.getLogger(__name__)
# The key readiness writes to learn that the database takes writes again.
WRITE_CHECK_KEY = "readiness-write-check"

# How long to wait before trying an unreachable database again.
DATABASE_RETRY_SECONDS = 30.0
# How long start-up waits for the database before leaving it to the background.
FIRST_OPEN_SECONDS = 5.0


class PublishingAdapter(Protocol):
    """An adapter living answers can post through, once it is connected."""

    async def ready_publisher(self) -> Publisher: ...


class LivingWiring(Protocol):
    """What the composition root provides: the reminder policy, the store, living answers."""

    policy: ReminderPolicy

    async def open_store(self) -> Store:
        """Open (and, where allowed, migrate) the store; raises ``StoreMisconfiguredError``
        for a problem retrying cannot fix, ``StoreNotReadyError`` for one it may."""
        ...

    def living(self, store: Store) -> LivingAnswers:
        """Living answers over ``store``."""
        ...


class DatabaseDownError(ConnectionError):
    """The living-answers store is not open (yet, or any more)."""


class LivingRuntime:
    """Opens the store, runs the living-answers loop and attaches the platforms' publishers."""

    def __init__(
        self,
        wiring: LivingWiring | None,
        clock: Clock,
        retry_seconds: float = DATABASE_RETRY_SECONDS,
        access: LivingAccess | None = None,
    ) -> None:
        self._wiring = wiring
        self._clock = clock
        self._retry_seconds = retry_seconds
        self.access = access or LivingAccess(wiring.policy if wiring else ReminderPolicy())
        self._store: Store | None = None
        self._attaching: list[asyncio.Task[None]] = []
        self._loop: asyncio.Task[None] | None = None
        self._misconfigured = False
        self._opened = asyncio.Event()

    @property
    def enabled(self) -> bool:
        """False with DATABASE_URL=off: no store, and subscriptions say reminders are off."""
        return self._wiring is not None

    def attach(self, adapter: PublishingAdapter, rate: float) -> None:
        """Post and edit through ``adapter`` at ``rate`` calls a second once it is connected."""
        if self.enabled:
            self._attaching.append(asyncio.create_task(self._attach(adapter, rate)))

    async def prepare(self, within: float = FIRST_OPEN_SECONDS) -> None:
        """Try once to open the store before the platforms start; never raises.

        On a healthy start the bot is ready with living answers from its first command; a
        database that does not answer in time is left to the background loop.
        """
        if not self.enabled or self._store is not None:
            return
        try:
            self._store = await asyncio.wait_for(self._open_once(), within)
        except TimeoutError:
            log.warning("living answers: the database did not answer in %.0f s", within)

    def start(self) -> None:
        """Open the store in the background (unless open), then run living answers until stopped."""
        if self.enabled and self._loop is None:
            self._loop = asyncio.create_task(self._run(), name="living-answers")

    async def opened(self) -> Store:
        """The store, once living answers opened it (waits while the database is unreachable)."""
        await self._opened.wait()
        assert self._store is not None
        return self._store

    async def ping(self) -> None:
        """Raise unless the store is open, its database answers and takes writes (readiness).

        Once a write was refused (full disk, read-only file), each check tries a small write:
        the first that succeeds makes the bot ready again, with no restart.
        """
        if self._store is None:
            raise DatabaseDownError("the living-answers database is not open")
        await self._store.ping()
        if self.access.write_refusal is not None:
            try:
                await self._store.put_value(WRITE_CHECK_KEY, "ok", self._clock.now())
            except StoreWriteError as error:
                self.access.refused(error)
                raise
            self.access.accepted()

    async def backlog(self) -> tuple[int, int]:
        """Queued edits and reminders not yet done (the queue gauges)."""
        living = self.access.living
        if living is None:
            raise DatabaseDownError("the living-answers database is not open")
        return await living.backlog()

    def halt(self) -> None:
        """Take no new work from now on (a stop was asked for); :meth:`stop` awaits the loop."""
        for task in self._attaching:
            task.cancel()
        living = self.access.living
        if living is not None:
            living.stop()

    async def halt_when(self, stopping: asyncio.Event) -> None:
        """:meth:`halt` as soon as ``stopping`` is set, while the platforms still have their
        connections for the call in progress."""
        await stopping.wait()
        self.halt()

    async def stop(self) -> None:
        """Finish the call in progress, give every other claimed item back, end the loop."""
        self.halt()
        living = self.access.living
        if self._loop is not None:
            if living is None:
                self._loop.cancel()  # still waiting for the database
            await asyncio.gather(self._loop, return_exceptions=True)
        self.access.disconnect()

    async def close(self) -> None:
        """Close the store (after :meth:`stop`)."""
        store, self._store = self._store, None
        if store is not None:
            await store.close()

    async def _attach(self, adapter: PublishingAdapter, rate: float) -> None:
        publisher = await adapter.ready_publisher()
        self.access.attach(publisher, Pacer(rate))
        log.info("living answers: posting and editing on %s", publisher.platform)

    async def _run(self) -> None:
        store = self._store or await self._open()
        if store is None or self._wiring is None:
            return
        self._store = store
        self._opened.set()
        living = self._wiring.living(store)
        self.access.connect(living)
        log.info("living answers: started")
        await living.run()

    async def _open(self) -> Store | None:
        """The store, trying again while the database is unreachable; None when misconfigured."""
        while not self._misconfigured:
            store = await self._open_once()
            if store is not None:
                return store
            await asyncio.sleep(self._retry_seconds)
        return None

    async def _open_once(self) -> Store | None:
        if self._wiring is None:
            return None
        try:
            return await self._wiring.open_store()
        except StoreMisconfiguredError as error:
            log.error("DATABASE_URL: %s; living answers are off", error)
            self._misconfigured = True
        except StoreNotReadyError as error:
            # Someone may be running `optout-bot migrate` right now: try again later.
            log.error("living answers: %s", error)
        except Exception as error:
            # The driver's message may quote the URL and its password: the type is enough.
            log.warning(
                "living answers: the database is unreachable (%s); trying again in %.0f s",
                type(error).__name__,
                self._retry_seconds,
            )
        return None
