"""Migration 2: an answer's later message ids get a column of their own. Frozen.

Version 1 kept every id of an answer in ``message_id``, joined by spaces and cut at 200
characters. The first id stays there (it is the unique key); the rest move, as a JSON list, to
``later_message_ids``, which has no length limit.
"""

from __future__ import annotations

import json

from sqlalchemy import Connection, text

SEPARATOR_V1 = " "


def apply(connection: Connection) -> None:
    """Add ``later_message_ids`` and split the joined ids of version 1 into it."""
    connection.execute(
        text("ALTER TABLE tracked_answers ADD COLUMN later_message_ids TEXT NOT NULL DEFAULT '[]'")
    )
    joined = connection.execute(
        text("SELECT id, message_id FROM tracked_answers WHERE message_id LIKE '% %'")
    ).all()
    for row_id, message_id in joined:
        first, *later = message_id.split()
        connection.execute(
            text(
                "UPDATE tracked_answers SET message_id = :first, later_message_ids = :later "
                "WHERE id = :id"
            ),
            {"first": first, "later": json.dumps(later, separators=(",", ":")), "id": row_id},
        )
