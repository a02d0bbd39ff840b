"""Editions of the fixture knowledge base: the same content with one service edited."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from bot.content.schema import SERVICE
from bot.core.library import KnowledgeBase
from tests.support import fixture_knowledge

Record = dict[str, Any]


def edition(base: KnowledgeBase | None = None, **edits: Callable[[Record], None]) -> KnowledgeBase:
    """``base`` (the fixture knowledge base) with each named service's record edited in place."""
    knowledge = base or fixture_knowledge()
    services = []
    for service in knowledge.services:
        record = SERVICE.dump_python(service, mode="json")
        if service.id in edits:
            edits[service.id](record)
        services.append(SERVICE.validate_python(record))
    digest = hashlib.sha256(repr([SERVICE.dump_python(s, mode="json") for s in services]).encode())
    return KnowledgeBase(tuple(services), knowledge.messages, digest.hexdigest()[:12])


def move_deadline(deadline_id: str, due: str, time: str | None = None) -> Callable[[Record], None]:
    """An edit moving a deadline to ``due``, with its old date kept in the history."""

    def edit(record: Record) -> None:
        for deadline in record["deadlines"]:
            if deadline["id"] == deadline_id:
                deadline["history"].append({"due": deadline["due"], "sources": deadline["sources"]})
                deadline["due"] = due
                if time is not None:
                    deadline["time"] = time

    return edit


def add_deadline(deadline_id: str, due: str, title: str) -> Callable[[Record], None]:
    """An edit adding a dated event."""

    def edit(record: Record) -> None:
        record["deadlines"].append(
            {
                "id": deadline_id,
                "title": title,
                "kind": "deadline",
                "due": due,
                "sources": [record["sources"][0]["id"]],
            }
        )

    return edit


def log_change(day: str, summary: str) -> Callable[[Record], None]:
    """An edit adding a change-log entry."""

    def edit(record: Record) -> None:
        record["changes"].append(
            {"date": day, "summary": summary, "sources": [record["sources"][0]["id"]]}
        )

    return edit


def both(*edits: Callable[[Record], None]) -> Callable[[Record], None]:
    """Several edits of one record."""

    def edit(record: Record) -> None:
        for each in edits:
            each(record)

    return edit


def organise(
    state: str = "on", action: str = "Turn off [Share chats for training]."
) -> Callable[[Record], None]:
    """An edit giving a service an organisation section: one Team plan in ``state``."""

    def edit(record: Record) -> None:
        source = record["sources"][0]["id"]
        record["organisation"] = {
            "role": "Workspace owner",
            "action": action,
            "settings_url": "https://chatterbox.example/admin/data",
            "plans": [{"plan": "Team", "state": state, "sources": [source]}],
            "deadlines": ["launch"],
            "sources": [source],
        }

    return edit


def organised() -> KnowledgeBase:
    """The fixture knowledge base with chatterbox a workplace tool."""
    return edition(chatterbox=organise())
