"""The operations endpoint: /healthz, /readyz and /metrics over HTTP (aiohttp).

Liveness says the process and each platform connection are up; readiness says the bot can answer:
the knowledge base is loaded, the database (when one is configured) answers, and the process is
not shutting down. Both answer JSON naming each check, with 200 or 503.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from aiohttp import web
from prometheus_client.aiohttp import make_aiohttp_handler

from bot.core.library import KnowledgeBase
from bot.core.ports.store import StoreWriteError
from bot.ops.listening import DEFAULT_LIMITS, HttpListener, ListenLimits
from bot.ops.observe import Observer

log = logging.getLogger(__name__)

# A check that takes longer than this counts as failed: an orchestrator must get an answer.
CHECK_SECONDS = 2.0

ConnectionCheck = Callable[[], Awaitable[bool]]


@dataclass
class Checks:
    """What the endpoint asks about: platforms, the knowledge base, the database, the queues."""

    platforms: dict[str, ConnectionCheck] = field(default_factory=dict)
    knowledge: Callable[[], KnowledgeBase] | None = None
    database: Callable[[], Awaitable[None]] | None = None
    backlog: Callable[[], Awaitable[tuple[int, int]]] | None = None


class HealthServer:
    """Serves the endpoint on ``host:port`` (port 0 picks a free one, see :attr:`port`)."""

    def __init__(
        self,
        observer: Observer,
        checks: Checks,
        host: str,
        port: int,
        limits: ListenLimits = DEFAULT_LIMITS,
    ) -> None:
        self.observer = observer
        self.checks = checks
        self.draining = False
        # Why each failing readiness check failed, when the bot can say so safely.
        self.causes: dict[str, str] = {}
        self.port: int | None = None
        self._host = host
        self._wanted_port = port
        # Every route is a GET: a request carrying a body is not a probe.
        self._limits = replace(limits, max_body_bytes=0)
        self._listener: HttpListener | None = None
        # The library's own handler: it offers the text format or OpenMetrics, as the scraper's
        # Accept header asks, and compresses when the scraper accepts it.
        self._exposition = make_aiohttp_handler(observer.metrics.registry)

    async def start(self) -> None:
        """Listen."""
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        app.router.add_get("/metrics", self._metrics)
        self._listener = HttpListener(app, "operations endpoint", self._limits)
        await self._listener.start(self._host, self._wanted_port)
        self.port = self._listener.port
        log.info("operations endpoint on port %s: /healthz /readyz /metrics", self.port)

    async def stop(self) -> None:
        """Stop listening."""
        if self._listener is not None:
            await self._listener.stop()
            self._listener = None

    async def liveness(self) -> dict[str, bool]:
        """Each platform connection: up or not."""
        names = list(self.checks.platforms)
        results = await asyncio.gather(*(_check(self.checks.platforms[n]) for n in names))
        for name, up in zip(names, results, strict=True):
            self.observer.metrics.platform_up.labels(name).set(1 if up else 0)
        return dict(zip(names, results, strict=True))

    async def readiness(self) -> dict[str, bool]:
        """The knowledge base loaded, the database reachable and writable, not shutting down."""
        checks = {"knowledge": self._knowledge_loaded(), "accepting": not self.draining}
        self.causes = {}
        if self.checks.database is not None:
            up = await _check(self._ping, self.causes, "database")
            self.observer.metrics.database_up.set(1 if up else 0)
            checks["database"] = up
        return checks

    def _knowledge_loaded(self) -> bool:
        if self.checks.knowledge is None:
            return False
        try:
            knowledge = self.checks.knowledge()
        except Exception:
            return False
        self.observer.metrics.serving(knowledge.version, len(knowledge.services))
        return bool(knowledge.services)

    async def _ping(self) -> bool:
        assert self.checks.database is not None
        await self.checks.database()
        return True

    async def _healthz(self, request: web.Request) -> web.Response:
        platforms = await self.liveness()
        return _answer(all(platforms.values()), {"platforms": platforms})

    async def _readyz(self, request: web.Request) -> web.Response:
        checks = await self.readiness()
        details: dict[str, Any] = {"checks": checks}
        if self.causes:
            details["causes"] = self.causes
        return _answer(all(checks.values()), details)

    async def _metrics(self, request: web.Request) -> web.StreamResponse:
        metrics = self.observer.metrics
        await self.liveness()
        await self.readiness()
        if self.checks.backlog is not None:
            try:
                edits, reminders = await asyncio.wait_for(self.checks.backlog(), CHECK_SECONDS)
            except Exception:
                # The database is away: say nothing rather than a stale or made-up figure.
                metrics.edit_queue.forget()
                metrics.reminder_backlog.forget()
            else:
                metrics.edit_queue.set(edits)
                metrics.reminder_backlog.set(reminders)
        metrics.draining.set(1 if self.draining else 0)
        return await self._exposition(request)


async def _check(
    check: Callable[[], Awaitable[bool]], causes: dict[str, str] | None = None, name: str = ""
) -> bool:
    started = time.monotonic()
    try:
        return bool(await asyncio.wait_for(check(), CHECK_SECONDS))
    except StoreWriteError as error:
        # Its message is the bot's own, naming the cause for the operator (no URL, no data).
        if causes is not None:
            causes[name] = str(error)
        return False
    except Exception as error:
        log.debug(
            "check failed after %.2f s (%s)", time.monotonic() - started, type(error).__name__
        )
        return False


def _answer(ok: bool, details: dict[str, Any]) -> web.Response:
    return web.json_response(
        {"status": "ok" if ok else "failing", **details}, status=200 if ok else 503
    )
