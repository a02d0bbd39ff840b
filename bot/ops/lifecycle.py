"""One running bot process: its platforms, the operations endpoint, and a graceful stop.

On SIGTERM (or SIGINT) the process stops taking new commands, lets the commands in flight finish
within a bound, runs the clean-ups registered with :meth:`Operations.on_stop` (flush the living
answers' queues, close the database), stops the endpoint and returns, so the process exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.core.library import KnowledgeBase
from bot.ops.health import Checks, ConnectionCheck, HealthServer
from bot.ops.listening import DEFAULT_LIMITS, ListenLimits
from bot.ops.observe import Observer

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
Result = TypeVar("Result")


@dataclass
class Runner:
    """A platform adapter's ``run()`` coroutine and how it is stopped.

    ``drain_first``: wait for the commands in flight before cancelling it (Discord answers over
    the same HTTP session its client closes when stopped). Others are cancelled at once: their
    own stop closes the intake and then finishes what was taken (Slack).
    """

    name: str
    work: Coroutine[Any, Any, None]
    drain_first: bool = False


class Operations:
    """Metrics, health checks and the stop sequence of one process."""

    def __init__(
        self,
        port: int | None = None,
        host: str = "0.0.0.0",
        grace_seconds: float = 8.0,
        observer: Observer | None = None,
        limits: ListenLimits = DEFAULT_LIMITS,
    ) -> None:
        self.observer = observer or Observer()
        self.checks = Checks()
        self.health = (
            HealthServer(self.observer, self.checks, host, port, limits)
            if port is not None
            else None
        )
        self.grace = grace_seconds
        self.stopping = asyncio.Event()
        self._cleanups: list[tuple[str, Callable[[], Awaitable[None]]]] = []

    def watch_platform(self, name: str, check: ConnectionCheck) -> None:
        """Report ``name`` healthy only while ``check()`` says its connection is up."""
        self.checks.platforms[name] = check

    def watch_knowledge(self, knowledge: Callable[[], KnowledgeBase]) -> None:
        """The knowledge base served (readiness, version and size metrics)."""
        self.checks.knowledge = knowledge
        self.served(knowledge())

    def watch_database(
        self,
        ping: Callable[[], Awaitable[None]],
        backlog: Callable[[], Awaitable[tuple[int, int]]] | None = None,
    ) -> None:
        """The database: ready only while ``ping()`` succeeds; queue sizes from ``backlog()``."""
        self.checks.database = ping
        self.checks.backlog = backlog

    def served(self, knowledge: KnowledgeBase) -> None:
        """A knowledge base is now served."""
        self.observer.metrics.serving(knowledge.version, len(knowledge.services))

    def counting_reloads(self, load: Callable[[], Result]) -> Callable[[], Result]:
        """``load`` (a content reload), with its outcome and problems counted in the metrics."""
        metrics = self.observer.metrics

        def counted() -> Result:
            try:
                result = load()
            except Exception as error:
                metrics.reloads.labels("failed").inc()
                metrics.load_errors.set(len(getattr(error, "problems", ())) or 1)
                raise
            metrics.reloads.labels("ok").inc()
            metrics.load_errors.set(0)
            knowledge = getattr(result, "knowledge", None)
            if isinstance(knowledge, KnowledgeBase):
                self.served(knowledge)
            return result

        return counted

    def on_stop(self, name: str, cleanup: Callable[[], Awaitable[None]]) -> None:
        """Run ``cleanup`` once the platforms stopped, in the order registered (bounded)."""
        self._cleanups.append((name, cleanup))

    def stop(self) -> None:
        """Begin the graceful stop (what SIGTERM does)."""
        self.stopping.set()

    async def run(self, runners: list[Runner]) -> None:
        """Run the platforms until they all end or a stop is requested, then stop gracefully.

        An adapter that fails stops the others and its exception is raised.
        """
        loop = asyncio.get_running_loop()
        installed = _install_signals(loop, self.stop)
        tasks: dict[asyncio.Task[None], Runner] = {}
        try:
            if self.health is not None:
                await self.health.start()
            tasks = {asyncio.create_task(r.work, name=f"platform-{r.name}"): r for r in runners}
            await self._until_stopped(tasks)
        finally:
            for runner in runners:
                if not any(task_runner is runner for task_runner in tasks.values()):
                    runner.work.close()
            await self._shut_down(tasks)
            for number in installed:
                loop.remove_signal_handler(number)

    async def _until_stopped(self, tasks: dict[asyncio.Task[None], Runner]) -> None:
        stop = asyncio.create_task(self.stopping.wait())
        try:
            pending: set[asyncio.Task[Any]] = {*tasks, stop}
            while not stop.done() and pending - {stop}:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for task in done - {stop}:
                    if not task.cancelled() and task.exception() is not None:
                        raise task.exception()  # type: ignore[misc]
        finally:
            stop.cancel()
        if self.stopping.is_set():
            log.info("stop requested: taking no new commands")

    async def _shut_down(self, tasks: dict[asyncio.Task[None], Runner]) -> None:
        # One budget for the whole stop: an orchestrator kills the process when it runs out.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.grace

        def remaining() -> float:
            return max(0.1, deadline - loop.time())

        self.observer.metrics.draining.set(1)
        if self.health is not None:
            self.health.draining = True
        for task, runner in tasks.items():
            if not runner.drain_first:
                task.cancel()
        if self.observer.in_flight:
            log.info("finishing %d command(s) in flight", self.observer.in_flight)
        if not await self.observer.idle(remaining()):
            log.warning(
                "%d command(s) still in flight after %.1f s; stopping anyway",
                self.observer.in_flight,
                self.grace,
            )
        for task, runner in tasks.items():
            # Cancelled once only: a second cancel would interrupt the adapter's own stop.
            if runner.drain_first:
                task.cancel()
        if tasks:
            _, late = await asyncio.wait(tasks, timeout=remaining())
            if late:
                names = ", ".join(task.get_name() for task in late)
                log.warning("platform(s) did not stop in time: %s", names)
        for task in tasks:
            if task.done() and not task.cancelled() and task.exception() is not None:
                # Already raised from run(), or failed while stopping: either way, on record.
                log.debug("platform task ended with %s", type(task.exception()).__name__)
        for name, cleanup in self._cleanups:
            try:
                await asyncio.wait_for(cleanup(), remaining())
            except Exception:
                log.exception("stopping: %s failed", name)
        if self.health is not None:
            await self.health.stop()
        log.info("stopped")


def _install_signals(loop: asyncio.AbstractEventLoop, stop: Callable[[], None]) -> list[int]:
    installed: list[int] = []
    for number in STOP_SIGNALS:
        # Only the main thread of a process can take signals (tests run loops elsewhere too).
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(number, stop)
            installed.append(number)
    return installed
