"""``optout-bot migrate`` and ``optout-bot refresh``, run as a user runs them."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.core.living.edits import change_mark
from bot.core.living.fingerprint import fingerprint
from bot.core.ports.answers import NewAnswer
from bot.core.ports.channels import ChannelRef, MessageRef
from bot.store.migrations import LATEST
from tests.support import FIXTURE_CONTENT, assistant_at
from tests.support.databases import PostgresServer
from tests.support.editions import both, edition, log_change, move_deadline
from tests.support.stores import empty_postgres, migrated_store

ROOT = Path(__file__).resolve().parent.parent.parent
CHANNEL = ChannelRef("fake", "T1", "C1")


def optout_bot(
    *args: str, cwd: Path, database: str | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "OPTOUT_RELOAD_SECONDS": "0"}
    environment.pop("DATABASE_URL", None)
    if database is not None:
        environment["DATABASE_URL"] = database
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=environment,
    )


def test_migrate_creates_the_default_sqlite_database_under_data(tmp_path: Path) -> None:
    first = optout_bot("migrate", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        "applied 1: tracked answers, subscriptions, reminder outbox",
        "applied 2: the later message ids of an answer in a column of their own",
        "applied 3: source checks: observations, first-observation baselines, the check's turn",
        "applied 4: checklist cards and their items",
        f"sqlite+aiosqlite:///data/optout.db: migrated at schema version {LATEST}",
    ]
    assert (tmp_path / "data" / "optout.db").is_file()
    again = optout_bot("migrate", cwd=tmp_path)
    assert again.stdout.strip().endswith(f"already at schema version {LATEST}")


def test_migrate_upgrades_postgresql(tmp_path: Path, postgres_server: PostgresServer) -> None:
    url = asyncio.run(empty_postgres(postgres_server.url))
    result = optout_bot("migrate", cwd=tmp_path, database=url)
    assert result.returncode == 0, result.stderr
    assert "postgresql+asyncpg://optout@127.0.0.1" in result.stdout
    assert f"migrated at schema version {LATEST}" in result.stdout


def test_migrate_explains_an_unreachable_database_without_its_password(tmp_path: Path) -> None:
    result = optout_bot("migrate", cwd=tmp_path, database="postgresql://bot:secret@127.0.0.1:9/x")
    assert result.returncode == 1
    assert "cannot migrate" in result.stderr
    assert "secret" not in result.stderr + result.stdout


def test_commands_without_a_database_say_so(tmp_path: Path) -> None:
    result = optout_bot("refresh", "--dry-run", cwd=tmp_path, database="off")
    assert result.returncode == 2
    assert "DATABASE_URL is off" in result.stderr


def test_refresh_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    result = optout_bot("refresh", "--dry-run", cwd=tmp_path)
    assert result.returncode == 1
    assert "run `optout-bot migrate`" in result.stderr


def test_refresh_dry_run_shows_what_would_change_and_how(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'living.db'}"
    asyncio.run(_posted_before_a_change(database))
    now = "2026-12-01T12:00:00Z"
    args = ("--content", str(FIXTURE_CONTENT), "--now", now)
    dry = optout_bot("refresh", "--dry-run", *args, cwd=tmp_path, database=database)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines() == [
        "fake /deadline chatterbox: 1 message would change: Upcoming changed",
        "  Updated 1 Dec 2026: details revised",
        "fake /optout chatterbox: 2 messages would change: Next date changed",
        "  Updated 1 Dec 2026: details revised",
        "3 posted message(s) would be edited",
    ]
    assert asyncio.run(_pending(database)) == 0
    queued = optout_bot("refresh", *args, cwd=tmp_path, database=database)
    assert queued.stdout.splitlines()[-1].startswith("3 posted message(s) queued")
    assert asyncio.run(_pending(database)) == 3


def test_one_shot_commands_do_not_load_the_database_layer(tmp_path: Path) -> None:
    code = (
        "import sys; from bot.cli import main; "
        f"main(['ask', '/help', '--content', {str(FIXTURE_CONTENT)!r}]); "
        "print('loaded' if 'sqlalchemy' in sys.modules else 'clean')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert result.stdout.strip().endswith("clean"), result.stderr


async def _posted_before_a_change(database: str) -> None:
    """Answers posted while the launch was on 17 December; the fixture has it on the 10th."""
    earlier = edition(
        chatterbox=both(
            move_deadline("launch", "2026-12-17"),
            log_change("2026-11-30", "Moved the launch."),
        )
    )
    assistant = assistant_at("2026-11-30T12:00:00Z", earlier)
    store = await migrated_store(database)
    posted = [("optout", "chatterbox"), ("optout", "chatterbox"), ("deadline", "chatterbox")]
    for number, (command, service) in enumerate(posted):
        answer = NewAnswer(
            MessageRef(CHANNEL, (str(number),)),
            command,
            service,
            fingerprint(assistant.run(command, service)),
            change_mark(earlier, service),
        )
        await store.track(answer, datetime(2026, 11, 30, tzinfo=UTC))
    await store.close()


async def _pending(database: str) -> int:
    store = await migrated_store(database)
    try:
        return await store.pending_edits()
    finally:
        await store.close()
