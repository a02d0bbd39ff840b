"""The operations endpoint of a bot served end to end: /healthz, /readyz, /metrics, SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pytest

from tests.ops.support import get, sample, served, slack_environ, until_up
from tests.platforms.discord.fake_discord import running_fake, slash
from tests.platforms.slack.fake_slack import FakeSlack


@pytest.fixture
async def slack() -> object:
    fake = FakeSlack()
    await fake.start()
    yield fake
    await fake.stop()


async def test_a_slack_and_discord_bot_reports_health_readiness_and_metrics(
    slack: FakeSlack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_fake(monkeypatch) as discord:
        bot = discord.add_bot("endpoint-bot-token")
        environ = slack_environ(
            slack,
            tmp_path,
            DISCORD_TOKEN=bot.token,
            DISCORD_API_BASE=discord.api_base,
            DISCORD_GATEWAY_URL=discord.gateway_url,
            DISCORD_SYNC_STATE=str(tmp_path / "sync.json"),
        )
        port = int(environ["OPTOUT_HEALTH_PORT"])
        async with served(environ, ["slack", "discord"]):
            health = await until_up(port)
            assert health == {"status": "ok", "platforms": {"slack": True, "discord": True}}
            status, ready = await get(port, "/readyz")
            assert status == 200 and ready["checks"]["knowledge"] is True
            slack.app_url = f"http://127.0.0.1:{environ['SLACK_PORT']}/slack/events"
            assert (await slack.command("/optout", "chatterbox")).status == 200
            assert (await slack.command("/optout", "no such service")).status == 200
            await discord.interact(bot, slash(bot, "deadline", {"service": "chatterbox"}))
            status, metrics = await get(port, "/metrics")
    assert status == 200
    counted = 'optout_commands_total{platform="%s",command="%s",outcome="%s"}'
    assert sample(metrics, counted % ("slack", "optout", "ok")) == 1
    assert sample(metrics, counted % ("slack", "optout", "rejected")) == 1
    assert sample(metrics, counted % ("discord", "deadline", "ok")) == 1
    assert sample(metrics, 'optout_answer_seconds_count{platform="slack"}') == 2
    assert sample(metrics, 'optout_answer_seconds_bucket{platform="slack",le="3"}') == 2
    # Every acknowledgement left with more than half of the 3-second budget to spare.
    assert sample(metrics, 'optout_ack_margin_seconds_bucket{platform="discord",le="1.5"}') == 0
    assert sample(metrics, 'optout_ack_margin_seconds_count{platform="discord"}') == 1
    assert sample(metrics, 'optout_platform_connected{platform="discord"}') == 1
    assert sample(metrics, "optout_knowledge_services") == 3
    assert 'optout_knowledge_info{version="' in metrics
    assert sample(metrics, "optout_commands_in_flight") == 0


async def test_sigterm_stops_the_bot_gracefully_and_the_endpoint_says_so(
    slack: FakeSlack, tmp_path: Path
) -> None:
    environ = slack_environ(slack, tmp_path)
    port = int(environ["OPTOUT_HEALTH_PORT"])
    async with served(environ, ["slack"]) as task:
        await until_up(port)
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.wait_for(task, 10)
        assert task.exception() is None
    with pytest.raises(OSError):
        await get(port, "/healthz")
