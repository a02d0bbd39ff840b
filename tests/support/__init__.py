"""Shared test helpers: the fixture knowledge base, fixed clocks and minimal service records."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from bot.content.loader import load_knowledge
from bot.content.schema import SERVICE
from bot.core.assistant import Assistant
from bot.core.clock import FixedClock
from bot.core.knowledge import Service
from bot.core.library import KnowledgeBase
from bot.core.phrases.platforms import PlatformPhrases
from bot.core.reply import Reply
from bot.core.request import Request

FIXTURE_CONTENT = Path(__file__).parent.parent / "fixtures" / "content"
BUNDLED_CONTENT = Path(__file__).parent.parent.parent / "content"
# The day the bundled content was last checked against its sources: answers are judged as then.
BUNDLED_TODAY = datetime(2026, 12, 7, tzinfo=UTC).date()
# The fixture knowledge base was last verified in 2026; its validation date is fixed too.
FIXTURE_TODAY = datetime(2026, 11, 28, tzinfo=UTC).date()


@cache
def fixture_knowledge() -> KnowledgeBase:
    """The small, fixed knowledge base under tests/fixtures/content."""
    return load_knowledge(FIXTURE_CONTENT, FIXTURE_TODAY).knowledge


def instant(text: str) -> datetime:
    """An aware datetime from ISO 8601 text such as '2025-09-20T12:00:00Z'."""
    return datetime.fromisoformat(text)


def assistant_at(moment: str, knowledge: KnowledgeBase | None = None) -> Assistant:
    """An assistant over the fixture knowledge base with its clock stopped at ``moment``."""
    current = knowledge or fixture_knowledge()
    return Assistant(lambda: current, FixedClock(instant(moment)))


def answer_line(assistant: Assistant, line: str) -> Reply:
    """The reply to a whole command line such as '/optout claude', which must not wait."""
    reply = assistant.answer_now(Request.from_line(line))
    assert reply is not None, f"{line!r} waits on the subscription store"
    return reply


def make_service(
    service_id: str, name: str, aliases: list[str] | None = None, **extra: Any
) -> Service:
    """A minimal valid service record, for tests that only care about names or dates."""
    record: dict[str, Any] = {
        "id": service_id,
        "name": name,
        "category": "assistants",
        "aliases": aliases or [],
        "summary": f"{name} summary.",
        "last_verified": "2026-11-01",
        "opt_out": {"kind": "setting", "text": "Turn it off.", "sources": ["s"]},
        "applies_to": {"covered": ["Everyone"], "sources": ["s"]},
        "default": {"state": "on", "text": "On.", "sources": ["s"]},
        "sources": [
            {
                "id": "s",
                "url": f"https://{service_id}.example.com/help",
                "title": "Help",
                "publisher": name,
                "kind": "vendor",
                "accessed": "2026-11-01",
            }
        ],
    }
    record.update(extra)
    return SERVICE.validate_python(record)


def long_guide(service_id: str = "longguide", name: str = "Long Guide") -> Service:
    """A service whose full guide is as long as the schema lets steps be: 14 surfaces of 15
    long steps, more blocks than a Slack modal or three messages hold."""
    surfaces = ("web", "ios", "android", "desktop", "email", "mobile", "all")
    steps = [
        {
            "surface": surfaces[part % len(surfaces)],
            "title": f"Part {part}",
            "steps": [f"Step {part}.{n}. " + "x " * 690 for n in range(15)],
            "sources": ["s"],
        }
        for part in range(14)
    ]
    return make_service(service_id, name, steps=steps)


def with_service(service: Service) -> KnowledgeBase:
    """The fixture knowledge base with one more service."""
    base = fixture_knowledge()
    return KnowledgeBase((*base.services, service), base.messages, f"with-{service.id}")


def sharing_said(name: str, platform: str = "Slack") -> str:
    """What the bot tells the person who shared or pinned an answer, for one outcome."""
    phrase: str = getattr(fixture_knowledge().messages.en.sharing, name)
    return phrase.replace("{platform}", platform)


@cache
def platform_words(key: str) -> PlatformPhrases:
    """A platform's own phrases in the fixture messages file (English)."""
    return fixture_knowledge().messages.en.platform(key)
