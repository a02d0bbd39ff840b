"""The tables living answers use, as the latest migration leaves them.

What is kept, exactly: where the bot posted a public answer (platform, workspace or guild,
channel, message id) and which answer it was (command, service, digests of its content); which
channels want reminders for which services; which deadline dates were seen; and the outbox of
reminder posts with their state; what the scheduled source checks saw of each cited page (its
status, missing labels, a short excerpt of a change) and the baselines first observed; and the
checklist cards posted, with one row per item: whether it is done, and, only while it is, the
platform user id of whoever marked it and when. No user names, no message text.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)

PLATFORM = 16
WORKSPACE = 64
CHANNEL = 64
# The id of an answer's first message (a Slack ts, a Discord snowflake: far shorter).
MESSAGE_ID = 200
COMMAND = 32
SERVICE = 64
DIGEST = 32
DUE_KEY = 40
KIND = 32
STATE = 16
OWNER = 80
SOURCE = 64
URL = 500
# A print of a tool's organisation facts ('action=…,plans=…,limits=…,dates=…'), and the names
# of the parts that changed.
FACTS = 120
PARTS = 60
# A platform user id (a Slack U…, a Discord snowflake).
USER = 64


class UtcDateTime(TypeDecorator[datetime]):
    """An instant stored in UTC: ``timestamptz`` on PostgreSQL, naive UTC text on SQLite.

    Always written and read back timezone-aware, so comparisons in SQL work on both.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("instants in the store must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        instant = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        if instant.tzinfo is None:
            return instant.replace(tzinfo=UTC)
        return instant.astimezone(UTC)


metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", String(200), nullable=False),
    Column("applied_at", UtcDateTime, nullable=False),
)

tracked_answers = Table(
    "tracked_answers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("platform", String(PLATFORM), nullable=False),
    Column("workspace", String(WORKSPACE), nullable=False),
    Column("channel", String(CHANNEL), nullable=False),
    # The answer's first message; the ids of the rest, as a JSON list, in later_message_ids.
    Column("message_id", String(MESSAGE_ID), nullable=False),
    Column("later_message_ids", Text, nullable=False, server_default="[]"),
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

subscriptions = Table(
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

known_deadlines = Table(
    "known_deadlines",
    metadata,
    Column("service_id", String(SERVICE), nullable=False),
    Column("deadline_id", String(SERVICE), nullable=False),
    Column("due_key", String(DUE_KEY), nullable=False),
    Column("first_seen", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("service_id", "deadline_id", name="known_deadline"),
)

occurrences = Table(
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

outbox = Table(
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

key_values = Table(
    "key_values",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

source_observations = Table(
    "source_observations",
    metadata,
    Column("service_id", String(SERVICE), nullable=False),
    Column("source_id", String(SOURCE), nullable=False),
    Column("url", String(URL), nullable=False),
    Column("status", String(STATE), nullable=False),
    # JSON lists: the labels the page no longer shows, the lines of the change's excerpt.
    Column("labels_missing", Text, nullable=False),
    Column("excerpt", Text, nullable=False),
    Column("changed_at", UtcDateTime, nullable=True),
    Column("checked_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("service_id", "source_id", name="source_observation"),
)

source_baselines = Table(
    "source_baselines",
    metadata,
    Column("service_id", String(SERVICE), primary_key=True),
    Column("document", Text, nullable=False),
    Column("taken_at", UtcDateTime, nullable=False),
)

source_checks = Table(
    "source_checks",
    metadata,
    Column("name", String(KIND), primary_key=True),
    Column("due_at", UtcDateTime, nullable=False),
    Column("owner", String(OWNER), nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

checklists = Table(
    "checklists",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("platform", String(PLATFORM), nullable=False),
    Column("workspace", String(WORKSPACE), nullable=False),
    Column("channel", String(CHANNEL), nullable=False),
    Column("message_id", String(MESSAGE_ID), nullable=False),
    Column("later_message_ids", Text, nullable=False, server_default="[]"),
    # The card wants an edit while generation > shown; each change of an item counts one.
    Column("generation", Integer, nullable=False),
    Column("shown", Integer, nullable=False),
    Column("not_before", UtcDateTime, nullable=True),
    Column("lease_owner", String(OWNER), nullable=True),
    Column("lease_until", UtcDateTime, nullable=True),
    Column("posted_at", UtcDateTime, nullable=False),
    Column("touched_at", UtcDateTime, nullable=False),
    UniqueConstraint("platform", "workspace", "channel", "message_id", name="checklist_message"),
    Index("checklist_queue", "platform", "lease_until"),
)

checklist_items = Table(
    "checklist_items",
    metadata,
    Column("checklist_id", Integer, nullable=False),
    Column("service_id", String(SERVICE), nullable=False),
    Column("position", Integer, nullable=False),
    Column("done", Boolean, nullable=False),
    # Kept only while the item is done: cleared by Undo and when the item opens again.
    Column("marked_by", String(USER), nullable=True),
    Column("marked_at", UtcDateTime, nullable=True),
    Column("facts", String(FACTS), nullable=False),
    Column("reopened", String(PARTS), nullable=True),
    Column("reopened_at", UtcDateTime, nullable=True),
    PrimaryKeyConstraint("checklist_id", "service_id", name="checklist_item"),
    Index("checklist_items_done", "done"),
)
