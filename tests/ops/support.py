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
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.utils import floatToGoString

from bot.bootstrap import serve
from bot.config import Settings
from bot.ops.metrics import BotMetrics
from tests.platforms.slack.fake_slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack
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
    """The value of one exposed series, e.g. 'optout_commands_total{platform="slack",…}'.

    Both are read with prometheus-client's parser, so the order of labels and the spelling of a
    bucket's bound (``le="3"`` or ``le="3.0"``) do not matter, as they do not to Prometheus.
    """
    [wanted] = series_in(f"{series} 0\n")
    return series_in(metrics).get(wanted)


def series_in(metrics: str) -> dict[tuple[str, frozenset[tuple[str, str | float]]], float]:
    """Every series of an exposition, by name and labels (bucket bounds as numbers): its value."""
    return {
        (
            found.name,
            frozenset((k, float(v) if k == "le" else v) for k, v in found.labels.items()),
        ): found.value
        for family in text_string_to_metric_families(metrics)
        for found in family.samples
    }


def value(metrics: BotMetrics, name: str, **labels: str | float) -> float:
    """One series' value in ``metrics``, 0 when it has none yet; ``le`` may be a number."""
    if "le" in labels:
        labels["le"] = floatToGoString(labels["le"])
    return metrics.registry.get_sample_value(name, {k: str(v) for k, v in labels.items()}) or 0.0


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
