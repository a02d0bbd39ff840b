"""Persistence of living answers on SQLAlchemy Core: SQLite by default, PostgreSQL for replicas.

:func:`open_store` is the one door: only this package knows what a database URL means.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.store.sql_store import SqlStore


async def open_store(url: str, migrate_sqlite: bool = True) -> SqlStore:
    """A store on the database at ``url``, at this build's schema.

    A SQLite database (one machine) is migrated on opening unless ``migrate_sqlite`` is False.
    PostgreSQL, shared by replicas, must be migrated beforehand by ``optout-bot migrate``.
    Raises ``DatabaseUrlError`` for a URL no driver takes, ``SchemaError`` for a database
    whose schema is not this build's (both are the core's store errors).
    """
    # Imported here: commands that need no database never load SQLAlchemy.
    from bot.store.engine import create_engine, database_url
    from bot.store.migrations import migrate, require_current
    from bot.store.sql_store import SqlStore

    parsed = database_url(url)
    store = SqlStore(create_engine(parsed))
    try:
        if migrate_sqlite and parsed.get_backend_name() == "sqlite":
            await migrate(store.engine, datetime.now(UTC))
        await require_current(store.engine)
    except BaseException:
        await store.close()
        raise
    return store
