"""Helpers for the operations tests: free ports, the endpoint, a bot served in-process."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp

from bot.bootstrap import serve
from bot.config import Settings
from tests.adapters.fake_slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack
from tests.support import FIXTURE_CONTENT


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def get(port: int, path: str) -> tuple[int, Any]:
    """GET a path of the operations endpoint: status and JSON (or text) body."""
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}{path}") as answer,
    ):
        text = await answer.text()
        if answer.content_type == "application/json":
            return answer.status, json.loads(text)
        return answer.status, text


async def until_up(port: int, path: str = "/healthz", seconds: float = 10) -> Any:
    """Poll ``path`` until it answers 200; its body."""
    return await until_status(port, path, 200, seconds)


async def until_status(port: int, path: str, wanted: int, seconds: float = 10) -> Any:
    """Poll ``path`` until it answers with status ``wanted``; its body."""
    async with asyncio.timeout(seconds):
        while True:
            with contextlib.suppress(aiohttp.ClientError):
                status, body = await get(port, path)
                if status == wanted:
                    return body
            await asyncio.sleep(0.02)


def sample(metrics: str, series: str) -> float | None:
    """The value of one exposed series, e.g. 'optout_commands_total{platform="slack",…}'."""
    for line in metrics.splitlines():
        name, _, value = line.rpartition(" ")
        if name == series:
            return float(value)
    return None


def slack_environ(fake: FakeSlack, tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a Slack HTTP bot pointed at ``fake``."""
    return {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "SLACK_HOST": "127.0.0.1",
        "SLACK_PORT": str(free_port()),
        "OPTOUT_HEALTH_HOST": "127.0.0.1",
        "OPTOUT_HEALTH_PORT": str(free_port()),
        "OPTOUT_CONTENT_DIR": str(FIXTURE_CONTENT),
        "OPTOUT_RELOAD_SECONDS": "0",
        "OPTOUT_CACHE_DIR": "off",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'optout.db'}",
        **extra,
    }


@contextlib.asynccontextmanager
async def served(
    environ: dict[str, str], platforms: list[str], **overrides: Any
) -> AsyncIterator[asyncio.Task[None]]:
    """``serve()`` in this event loop, stopped (and awaited) on the way out."""
    settings = replace(Settings.from_environ(environ), slack_http=True, **overrides)
    task = asyncio.create_task(serve(settings, platforms))
    try:
        yield task
    finally:
        if not task.done():
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
