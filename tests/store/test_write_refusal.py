"""A database that refuses writes (full disk, read-only file): answers go on, reminders pause.

Users who change reminders are told they are paused; the operators get the cause in the log
once, however many requests fail, and /readyz turns 503 naming it. The database is a real
SQLite file opened read-only (what SQLite does by itself when the file or its folder cannot
be written), so every write fails in the driver as it would on a read-only disk.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.store.engine import create_engine, database_url, write_refusal
from bot.store.migrations import migrate
from tests.ops.support import served, slack_environ, until_status
from tests.platforms.slack.fake_slack import FakeSlack

MIGRATED_AT = datetime(2026, 11, 1, tzinfo=UTC)


async def read_only_database(tmp_path: Path) -> str:
    """The URL of a migrated SQLite file that SQLite opens read-only."""
    path = tmp_path / "optout.db"
    engine = create_engine(database_url(f"sqlite:///{path}"))
    await migrate(engine, MIGRATED_AT)
    await engine.dispose()
    return f"sqlite:///file:{path}?mode=ro&uri=true"


async def test_reminders_pause_with_the_cause_logged_once_and_readiness_failing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake = FakeSlack()
    await fake.start()
    environ = slack_environ(fake, tmp_path, DATABASE_URL=await read_only_database(tmp_path))
    fake.app_url = f"http://127.0.0.1:{environ['SLACK_PORT']}/slack/events"
    fake.admins.add("U0ADMIN")
    port = int(environ["OPTOUT_HEALTH_PORT"])
    try:
        async with served(environ, ["slack"]):
            await until_status(port, "/healthz", 200)
            for response in ("r1", "r2"):
                await fake.command("/deadline", "subscribe all", user="U0ADMIN", response=response)
                [said] = await fake.wait_for(lambda r=response: fake.responded(r))
                assert "Reminders are paused" in json.dumps(said)
            listed = await fake.command("/deadline", "subscriptions", response="r3")
            assert listed.status == 200
            answer = await fake.command("/optout", "chatterbox")
            assert answer.status == 200 and answer.body["blocks"]
            ready = await until_status(port, "/readyz", 503)
            assert ready["checks"]["database"] is False
            assert ready["causes"]["database"] == (
                "the database refuses writes: the database file or its folder is read-only "
                "(SQLITE_READONLY)"
            )
    finally:
        await fake.stop()
    paused = [
        record
        for record in caplog.records
        if "reminders are paused" in record.getMessage() and record.levelno == logging.ERROR
    ]
    assert len(paused) == 1
    assert "the database file or its folder is read-only" in paused[0].getMessage()
    assert not any("running without its database" in r.getMessage() for r in caplog.records)
    assert not any("a tick failed" in r.getMessage() for r in caplog.records)


def test_the_drivers_refusals_are_recognised_through_their_chain() -> None:
    import sqlite3

    full = sqlite3.connect(":memory:")
    full.execute("CREATE TABLE t (x)")
    full.execute("PRAGMA max_page_count = 1")
    with pytest.raises(sqlite3.OperationalError) as raised:
        full.executemany("INSERT INTO t VALUES (?)", [("x" * 1000,)] * 100)
    full.close()
    wrapped = RuntimeError("the store failed")
    wrapped.__cause__ = raised.value
    assert write_refusal(wrapped) == ("the database refuses writes: the disk is full (SQLITE_FULL)")

    class PostgresError(Exception):
        sqlstate = "53100"

    assert write_refusal(PostgresError()) == (
        "the database refuses writes: the database server's disk is full (53100)"
    )
    assert write_refusal(ValueError("a constraint")) is None


async def test_readiness_recovers_once_a_write_succeeds_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.bootstrap import living_runtime
    from bot.config import Settings
    from bot.core.assistant import Assistant
    from bot.core.library import LiveKnowledge
    from bot.core.ports.store import StoreWriteError
    from tests.support import fixture_knowledge, instant
    from tests.support.fakes import SteppingClock

    clock = SteppingClock(instant("2026-11-20T12:00:00Z"))
    assistant = Assistant(LiveKnowledge(fixture_knowledge()), clock)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'optout.db'}")
    caplog.set_level(logging.INFO, "bot.core.living.access")
    runtime = living_runtime(settings, assistant, clock)
    await runtime.prepare()
    # As after a full disk: the cause is known until a write goes through.
    runtime.access.refused(StoreWriteError("the database refuses writes: the disk is full"))
    await runtime.ping()
    assert runtime.access.write_refusal is None
    assert "the database accepts writes again; reminders resume" in caplog.text
    await runtime.close()
