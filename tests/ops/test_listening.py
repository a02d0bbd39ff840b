"""The HTTP listeners' limits over real sockets: slow, idle and excess clients cannot stop the bot.

Small limits make each rule visible within a second. The flood test serves the whole bot (Slack
HTTP mode and the operations endpoint) and opens 2,000 hostile connections against it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import resource
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.ops.listening import HttpListener, ListenLimits, raise_open_file_limit
from bot.ops.throttle import ThrottledWarning
from tests.ops.support import get, served, slack_environ, until_up
from tests.platforms.slack.fake_slack import FakeSlack

ROOT = Path(__file__).resolve().parents[2]
QUICK = ListenLimits(request_seconds=0.5, idle_seconds=0.7, max_connections=16, max_body_bytes=64)
Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]


@contextlib.asynccontextmanager
async def listening(limits: ListenLimits = QUICK) -> AsyncIterator[int]:
    """A small app (GET and POST /) served under ``limits``; its port."""

    async def echo(request: web.Request) -> web.Response:
        return web.Response(text=f"got {len(await request.read())}")

    app = web.Application()
    app.router.add_route("*", "/", echo)
    listener = HttpListener(app, "test listener", limits)
    await listener.start("127.0.0.1", 0)
    assert listener.port is not None
    try:
        yield listener.port
    finally:
        await listener.stop()


@contextlib.asynccontextmanager
async def connections(
    port: int, count: int, first_bytes: bytes = b""
) -> AsyncIterator[list[Stream]]:
    """``count`` client connections, each having sent ``first_bytes``; all closed on the way out."""
    opened: list[Stream] = []
    try:
        for _ in range(count):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            if first_bytes:
                writer.write(first_bytes)
            opened.append((reader, writer))
        yield opened
    finally:
        for _, writer in opened:
            writer.transport.abort()


async def closed_after(reader: asyncio.StreamReader, within: float) -> tuple[bytes, float]:
    """What the server sent before closing, and after how many seconds."""
    started = time.monotonic()
    sent = await asyncio.wait_for(reader.read(), within)
    return sent, time.monotonic() - started


async def ask(port: int, request: bytes = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n") -> bytes:
    async with connections(port, 1, request) as [(reader, _)]:
        return await asyncio.wait_for(reader.readuntil(b"got "), 2)


# -- slow and idle clients --------------------------------------------------------------------


async def test_headers_that_dribble_in_are_cut_off_at_the_deadline() -> None:
    async with listening() as port, connections(port, 1, b"GET / HTTP/1.1\r\n") as [(reader, w)]:
        started = time.monotonic()
        for _ in range(3):
            await asyncio.sleep(0.1)
            w.write(b"X-Slow: 1\r\n")
        sent, _ = await closed_after(reader, 3)
        seconds = time.monotonic() - started
    assert sent == b"" and 0.4 < seconds < 1.0


async def test_a_connection_that_sends_nothing_is_closed_at_the_deadline() -> None:
    async with listening() as port, connections(port, 1) as [(reader, _)]:
        sent, seconds = await closed_after(reader, 3)
    assert sent == b"" and seconds < 1.0


async def test_a_body_that_dribbles_in_is_answered_408_at_the_deadline() -> None:
    start = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\n\r\nab"
    async with listening() as port, connections(port, 1, start) as [(reader, writer)]:
        started = time.monotonic()
        for _ in range(3):
            await asyncio.sleep(0.1)
            writer.write(b"c")
        status = await asyncio.wait_for(reader.readline(), 3)
        assert time.monotonic() - started < 1.0
    assert status.startswith(b"HTTP/1.1 408")


async def test_an_idle_keep_alive_connection_is_closed() -> None:
    request = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
    async with listening() as port, connections(port, 1, request) as [(reader, writer)]:
        await asyncio.wait_for(reader.readuntil(b"got 0"), 2)
        # A second request on the same connection gets a fresh deadline, then the idle timeout.
        writer.write(request)
        await asyncio.wait_for(reader.readuntil(b"got 0"), 2)
        sent, seconds = await closed_after(reader, 3)
    assert sent == b"" and 0.6 < seconds < 1.2


async def test_a_request_that_arrives_in_time_is_answered_whole() -> None:
    async with listening() as port:
        answer = await ask(
            port, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 64\r\n\r\n" + b"a" * 64
        )
    assert answer.startswith(b"HTTP/1.1 200")


# -- sizes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        (b"Content-Length: 1048576\r\n", b"413"),
        (b"Transfer-Encoding: chunked\r\n\r\n64", b"411"),
        (b"X-Long: " + b"a" * 9000 + b"\r\n", b"400"),
    ],
    ids=["over the body limit", "no declared length", "header field too long"],
)
async def test_oversized_requests_are_refused_without_reading_the_body(
    caplog: pytest.LogCaptureFixture, headers: bytes, status: bytes
) -> None:
    async with listening() as port:
        request = b"POST / HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n" + b"a" * 100
        async with connections(port, 1, request) as [(reader, _)]:
            started = time.monotonic()
            first = await asyncio.wait_for(reader.readline(), 2)
            assert time.monotonic() - started < 0.5
    assert first.split()[1] == status
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# -- many connections -------------------------------------------------------------------------


async def test_past_the_cap_the_oldest_idle_connections_make_way(
    caplog: pytest.LogCaptureFixture,
) -> None:
    slow = ListenLimits(request_seconds=30, idle_seconds=30, max_connections=16)
    async with listening(slow) as port, connections(port, 40, b"GET / HTT") as hostile:
        assert (await ask(port)).startswith(b"HTTP/1.1 200")
        closed = 0
        for reader, _ in hostile:
            with contextlib.suppress(TimeoutError):
                closed += await asyncio.wait_for(reader.read(), 0.05) == b""
    # 41 connections came; at most 16 stay open at once (the answered one has gone too).
    assert closed >= 40 - 16
    warnings = [r for r in caplog.records if r.name == "bot.ops.listening"]
    assert len(warnings) == 1 and "16 connections open" in warnings[0].getMessage()


async def test_300_clients_connecting_at_once_are_all_accepted_without_a_retry() -> None:
    # Past the queue of connections not yet accepted, the kernel drops a client's SYN and the
    # client sends it again after 1 s: every client must be connected well before that.
    async with listening(ListenLimits(max_connections=512)) as port:
        started = time.monotonic()
        opened = await asyncio.gather(
            *(asyncio.open_connection("127.0.0.1", port) for _ in range(300))
        )
        seconds = time.monotonic() - started
        for _, writer in opened:
            writer.transport.abort()
    assert seconds < 0.9


async def test_a_signed_command_and_a_health_probe_get_through_2000_hostile_connections(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 6000:
        pytest.skip(f"the hard open-file limit ({hard}) is too low for 2,000 client sockets")
    raise_open_file_limit()
    slack = FakeSlack()
    await slack.start()
    environ = slack_environ(slack, tmp_path)
    health_port, slack_port = int(environ["OPTOUT_HEALTH_PORT"]), int(environ["SLACK_PORT"])
    slack.app_url = f"http://127.0.0.1:{slack_port}/slack/events"
    dribble = b"POST /slack/events HTTP/1.1\r\nHost: x\r\n"
    try:
        async with asyncio.timeout(30), served(environ, ["slack"]):
            await until_up(health_port)
            async with (
                connections(slack_port, 1000, dribble),
                connections(health_port, 1000, b"GET /healthz HTTP/1.1\r\n"),
            ):
                answer = await slack.command("/optout", "chatterbox")
                status, health = await get(health_port, "/healthz")
            assert answer.status == 200 and answer.body["response_type"] == "ephemeral"
            assert answer.seconds < 2.0
            assert status == 200 and health["status"] == "ok"
    finally:
        await slack.stop()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    listener_warnings = [
        r for r in caplog.records if r.name == "bot.ops.listening" and r.levelno == logging.WARNING
    ]
    assert 1 <= len(listener_warnings) <= 2  # one a minute per listener, however many closed
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# -- file descriptors -------------------------------------------------------------------------


async def test_accept_errors_when_out_of_file_descriptors_are_logged_once_not_per_attempt() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.ops.listening_process",
        "3",
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        port = int(await asyncio.wait_for(process.stdout.readline(), 20))
        async with connections(port, 30, b"GET / HTTP/1.1\r\n"):
            # asyncio retries accept() every second: three failed rounds at least.
            await asyncio.sleep(3.5)
        process.stdin.close()
        _, err = await asyncio.wait_for(process.communicate(), 20)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    log = err.decode()
    assert log.count("accept() failed: EMFILE") == 1, log[-3000:]
    assert "Traceback" not in log and "out of system resource" not in log


def test_the_open_file_limit_is_raised_to_the_hard_limit(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.ops.listening")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(soft, 1024), hard))
        in_force = raise_open_file_limit()
        assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] == in_force
        if hard != resource.RLIM_INFINITY:
            assert in_force == hard
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert caplog.messages == [f"open-file limit: {in_force}"]


def test_a_throttled_warning_says_how_many_it_held_back(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    warning = ThrottledWarning(
        logging.getLogger("test.throttle"), "refused (%s)", 60, lambda: now[0]
    )
    for second in range(150):
        now[0] = float(second)
        warning.warn("reason")
    assert caplog.messages == [
        "refused (reason)",
        "refused (reason) (59 more since the last report)",
        "refused (reason) (59 more since the last report)",
    ]
