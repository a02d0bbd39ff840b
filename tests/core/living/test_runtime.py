"""Living answers in a running bot: answers never wait for the database, and the database is
picked up when it becomes reachable (bot/core/living/runtime.py, wired by serve())."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.bootstrap import living_runtime
from bot.config import Settings
from bot.core.assistant import Assistant
from bot.core.library import LiveKnowledge
from bot.core.living.runtime import DatabaseDownError
from tests.ops.support import served, slack_environ, until_status
from tests.platforms.slack.fake_slack import FakeSlack, serve_slack
from tests.support import fixture_knowledge, instant
from tests.support.fakes import SteppingClock


def unreachable(tmp_path: Path) -> str:
    """A SQLite URL whose directory cannot be created: a file stands where it should be."""
    (tmp_path / "blocked").write_text("not a directory")
    return f"sqlite:///{tmp_path / 'blocked' / 'optout.db'}"


async def until_true(condition: Callable[[], bool], attempts: int = 500) -> None:
    for _ in range(attempts):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition never held")


async def test_the_database_is_picked_up_once_it_becomes_reachable(tmp_path: Path) -> None:
    clock = SteppingClock(instant("2026-11-20T12:00:00Z"))
    assistant = Assistant(LiveKnowledge(fixture_knowledge()), clock)
    settings = Settings(database_url=unreachable(tmp_path), living_tick_seconds=3600)
    runtime = living_runtime(settings, assistant, clock, retry_seconds=0.05)
    async with serve_slack(assistant, living=runtime.access) as (_, adapter):
        runtime.attach(adapter, rate=5)
        await runtime.prepare(within=2)
        assert runtime.access.living is None
        with pytest.raises(DatabaseDownError):
            await runtime.ping()
        runtime.start()
        # Attached while the database is still down (internals: no caller needs to ask).
        await until_true(lambda: "slack" in runtime.access._attachments)
        (tmp_path / "blocked").unlink()
        await until_true(lambda: runtime.access.living is not None)
        await runtime.ping()
        assert await runtime.backlog() == (0, 0)
        assert runtime.access.living is not None
        # The publisher attached while the database was down is handed to living answers.
        await until_true(lambda: "slack" in runtime.access.living._outlets)
        await runtime.stop()
        assert runtime.access.living is None
        await runtime.close()


async def test_off_means_no_store_and_nothing_started(tmp_path: Path) -> None:
    clock = SteppingClock(instant("2026-11-20T12:00:00Z"))
    runtime = living_runtime(
        Settings(database_url=None), Assistant(fixture_knowledge, clock), clock
    )
    assert not runtime.enabled
    await runtime.prepare()
    runtime.start()
    await runtime.stop()
    await runtime.close()
    assert runtime.access.living is None


async def test_serve_answers_while_the_database_is_unreachable(tmp_path: Path) -> None:
    fake = FakeSlack()
    await fake.start()
    environ = slack_environ(fake, tmp_path, DATABASE_URL=unreachable(tmp_path))
    fake.app_url = f"http://127.0.0.1:{environ['SLACK_PORT']}/slack/events"
    fake.admins.add("U0ADMIN")
    try:
        async with served(environ, ["slack"]):
            port = int(environ["OPTOUT_HEALTH_PORT"])
            await until_status(port, "/healthz", 200)
            answer = await fake.command("/optout", "chatterbox")
            assert answer.status == 200 and answer.body["blocks"]
            await fake.command("/deadline", "subscribe all", user="U0ADMIN", response="r2")
            [said] = await fake.wait_for(lambda: fake.responded("r2"))
            assert "Reminders are not available right now" in json.dumps(said)
            await until_status(port, "/readyz", 503)  # not ready, but answering
    finally:
        await fake.stop()


async def test_a_stop_request_ends_the_loop_without_waiting_for_its_next_tick(
    tmp_path: Path,
) -> None:
    clock = SteppingClock(instant("2026-11-20T12:00:00Z"))
    assistant = Assistant(LiveKnowledge(fixture_knowledge()), clock)
    database = f"sqlite:///{tmp_path / 'optout.db'}"
    runtime = living_runtime(
        Settings(database_url=database, living_tick_seconds=3600), assistant, clock
    )
    await runtime.prepare()
    runtime.start()
    await until_true(lambda: runtime.access.living is not None)
    stopping = asyncio.Event()
    halting = asyncio.create_task(runtime.halt_when(stopping))
    stopping.set()
    await halting
    async with asyncio.timeout(2):  # the loop was waiting for an hour-long tick
        await runtime.stop()
    await runtime.close()
    assert runtime.access.living is None
