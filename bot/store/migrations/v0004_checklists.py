"""Migration 4: checklist cards and their items, one row per item. Frozen."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from bot.store.schema import UtcDateTime

PLATFORM = 16
WORKSPACE = 64
CHANNEL = 64
MESSAGE_ID = 200
SERVICE = 64
OWNER = 80
FACTS = 120
PARTS = 60
USER = 64


def apply(connection: Connection) -> None:
    """Create ``checklists`` and ``checklist_items``."""
    metadata = MetaData()
    Table(
        "checklists",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("platform", String(PLATFORM), nullable=False),
        Column("workspace", String(WORKSPACE), nullable=False),
        Column("channel", String(CHANNEL), nullable=False),
        Column("message_id", String(MESSAGE_ID), nullable=False),
        Column("later_message_ids", Text, nullable=False, server_default="[]"),
        Column("generation", Integer, nullable=False),
        Column("shown", Integer, nullable=False),
        Column("not_before", UtcDateTime, nullable=True),
        Column("lease_owner", String(OWNER), nullable=True),
        Column("lease_until", UtcDateTime, nullable=True),
        Column("posted_at", UtcDateTime, nullable=False),
        Column("touched_at", UtcDateTime, nullable=False),
        UniqueConstraint(
            "platform", "workspace", "channel", "message_id", name="checklist_message"
        ),
        Index("checklist_queue", "platform", "lease_until"),
    )
    Table(
        "checklist_items",
        metadata,
        Column("checklist_id", Integer, nullable=False),
        Column("service_id", String(SERVICE), nullable=False),
        Column("position", Integer, nullable=False),
        Column("done", Boolean, nullable=False),
        Column("marked_by", String(USER), nullable=True),
        Column("marked_at", UtcDateTime, nullable=True),
        Column("facts", String(FACTS), nullable=False),
        Column("reopened", String(PARTS), nullable=True),
        Column("reopened_at", UtcDateTime, nullable=True),
        PrimaryKeyConstraint("checklist_id", "service_id", name="checklist_item"),
        Index("checklist_items_done", "done"),
    )
    metadata.create_all(connection)
