"""Migration 3: scheduled source checks. Frozen: later changes are new steps.

What each check saw of every cited page, the baselines the bot took from its first observation
of a page no maintainer has accepted yet, and the row that gives one process at a time the
next check.
"""

from __future__ import annotations

from sqlalchemy import Column, Connection, MetaData, PrimaryKeyConstraint, String, Table, Text

from bot.store.schema import UtcDateTime

SERVICE = 64
SOURCE = 64
URL = 500
STATE = 16
KIND = 32
OWNER = 80


def apply(connection: Connection) -> None:
    """Create the tables of scheduled source checks."""
    metadata = MetaData()
    Table(
        "source_observations",
        metadata,
        Column("service_id", String(SERVICE), nullable=False),
        Column("source_id", String(SOURCE), nullable=False),
        Column("url", String(URL), nullable=False),
        Column("status", String(STATE), nullable=False),
        Column("labels_missing", Text, nullable=False),
        Column("excerpt", Text, nullable=False),
        Column("changed_at", UtcDateTime, nullable=True),
        Column("checked_at", UtcDateTime, nullable=False),
        PrimaryKeyConstraint("service_id", "source_id", name="source_observation"),
    )
    Table(
        "source_baselines",
        metadata,
        Column("service_id", String(SERVICE), primary_key=True),
        Column("document", Text, nullable=False),
        Column("taken_at", UtcDateTime, nullable=False),
    )
    Table(
        "source_checks",
        metadata,
        Column("name", String(KIND), primary_key=True),
        Column("due_at", UtcDateTime, nullable=False),
        Column("owner", String(OWNER), nullable=False),
        Column("updated_at", UtcDateTime, nullable=False),
    )
    metadata.create_all(connection)
