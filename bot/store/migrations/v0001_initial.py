"""Migration 1: the first schema of living answers. Frozen: later changes are new steps."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
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
COMMAND = 32
SERVICE = 64
DIGEST = 32
DUE_KEY = 40
KIND = 32
STATE = 16
OWNER = 80


def apply(connection: Connection) -> None:
    """Create the tables of living answers."""
    metadata = MetaData()

    Table(
        "tracked_answers",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("platform", String(PLATFORM), nullable=False),
        Column("workspace", String(WORKSPACE), nullable=False),
        Column("channel", String(CHANNEL), nullable=False),
        Column("message_id", String(MESSAGE_ID), nullable=False),
        Column("command", String(COMMAND), nullable=False),
        # '' for an answer about every service (a NULL would not group or compare simply).
        Column("service_id", String(SERVICE), nullable=False),
        Column("digest", String(DIGEST), nullable=False),
        Column("parts", Text, nullable=False),
        Column("change_mark", Date, nullable=True),
        Column("desired", String(DIGEST), nullable=True),
        Column("not_before", UtcDateTime, nullable=True),
        Column("lease_owner", String(OWNER), nullable=True),
        Column("lease_until", UtcDateTime, nullable=True),
        Column("posted_at", UtcDateTime, nullable=False),
        Column("touched_at", UtcDateTime, nullable=False),
        UniqueConstraint("platform", "workspace", "channel", "message_id", name="tracked_message"),
        Index("tracked_answer", "command", "service_id"),
        Index("tracked_queue", "platform", "desired", "not_before"),
    )

    Table(
        "subscriptions",
        metadata,
        Column("platform", String(PLATFORM), nullable=False),
        Column("workspace", String(WORKSPACE), nullable=False),
        Column("channel", String(CHANNEL), nullable=False),
        # A service id, or 'all'.
        Column("service_id", String(SERVICE), nullable=False),
        Column("created_at", UtcDateTime, nullable=False),
        PrimaryKeyConstraint("platform", "workspace", "channel", "service_id", name="subscription"),
        Index("subscriptions_by_service", "service_id"),
    )

    Table(
        "known_deadlines",
        metadata,
        Column("service_id", String(SERVICE), nullable=False),
        Column("deadline_id", String(SERVICE), nullable=False),
        Column("due_key", String(DUE_KEY), nullable=False),
        Column("first_seen", UtcDateTime, nullable=False),
        PrimaryKeyConstraint("service_id", "deadline_id", name="known_deadline"),
    )

    Table(
        "reminder_occurrences",
        metadata,
        Column("service_id", String(SERVICE), nullable=False),
        Column("deadline_id", String(SERVICE), nullable=False),
        Column("due_key", String(DUE_KEY), nullable=False),
        Column("kind", String(KIND), nullable=False),
        Column("fire_at", UtcDateTime, nullable=False),
        Column("fanned_out_at", UtcDateTime, nullable=False),
        PrimaryKeyConstraint("service_id", "deadline_id", "due_key", "kind", name="occurrence"),
    )

    Table(
        "reminder_outbox",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("platform", String(PLATFORM), nullable=False),
        Column("workspace", String(WORKSPACE), nullable=False),
        Column("channel", String(CHANNEL), nullable=False),
        Column("service_id", String(SERVICE), nullable=False),
        Column("deadline_id", String(SERVICE), nullable=False),
        Column("due_key", String(DUE_KEY), nullable=False),
        Column("kind", String(KIND), nullable=False),
        Column("fire_at", UtcDateTime, nullable=False),
        # pending -> claimed -> posted | skipped; a claim whose lease ran out is claimed again.
        Column("state", String(STATE), nullable=False),
        Column("in_doubt", Boolean, nullable=False),
        Column("attempts", Integer, nullable=False),
        Column("not_before", UtcDateTime, nullable=False),
        Column("lease_owner", String(OWNER), nullable=True),
        Column("lease_until", UtcDateTime, nullable=True),
        Column("late", Boolean, nullable=False),
        Column("skip_reason", String(STATE), nullable=True),
        Column("done_at", UtcDateTime, nullable=True),
        UniqueConstraint(
            "platform",
            "workspace",
            "channel",
            "service_id",
            "deadline_id",
            "due_key",
            "kind",
            name="outbox_post",
        ),
        Index("outbox_queue", "platform", "state", "not_before"),
    )

    Table(
        "key_values",
        metadata,
        Column("key", String(100), primary_key=True),
        Column("value", Text, nullable=False),
        Column("updated_at", UtcDateTime, nullable=False),
    )
    metadata.create_all(connection)
