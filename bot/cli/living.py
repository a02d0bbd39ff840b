"""``optout-bot migrate`` and ``optout-bot refresh``: the command-line side of living answers."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.common import Commands, instant, print_problems
from bot.config import Settings
from bot.core.clock import Clock, FixedClock, SystemClock

if TYPE_CHECKING:
    # Living answers load only for the commands that use them, not for every start-up.
    from bot.core.living.edits import PlannedEdit


def register(commands: Commands) -> None:
    """Add ``migrate`` and ``refresh``."""
    migrate = commands.add_parser(
        "migrate", help="create or upgrade the living-answers database (DATABASE_URL)"
    )
    migrate.set_defaults(handler=migrate_handler)

    refresh = commands.add_parser(
        "refresh", help="list posted answers whose content changed, and queue their edits"
    )
    refresh.add_argument(
        "--dry-run", action="store_true", help="only show what would change, and how"
    )
    refresh.add_argument("--content", type=Path, help="knowledge base directory")
    refresh.add_argument("--now", type=instant, help="as at this instant (ISO 8601 with zone)")
    refresh.set_defaults(handler=refresh_handler)


def migrate_handler(args: argparse.Namespace, settings: Settings) -> int:
    """``migrate``."""
    return migrate_command(settings)


def refresh_handler(args: argparse.Namespace, settings: Settings) -> int:
    """``refresh``, with an invalid knowledge base reported like everywhere else."""
    from bot.content.loader import ContentError

    try:
        return refresh_command(settings, args.dry_run, args.now)
    except ContentError as error:
        print_problems(error.problems, "the knowledge base is invalid")
        return 1


def migrate_command(settings: Settings) -> int:
    """Bring the database to this build's schema; prints what was applied."""
    import asyncio

    if settings.database_url is None:
        print("DATABASE_URL is off: there is no database to migrate", file=sys.stderr)
        return 2
    return asyncio.run(_migrate(settings.database_url))


def refresh_command(settings: Settings, dry_run: bool, now: datetime | None) -> int:
    """List the posted answers whose content changed; unless ``dry_run``, queue their edits."""
    import asyncio

    if settings.database_url is None:
        print("DATABASE_URL is off: no posted answers are tracked", file=sys.stderr)
        return 2
    clock: Clock = FixedClock(now) if now else SystemClock()
    return asyncio.run(_refresh(settings, clock, dry_run))


async def _migrate(raw_url: str) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.store.engine import DatabaseUrlError, create_engine, database_url, redacted
    from bot.store.migrations import LATEST, SchemaError, migrate

    try:
        url = database_url(raw_url)
    except DatabaseUrlError as error:
        print(f"DATABASE_URL: {error}", file=sys.stderr)
        return 2
    engine = create_engine(url)
    try:
        applied = await migrate(engine, SystemClock().now())
    except SchemaError as error:
        print(f"{redacted(url)}: {error}", file=sys.stderr)
        return 1
    except (OSError, SQLAlchemyError) as error:
        # The driver's message may quote the URL; the type of error is enough to act on.
        print(f"{redacted(url)}: cannot migrate ({type(error).__name__})", file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    for step in applied:
        print(f"applied {step.version}: {step.description}")
    state = "migrated" if applied else "already"
    print(f"{redacted(url)}: {state} at schema version {LATEST}")
    return 0


async def _refresh(settings: Settings, clock: Clock, dry_run: bool) -> int:
    from bot.bootstrap import build_assistant, build_living, open_store
    from bot.store.migrations import SchemaError

    assistant, _ = build_assistant(
        settings.content_dir, clock, settings.cache_dir, settings.content_max_bytes
    )
    try:
        store = await open_store(settings, migrate_sqlite=False)
    except SchemaError as error:
        print(error, file=sys.stderr)
        return 1
    assert store is not None
    try:
        living = build_living(settings, store, assistant, clock)
        plans = await (living.plan() if dry_run else living.refresh())
    finally:
        await store.close()
    for plan in plans:
        print(_describe(plan, dry_run))
    total = sum(plan.messages for plan in plans)
    if dry_run:
        print(f"{total} posted message(s) would be edited")
    else:
        print(f"{total} posted message(s) queued for an edit; running bots apply them")
    return 0


def _describe(plan: PlannedEdit, dry_run: bool) -> str:
    from bot.platforms.console.render import inline

    verb = "would change" if dry_run else "queued"
    count = f"{plan.messages} message{'s' if plan.messages != 1 else ''}"
    note = inline(plan.note, UTC, None)
    return f"{plan.label}: {count} {verb}: {plan.change.describe()}\n  {note}"
