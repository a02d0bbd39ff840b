"""SIGTERM to a real bot process: no new commands, the one in flight finishes, exit 0."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from tests.ops.support import slack_environ, until_status, until_up
from tests.platforms.slack.fake_slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack
from tests.support import sharing_said as said

ROOT = Path(__file__).resolve().parent.parent.parent


class HoldingSlack(FakeSlack):
    """A fake Slack that holds every chat.postMessage until released."""

    def __init__(self) -> None:
        super().__init__()
        self.holding = asyncio.Event()
        self.release = asyncio.Event()

    async def _web_api(self, request: web.Request) -> web.Response:
        if request.match_info["method"] == "chat.postMessage":
            self.holding.set()
            await self.release.wait()
        return await super()._web_api(request)


async def refused(slack: HoldingSlack, seconds: float = 5) -> None:
    """Wait until the bot's Slack listener refuses a new command (it closes as the stop begins)."""
    async with asyncio.timeout(seconds):
        while True:
            try:
                await slack.command("/optout", "chatterbox")
            except aiohttp.ClientConnectionError:
                return


@pytest.fixture
async def slack() -> AsyncIterator[HoldingSlack]:
    fake = HoldingSlack()
    await fake.start()
    yield fake
    fake.release.set()
    await fake.stop()


async def test_sigterm_finishes_the_command_in_flight_takes_no_new_one_and_exits_0(
    slack: HoldingSlack, tmp_path: Path
) -> None:
    environ = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))},
        **slack_environ(slack, tmp_path),
    }
    port = int(environ["OPTOUT_HEALTH_PORT"])
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--platform",
        "slack",
        "--http",
        "--log-format",
        "json",
        cwd=ROOT,
        env=environ,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await until_up(port, seconds=30)
        slack.app_url = f"http://127.0.0.1:{environ['SLACK_PORT']}/slack/events"
        answer = await slack.command("/optout", "chatterbox share")
        assert answer.status == 200
        await asyncio.wait_for(slack.holding.wait(), 5)
        process.send_signal(signal.SIGTERM)
        # Draining: not ready any more, and the Slack listener is closed to new commands.
        await until_status(port, "/readyz", 503)
        await refused(slack)
        slack.release.set()
        _, err = await asyncio.wait_for(process.communicate(), 20)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, err.decode()[-2000:]
    # The command in flight was finished: posted once, and its author told so.
    assert len(slack.called("chat.postMessage")) == 1
    confirmation = slack.responded("r1")[0]
    assert confirmation["blocks"][0]["text"]["text"] == said("shared")
    records = [json.loads(line) for line in err.decode().splitlines() if line.strip()]
    messages = [record["message"] for record in records]
    assert "stop requested: taking no new commands" in messages
    assert messages[-1] == "stopped"
    assert all(record["level"] in {"INFO", "WARNING"} for record in records), records
    text = err.decode()
    for secret in (BOT_TOKEN, SIGNING_SECRET, "U0ALICE", "chatterbox share"):
        assert secret not in text
