"""Load: 200 concurrent commands on Slack HTTP mode and 200 concurrent Discord interactions.

No errors, and none answered later than the platform's 3-second deadline; p50 and p99 printed
(``pytest -s`` shows them). bench/ops_load.py runs the heavier version.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from pathlib import Path

import pytest

from bot.ops.observe import PLATFORM_DEADLINE_SECONDS
from tests.ops.support import value
from tests.platforms.discord.fake_discord import DiscordHarness, running_fake, slash
from tests.platforms.slack.fake_slack import serve_slack
from tests.support import assistant_at

CONCURRENT = 200
NOW = "2025-09-20T12:00:00Z"
COMMANDS = [("optout", "chatterbox"), ("deadline", ""), ("changes", "qn"), ("optout", "nothing")]


def percentiles(seconds: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return cuts[49], cuts[98]


async def test_200_concurrent_slack_commands_are_all_answered_in_time() -> None:
    async with serve_slack(assistant_at(NOW)) as (fake, adapter):
        started = time.perf_counter()
        answers = await asyncio.gather(
            *(
                fake.command(f"/{name}", text, response=f"load{n}")
                for n, (name, text) in enumerate(COMMANDS * (CONCURRENT // len(COMMANDS)))
            )
        )
        wall = time.perf_counter() - started
        metrics = adapter.observer.metrics
    assert [answer.status for answer in answers] == [200] * CONCURRENT
    assert all(answer.body["response_type"] == "ephemeral" for answer in answers)
    seconds = [answer.seconds for answer in answers]
    p50, p99 = percentiles(seconds)
    print(
        f"\nslack http: {CONCURRENT} concurrent: p50 {p50 * 1000:.0f} ms, "
        f"p99 {p99 * 1000:.0f} ms, max {max(seconds) * 1000:.0f} ms, wall {wall:.2f} s"
    )
    assert max(seconds) < PLATFORM_DEADLINE_SECONDS
    assert value(metrics, "optout_answer_seconds_count", platform="slack") == CONCURRENT
    assert value(metrics, "optout_ack_margin_seconds_bucket", platform="slack", le=0.0) == 0


async def test_200_concurrent_discord_interactions_are_all_answered_in_time(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    async with running_fake(monkeypatch) as fake:
        harness = DiscordHarness(fake, tmp_path / "sync.json")
        adapter = await harness.start(assistant_at(NOW))
        bot = harness.bot
        payloads = [
            slash(bot, name, {"service": text} if text else {})
            for name, text in COMMANDS * (CONCURRENT // len(COMMANDS))
        ]

        async def timed(payload: dict[str, object]) -> tuple[float, dict[str, object]]:
            started = time.perf_counter()
            body = await fake.interact(bot, payload, seconds=10)
            return time.perf_counter() - started, body

        try:
            started = time.perf_counter()
            results = await asyncio.gather(*(timed(payload) for payload in payloads))
            wall = time.perf_counter() - started
        finally:
            await harness.stop()
    seconds = [elapsed for elapsed, _ in results]
    assert all(body["type"] == 4 for _, body in results)
    p50, p99 = percentiles(seconds)
    print(
        f"\ndiscord: {CONCURRENT} concurrent: p50 {p50 * 1000:.0f} ms, "
        f"p99 {p99 * 1000:.0f} ms, max {max(seconds) * 1000:.0f} ms, wall {wall:.2f} s"
    )
    assert max(seconds) < PLATFORM_DEADLINE_SECONDS
    metrics = adapter.observer.metrics
    assert (
        sum(
            value(
                metrics, "optout_commands_total", platform="discord", command=name, outcome=outcome
            )
            for name in ("optout", "deadline", "changes")
            for outcome in ("ok", "rejected")
        )
        == CONCURRENT
    )
    assert value(metrics, "optout_ack_margin_seconds_bucket", platform="discord", le=0.0) == 0
