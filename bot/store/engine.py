"""Database URLs and engines: SQLite files by default, PostgreSQL through asyncpg."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.core.ports.store import StoreMisconfiguredError, StoreWriteError
from bot.core.redaction import redact

# Permissions of what the bot creates for a SQLite database: its owner's only.
PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
# How long a SQLite writer waits for another process's write lock before failing.
SQLITE_BUSY_SECONDS = 30.0
_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}


# What the drivers say when the database cannot take a write; an operator can act on each.
# SQLite: sqlite3's error names (the file, its folder or its -wal/-shm cannot be written, or
# the disk is full). PostgreSQL: SQLSTATE codes, which asyncpg and SQLAlchemy carry along.
WRITE_REFUSALS = {
    "SQLITE_FULL": "the disk is full",
    "SQLITE_READONLY": "the database file or its folder is read-only",
    "53100": "the database server's disk is full",
    "25006": "the database server is read-only (a standby?)",
}


class DatabaseUrlError(StoreMisconfiguredError, ValueError):
    """DATABASE_URL names no database this bot can use."""


def database_url(raw: str) -> URL:
    """The URL with its async driver: ``postgresql://`` becomes ``postgresql+asyncpg://``."""
    try:
        url = make_url(raw)
    except Exception:
        raise DatabaseUrlError("not a database URL (sqlite:///path or postgresql://…)") from None
    driver = _DRIVERS.get(url.drivername)
    if driver is None:
        raise DatabaseUrlError(
            f"{url.drivername!r} is not supported: use sqlite:///path or postgresql://…"
        )
    if driver.startswith("sqlite") and not url.database:
        raise DatabaseUrlError("a SQLite URL needs a file, e.g. sqlite:///data/optout.db")
    # A socket directory may stand in for the host: postgresql:///db?host=/run/postgresql
    if driver.startswith("postgresql") and not url.host and "host" not in url.query:
        raise DatabaseUrlError("a PostgreSQL URL needs a host")
    if url.port is not None and not 1 <= url.port <= 65535:
        raise DatabaseUrlError("the port must be a number from 1 to 65535")
    return url.set(drivername=driver)


def redacted(url: URL) -> str:
    """The URL without its password (user info or query), for logs and messages."""
    return redact(url.render_as_string(hide_password=False))


def create_engine(url: URL, **options: Any) -> AsyncEngine:
    """An engine for ``url``; a SQLite file's directory is created when missing.

    A write the database refuses (full disk, read-only file) raises ``StoreWriteError``.
    """
    if url.get_backend_name() == "sqlite":
        engine = _sqlite_engine(url, **options)
    else:
        options.setdefault("pool_pre_ping", True)
        engine = create_async_engine(url, **options)
    event.listen(engine.sync_engine, "handle_error", _raise_write_refusal)
    return engine


def write_refusal(error: BaseException | None) -> str | None:
    """Why the database refused a write, when ``error`` (or its cause) says it did."""
    while error is not None:
        code = getattr(error, "sqlite_errorname", None) or getattr(error, "sqlstate", None)
        for prefix, reason in WRITE_REFUSALS.items():
            if isinstance(code, str) and code.startswith(prefix):
                return f"the database refuses writes: {reason} ({code})"
        error = error.__cause__ or error.__context__
    return None


def _raise_write_refusal(context: Any) -> None:
    refusal = write_refusal(context.original_exception)
    if refusal is not None:
        # Raised from a handle_error listener, it replaces SQLAlchemy's own exception.
        raise StoreWriteError(refusal) from context.original_exception


def _create_private(database: Path) -> None:
    """Create the database file readable by its owner only, in a folder only they can enter.

    SQLite gives the -wal, -shm and -journal files the permissions of the database file, so
    creating it 0600 before SQLite does covers its companions too.
    """
    if not database.parent.exists():
        database.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
    # A read-only folder or file is left for SQLite to report when the store is used.
    with contextlib.suppress(OSError):
        os.close(os.open(database, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE))


def _sqlite_engine(url: URL, **options: Any) -> AsyncEngine:
    database = url.database or ""
    if database != ":memory:" and not database.startswith("file:"):
        _create_private(Path(database))
    connect_args = {"timeout": SQLITE_BUSY_SECONDS, **options.pop("connect_args", {})}
    engine = create_async_engine(url, connect_args=connect_args, **options)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(connection: Any, _record: Any) -> None:
        # pysqlite begins transactions lazily and in its own way; take over so that every
        # transaction holds the write lock from its start (see ``_on_begin``).
        connection.isolation_level = None
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Several bot processes may share one SQLite file: IMMEDIATE makes a claim (read,
        # then update) atomic across them, which deferred transactions are not.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
