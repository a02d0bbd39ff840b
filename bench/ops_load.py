"""Load and deadlines: waves of concurrent commands on Slack HTTP mode and on the Discord fake.

Each wave sends ``--concurrency`` commands at once and waits for every answer; the bot and the
fake share one process and event loop, as in tests/ops/test_load.py, with more and larger waves.
Prints p50, p99 and the worst answer time as the platform sees them, the share answered later
than the 3-second deadline, and the smallest acknowledgement margin the bot's own metrics saw.

    .venv/bin/python bench/ops_load.py --waves 10 --concurrency 200
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from prometheus_client.utils import floatToGoString  # noqa: E402

from bot.ops.metrics import MARGIN_BUCKETS, BotMetrics  # noqa: E402
from bot.ops.observe import PLATFORM_DEADLINE_SECONDS  # noqa: E402
from tests.platforms.discord.fake_discord import DiscordHarness, FakeDiscord, slash  # noqa: E402
from tests.platforms.slack.fake_slack import serve_slack  # noqa: E402
from tests.support import assistant_at  # noqa: E402

NOW = "2025-09-20T12:00:00Z"
COMMANDS = [("optout", "chatterbox"), ("deadline", ""), ("changes", "qn"), ("optout", "nothing")]


def value(metrics: BotMetrics, platform: str, bound: float) -> float:
    """Acknowledgements of ``platform`` with at most ``bound`` seconds to spare."""
    labels = {"platform": platform, "le": floatToGoString(bound)}
    return metrics.registry.get_sample_value("optout_ack_margin_seconds_bucket", labels) or 0.0


def report(platform: str, seconds: list[float], wall: float, metrics: BotMetrics) -> None:
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    late = sum(1 for value in seconds if value >= PLATFORM_DEADLINE_SECONDS)
    tightest = next(
        (bound for bound in MARGIN_BUCKETS if value(metrics, platform, bound)), "> 2.99"
    )
    print(
        f"{platform:8} {len(seconds):6d} commands  p50 {cuts[49] * 1000:6.0f} ms  "
        f"p99 {cuts[98] * 1000:6.0f} ms  max {max(seconds) * 1000:6.0f} ms  "
        f"late {late}  {len(seconds) / wall:6.0f}/s  smallest ack margin bucket: <= {tightest} s"
    )


async def slack(waves: int, concurrency: int) -> None:
    async with serve_slack(assistant_at(NOW)) as (fake, adapter):
        seconds: list[float] = []
        started = time.perf_counter()
        for wave in range(waves):
            answers = await asyncio.gather(
                *(
                    fake.command(f"/{name}", text, response=f"w{wave}-{n}")
                    for n, (name, text) in enumerate(
                        COMMANDS[n % len(COMMANDS)] for n in range(concurrency)
                    )
                )
            )
            assert all(answer.status == 200 for answer in answers)
            seconds += [answer.seconds for answer in answers]
        report("slack", seconds, time.perf_counter() - started, adapter.observer.metrics)


async def discord(waves: int, concurrency: int) -> None:
    import discord as sdk

    saved = sdk.http.Route.BASE, sdk.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    fake = FakeDiscord(record=False)
    await fake.start()
    with tempfile.TemporaryDirectory() as directory:
        harness = DiscordHarness(fake, Path(directory) / "sync.json")
        adapter = await harness.start(assistant_at(NOW))
        bot = harness.bot

        async def timed(payload: dict[str, Any]) -> float:
            begun = time.perf_counter()
            body = await fake.interact(bot, payload, seconds=30)
            assert body["type"] == 4
            return time.perf_counter() - begun

        seconds: list[float] = []
        started = time.perf_counter()
        try:
            for _ in range(waves):
                payloads = [
                    slash(bot, name, {"service": text} if text else {})
                    for name, text in (COMMANDS[n % len(COMMANDS)] for n in range(concurrency))
                ]
                seconds += await asyncio.gather(*(timed(payload) for payload in payloads))
        finally:
            await harness.stop()
            await fake.stop()
            sdk.http.Route.BASE, sdk.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved
        report("discord", seconds, time.perf_counter() - started, adapter.observer.metrics)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--waves", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=200)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(slack(args.waves, args.concurrency))
    asyncio.run(discord(args.waves, args.concurrency))


if __name__ == "__main__":
    main()
