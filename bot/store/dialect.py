"""The few statements that SQLite and PostgreSQL spell differently."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine


def upsert(engine: AsyncEngine, table: Table) -> Any:
    """``INSERT`` with ``on_conflict_do_nothing`` / ``on_conflict_do_update`` for this database."""
    if engine.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def encode_parts(parts: tuple[tuple[str, str], ...]) -> str:
    """Part digests as 'key=value,key=value' (hex on both sides, so no escaping is needed)."""
    return ",".join(f"{key}={value}" for key, value in parts)


def decode_parts(text: str) -> tuple[tuple[str, str], ...]:
    """The inverse of :func:`encode_parts`."""
    pairs = (item.partition("=") for item in text.split(",") if item)
    return tuple((key, value) for key, _, value in pairs)


def encode_message_ids(later: tuple[str, ...]) -> str:
    """The ids of an answer's messages after the first, as a JSON list."""
    return json.dumps(list(later), separators=(",", ":"))


def decode_message_ids(first: str, later: str) -> tuple[str, ...]:
    """Every id of an answer's messages, first one first."""
    return (first, *(str(value) for value in json.loads(later or "[]")))
