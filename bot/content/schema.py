"""Validation of parsed content against the knowledge base's records, and their JSON Schema.

The only module that imports pydantic: importing it and building validators costs more than
answering a question, so only loading content from files pays for it.
"""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter, ValidationError

from bot.core.knowledge import Service
from bot.core.phrases.messages import Messages

SERVICE = TypeAdapter(Service)
MESSAGES = TypeAdapter(Messages)

__all__ = ["MESSAGES", "SERVICE", "ValidationError", "service_schema"]


def service_schema() -> dict[str, Any]:
    """The JSON Schema of a service file, for editors and ``content/schema.json``."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/optout-bot/optout-bot/content/schema.json",
        **SERVICE.json_schema(),
    }
