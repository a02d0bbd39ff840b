"""Every HTTP listener the bot opens (Slack's request URL, the operations endpoint), with limits.

aiohttp bounds header sizes and idle keep-alive connections, but not how long a client may take to
send a request: a client dribbling a header byte every few seconds holds its socket for ever. So
each connection here gets one deadline, armed by the first byte of a request, by which its
headers and whole body must have arrived. Connections are counted: past the cap, the oldest
connection that is not being answered (idle, or still sending its request) is closed, so a flood
of slow clients cannot lock out Slack or a health probe. Bodies must declare their length and
stay under a size limit, which is checked before a byte of the body is read.
"""

from __future__ import annotations

import asyncio
import errno
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, cast

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_request import BaseRequest

from bot.ops.throttle import ThrottledWarning

log = logging.getLogger(__name__)

# aiohttp's own limits for one request line and one header field, kept explicit here.
MAX_LINE_BYTES = 8190
MAX_FIELD_BYTES = 8190
# After answering a request whose body was not read, how long aiohttp may drain the rest.
LINGERING_SECONDS = 1.0
# Errors of accept() when the process or the system runs out of file descriptors or memory.
_OUT_OF_RESOURCES = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True, slots=True)
class ListenLimits:
    """How long a request may take to arrive, how big it may be, how many connections are open."""

    request_seconds: float = 10.0
    idle_seconds: float = 30.0
    max_connections: int = 512
    max_body_bytes: int = 64 * 1024


DEFAULT_LIMITS = ListenLimits()


class HttpListener:
    """Serves an aiohttp app on ``host:port`` under :class:`ListenLimits` (port 0: a free one)."""

    def __init__(
        self,
        app: web.Application,
        name: str,
        limits: ListenLimits,
        handler_reads_body: bool = False,
    ) -> None:
        self._app = app
        self._name = name
        self._limits = limits
        # A handler that reads the body itself (with read_body) can refuse a request from its
        # headers alone, before a byte of the body is waited for; others get it read for them.
        self._handler_reads_body = handler_reads_body
        self._runner: web.AppRunner | None = None
        self._server: asyncio.Server | None = None
        self.port: int | None = None

    async def start(self, host: str, port: int) -> None:
        """Listen."""
        loop = asyncio.get_running_loop()
        quiet_accept_errors(loop)
        self._app.middlewares.append(answered if self._handler_reads_body else whole_request)
        self._runner = web.AppRunner(
            self._app,
            access_log=None,
            handle_signals=False,
            keepalive_timeout=self._limits.idle_seconds,
            max_line_size=MAX_LINE_BYTES,
            max_field_size=MAX_FIELD_BYTES,
            lingering_time=LINGERING_SECONDS,
        )
        await self._runner.setup()
        manager = self._runner.server
        assert manager is not None
        gate = _Gate(self._name, self._limits.max_connections)
        options = dict(
            access_log=None,
            keepalive_timeout=self._limits.idle_seconds,
            max_line_size=MAX_LINE_BYTES,
            max_field_size=MAX_FIELD_BYTES,
            lingering_time=LINGERING_SECONDS,
        )

        def connection() -> _Connection:
            return _Connection(manager, gate, self._limits, loop=loop, **options)

        # asyncio's default queue of 100 connections not yet accepted overflowed when 200 clients
        # connected at once (bench/slack_http.py): the kernel drops their SYNs, and each one waits
        # the 1 s SYN retransmission (p99 1,040 ms instead of 150 ms). As many may wait as may
        # be open; the kernel caps it at net.core.somaxconn.
        backlog = self._limits.max_connections
        self._server = await loop.create_server(connection, host, port, backlog=backlog)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Stop accepting, close the connections, run the app's clean-ups."""
        if self._server is not None:
            self._server.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    @property
    def listening(self) -> bool:
        """Whether the socket is open."""
        return self._server is not None and self._server.is_serving()


async def read_body(request: web.Request) -> bytes:
    """The request's whole body, read by the connection's deadline and within the size limit.

    Raises the HTTP error to answer: 411 without a declared length, 413 over the limit (before
    reading it), 408 when the body does not arrive in time. Safe to call more than once.
    """
    connection = request.protocol
    if not isinstance(connection, _Connection):
        return await request.read()
    if request.headers.get("Transfer-Encoding"):
        raise _refused(web.HTTPLengthRequired)
    length = request.content_length or 0
    limit = connection.limits.max_body_bytes
    if length > limit:
        raise _refused(web.HTTPRequestEntityTooLarge, limit, length)
    deadline = connection.headers_read()
    if request.content.is_eof():
        # The whole body has arrived (a Slack request fits in one packet; a second call reads
        # the kept copy): reading cannot wait on the client, so no timer is set for it. Each
        # asyncio.timeout_at cost 7.5 µs, twice per Slack request (the check, then the handler).
        return await request.read()
    try:
        async with asyncio.timeout_at(deadline):
            return await request.read()
    except TimeoutError:
        raise _refused(web.HTTPRequestTimeout) from None


def quiet_accept_errors(loop: asyncio.AbstractEventLoop) -> None:
    """Out of file descriptors, asyncio reports every failed accept() with a traceback (it
    retries each second per listener, and again per waiting client): report it once per interval."""
    previous = loop.get_exception_handler()
    if getattr(previous, "quiet_accept_errors", False):
        return
    warning = ThrottledWarning(log, "accept() failed: %s; new connections wait")

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        error = context.get("exception")
        if isinstance(error, OSError) and error.errno in _OUT_OF_RESOURCES and "socket" in context:
            warning.warn(errno.errorcode.get(error.errno or 0, str(error)))
        elif previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    handler.quiet_accept_errors = True  # type: ignore[attr-defined]
    loop.set_exception_handler(handler)


def raise_open_file_limit() -> int | None:
    """Raise this process's soft limit on open files to its hard limit; the limit now in force."""
    try:
        import resource
    except ImportError:  # not a Unix system
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            # An unlimited hard limit is above what the kernel grants (nr_open): keep the soft one.
            pass
    log.info("open-file limit: %s", "unlimited" if soft == resource.RLIM_INFINITY else soft)
    return soft


def _refused(error: type[web.HTTPException], *args: int) -> web.HTTPException:
    refusal = error(*args)
    # The rest of the request is not worth reading: answer, then close the connection.
    refusal.force_close()
    return refusal


@web.middleware
async def whole_request(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The handler runs once the whole request has arrived; the deadline stops there."""
    await read_body(request)
    return await answered(request, handler)


@web.middleware
async def answered(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Once the handler has answered, the connection's next request gets a fresh deadline."""
    try:
        return await handler(request)
    finally:
        connection = request.protocol
        if isinstance(connection, _Connection):
            connection.request_done()


class _Gate:
    """Counts one listener's connections; past the cap, the oldest one not being answered goes."""

    def __init__(self, name: str, limit: int) -> None:
        self._limit = limit
        # Insertion order is age: the first entries are the oldest connections.
        self._open: dict[_Connection, None] = {}
        self._warning = ThrottledWarning(
            log, f"{name}: {limit} connections open (the limit); closing the oldest idle ones"
        )
        self.malformed = ThrottledWarning(log, f"{name}: refused a malformed request (%s %s)")

    def admit(self, connection: _Connection) -> bool:
        if len(self._open) >= self._limit:
            self._warning.warn()
            oldest_idle = next((known for known in self._open if not known.busy), None)
            if oldest_idle is None:
                return False
            self.release(oldest_idle)
            oldest_idle.evict()
        self._open[connection] = None
        return True

    def release(self, connection: _Connection) -> None:
        self._open.pop(connection, None)


class _Connection(RequestHandler):
    """aiohttp's connection handler, with the request deadline and the connection count."""

    def __init__(self, manager: Any, gate: _Gate, limits: ListenLimits, **options: Any) -> None:
        super().__init__(manager, **options)
        self._gate = gate
        self.limits = limits
        self._deadline_at = 0.0
        self._armed = False
        self._deadline: asyncio.TimerHandle | None = None
        self._admitted = False
        self._early_data = False
        self.busy = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if not self._gate.admit(self):
            cast(asyncio.Transport, transport).abort()
            return
        self._admitted = True
        super().connection_made(transport)
        # A client that connects and sends nothing is bound by the same deadline.
        self._arm()

    def connection_lost(self, exc: BaseException | None) -> None:
        if not self._admitted:
            return
        self._gate.release(self)
        self._cancel_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.busy:
            self._early_data = True
        elif not self._armed:
            self._arm()
        super().data_received(data)

    def headers_read(self) -> float:
        """The headers are in; the loop time by which the body must be, too."""
        self._disarm()
        self.busy = True
        return self._deadline_at

    def request_done(self) -> None:
        """The request was handed over and answered; the next one gets a fresh deadline."""
        self.busy = False
        if self._early_data:
            self._early_data = False
            self._arm()

    def handle_error(
        self,
        request: BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        if status >= 500 or not isinstance(exc, HttpProcessingError):
            return super().handle_error(request, status, exc, message)
        # The client's fault (a bad request line, a header too long): anyone can send these,
        # so they cost one warning a minute, not a traceback each.
        self._gate.malformed.warn(status, type(exc).__name__)
        refusal = web.Response(status=status, text=f"{status} {exc.message}"[:200])
        refusal.force_close()
        return refusal

    def evict(self) -> None:
        self._cancel_timer()
        if self.transport is not None:
            self.transport.abort()

    # One timer per connection, not one per request: disarming leaves it scheduled, and when it
    # fires early (a later request moved the deadline) it is set again for the deadline now in
    # force. Scheduling and cancelling a timer for every request cost 5 µs of the bot's 450 µs
    # of CPU per request at 200 requests in flight (bench/slack_http.py).
    def _arm(self) -> None:
        self._deadline_at = self._loop.time() + self.limits.request_seconds
        self._armed = True
        if self._deadline is None:
            self._deadline = self._loop.call_at(self._deadline_at, self._expire)

    def _disarm(self) -> None:
        self._armed = False

    def _cancel_timer(self) -> None:
        self._armed = False
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self) -> None:
        self._deadline = None
        if not self._armed:
            return
        if self._loop.time() < self._deadline_at:
            self._deadline = self._loop.call_at(self._deadline_at, self._expire)
        elif not self.busy:
            self.force_close()
