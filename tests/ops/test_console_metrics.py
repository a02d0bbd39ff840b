"""The console counted in /metrics: a real console process with the endpoint on, scraped."""

from __future__ import annotations

import asyncio
import io
import os
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core.assistant import FALLBACK_APOLOGY, Assistant
from bot.core.clock import FixedClock
from bot.core.library import KnowledgeBase
from bot.ops.metrics import BotMetrics
from bot.ops.observe import Observer
from bot.platforms.console.adapter import ConsoleAdapter
from tests.ops.support import free_port, get, sample, until_up, value
from tests.support import FIXTURE_CONTENT, instant

ROOT = Path(__file__).resolve().parent.parent.parent
# What a person types, and how each line is counted: (command, outcome).
TYPED = {
    "/optout chatterbox": ("optout", "ok"),
    "deadline quietnote": ("deadline", "ok"),
    "/optout nosuchservice": ("optout", "rejected"),
    "/nonsense words": ("unknown", "rejected"),
    "/HELP": ("help", "ok"),
}


def commands(metrics: str, command: str, outcome: str) -> float | None:
    series = f'optout_commands_total{{platform="console",command="{command}",outcome="{outcome}"}}'
    return sample(metrics, series)


async def scraped_once_counted(port: int, count: int, seconds: float = 20) -> str:
    """/metrics once ``count`` console answers are in it."""
    async with asyncio.timeout(seconds):
        while True:
            status, metrics = await get(port, "/metrics")
            assert status == 200
            if sample(metrics, 'optout_answer_seconds_count{platform="console"}') == count:
                return str(metrics)
            await asyncio.sleep(0.05)


async def test_console_commands_are_counted_by_name_outcome_and_latency_on_metrics() -> None:
    port = free_port()
    environ = {
        **{
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("SLACK_", "DISCORD_", "OPTOUT_HEALTH_"))
        },
        "OPTOUT_RELOAD_SECONDS": "0",
        "OPTOUT_HEALTH_HOST": "127.0.0.1",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--platform",
        "console",
        "--content",
        str(FIXTURE_CONTENT),
        "--health-port",
        str(port),
        cwd=ROOT,
        env=environ,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdin is not None
    try:
        await until_up(port, seconds=30)
        process.stdin.write("".join(f"{line}\n" for line in TYPED).encode())
        await process.stdin.drain()
        metrics = await scraped_once_counted(port, len(TYPED))
        process.stdin.close()
        out, err = await asyncio.wait_for(process.communicate(), 20)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, err.decode()[-2000:]
    for command, outcome in TYPED.values():
        expected = sum(1 for counted in TYPED.values() if counted == (command, outcome))
        assert commands(metrics, command, outcome) == expected, (command, outcome)
    assert sample(metrics, 'optout_answer_seconds_bucket{platform="console",le="3"}') == 5
    # No platform deadline applies to a console answer, so it has no acknowledgement margin.
    assert 'optout_ack_margin_seconds_count{platform="console"}' not in metrics
    assert sample(metrics, "optout_commands_in_flight") == 0
    # Label values come from the catalogue, never from what was typed.
    for typed in ("chatterbox", "quietnote", "nosuchservice", "nonsense", "words"):
        assert typed not in metrics
    assert "Chatterbox AI" in out.decode() and "There is no command /nonsense" in out.decode()
    assert "Traceback" not in err.decode()


def test_a_console_bug_is_answered_with_the_apology_and_counted_as_failed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken() -> KnowledgeBase:
        raise RuntimeError("the knowledge base is on fire")

    observer = Observer(BotMetrics())
    stdout = io.StringIO()
    console = ConsoleAdapter(
        Assistant(broken, FixedClock(instant("2025-09-20T12:00:00Z"))),
        ZoneInfo("UTC"),
        stdin=io.StringIO("/optout chatterbox\n"),
        stdout=stdout,
    )
    console.observer = observer
    asyncio.run(console.run())
    assert FALLBACK_APOLOGY in stdout.getvalue() and "fire" not in stdout.getvalue()
    counted = value(
        observer.metrics,
        "optout_commands_total",
        platform="console",
        command="optout",
        outcome="failed",
    )
    assert counted == 1
    assert value(observer.metrics, "optout_answer_seconds_count", platform="console") == 1
    assert "on fire" in caplog.text  # logged once, with its traceback
