"""A real PostgreSQL server stopped and started again under a running bot.

While it is away the bot keeps answering (answers need only the knowledge base), readiness and
the metrics say the database is down, and the living-answers loop fails its ticks without
losing anything; once it is back, readiness recovers by itself and the reminder that fell due
during the outage is posted exactly once.
"""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy.engine import make_url

from bot.core.ports.channels import ChannelRef
from bot.ops.lifecycle import Operations
from bot.store.sql_store import SqlStore
from tests.core.living.bots import Bot
from tests.ops.support import get, sample, until_status
from tests.platforms.slack.fake_slack import serve_slack
from tests.support import instant
from tests.support.databases import SCRIPT, PostgresServer
from tests.support.stores import migrated_store

GENERAL = ChannelRef("fake", "T1", "C1")
# 09:00 in Los Angeles three days before the fixture's launch deadline: a reminder falls due.
REMINDER_DUE = instant("2026-12-07T17:00:00Z")


async def postgres(action: str, server: PostgresServer) -> None:
    """Pause or resume the server (scripts/postgres.sh), keeping its data and port."""
    port = str(make_url(server.url).port)
    arguments = ["bash", str(SCRIPT), action, server.data, *([port] if action == "resume" else [])]
    result = await asyncio.to_thread(subprocess.run, arguments, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.fixture
async def outage_store(
    postgres_url: str, postgres_server: PostgresServer
) -> AsyncIterator[SqlStore]:
    store = await migrated_store(postgres_url)
    try:
        yield store
    finally:
        # Whatever happened, the shared server is running again for the tests after this one.
        port = str(make_url(postgres_server.url).port)
        resume = ["bash", str(SCRIPT), "resume", postgres_server.data, port]
        # Fails harmlessly when the server is already running.
        await asyncio.to_thread(subprocess.run, resume, capture_output=True, check=False)
        await store.close()


async def test_an_outage_keeps_answers_flowing_and_recovery_loses_and_repeats_nothing(
    outage_store: SqlStore, postgres_server: PostgresServer
) -> None:
    from tests.ops.support import free_port

    store = outage_store
    bot = Bot(store)
    await bot.living.tick()  # the first pass takes note of the deadlines that exist
    await store.subscribe(GENERAL, "chatterbox", bot.clock.now())
    port = free_port()
    ops = Operations(port, "127.0.0.1")
    ops.watch_knowledge(bot.live)
    ops.watch_database(store.ping, bot.living.backlog)
    assert ops.health is not None
    await ops.health.start()
    try:
        async with serve_slack(bot.assistant) as (slack, adapter):
            adapter.observer = ops.observer
            ops.watch_platform("slack", adapter.connected)
            assert (await get(port, "/readyz"))[0] == 200

            await postgres("pause", postgres_server)
            bot.clock.set(REMINDER_DUE)
            for command, text in (
                ("/optout", "chatterbox"),
                ("/deadline", ""),
                ("/deadline", "qn"),
            ):
                answer = await slack.command(command, text)
                assert answer.status == 200 and answer.body["response_type"] == "ephemeral"
            status, ready = await get(port, "/readyz")
            assert status == 503
            assert ready["checks"] == {"knowledge": True, "accepting": True, "database": False}
            assert (await get(port, "/healthz"))[0] == 200  # alive: nothing to restart
            metrics = (await get(port, "/metrics"))[1]
            assert sample(metrics, "optout_database_up") == 0
            assert sample(metrics, "optout_living_reminder_backlog") is None
            with pytest.raises(Exception):  # noqa: B017 - the driver's own connection error
                await bot.living.tick()
            assert bot.platform.posts_in(GENERAL) == []

            await postgres("resume", postgres_server)
            await until_status(port, "/readyz", 200)
            await bot.living.tick()
            bot.clock.advance(minutes=1)
            await bot.living.tick()
            metrics = (await get(port, "/metrics"))[1]
            assert sample(metrics, "optout_database_up") == 1
            assert sample(metrics, "optout_living_reminder_backlog") == 0
            assert (await slack.command("/optout", "chatterbox")).status == 200
    finally:
        await ops.health.stop()
    (post,) = bot.platform.posts_in(GENERAL)
    assert post.text.startswith("Reminder: Chatterbox AI") and "late" not in post.text
    assert bot.clock.now() - REMINDER_DUE < timedelta(minutes=15)
