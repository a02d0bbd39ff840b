"""``/deadline`` and ``/changes``, across services and for one, stay one message on Slack and
Discord however many dates and changes the content holds and however long their words are;
what a listing leaves out is counted, with where to find it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.assistant import Assistant
from bot.core.clock import FixedClock
from bot.core.knowledge import Service
from bot.core.library import KnowledgeBase
from bot.core.reply import Reply
from bot.core.richtext import plain
from tests.platforms.test_card_budget import MEASURES, bundled
from tests.platforms.test_card_fitting import PROSE_CHARS, SHORT_CHARS, long
from tests.support import make_service

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)
DAYS = st.dates(date(2025, 1, 1), date(2028, 12, 31))


def _source(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "id": "s",
        "url": "https://example.com/(" + "p&" * draw(st.integers(1, 230)) + ")",
        "title": "Page",
        "publisher": draw(long(SHORT_CHARS)),
        "kind": "vendor",
        "accessed": "2026-11-01",
    }


@st.composite
def services(draw: st.DrawFn, index: int) -> Service:
    deadlines = [
        {
            "id": f"d{number}",
            "title": draw(long(SHORT_CHARS)),
            "kind": "deadline",
            "due": draw(DAYS).isoformat(),
            "time": draw(st.sampled_from([None, "09:30"])),
            "action": draw(st.one_of(st.none(), long(PROSE_CHARS))),
            "after": draw(st.one_of(st.none(), long(PROSE_CHARS))),
            "history": [
                {"due": day.isoformat(), "sources": ["s"]}
                for day in sorted(draw(st.lists(DAYS, max_size=8, unique=True)))
            ],
            "sources": ["s"],
        }
        for number in range(draw(st.integers(0, 14)))
    ]
    changes = [
        {"date": draw(DAYS).isoformat(), "summary": draw(long(PROSE_CHARS)), "sources": ["s"]}
        for _ in range(draw(st.integers(0, 14)))
    ]
    return make_service(
        f"service-{index}",
        draw(long(SHORT_CHARS)),
        summary=draw(long(PROSE_CHARS)),
        deadlines=deadlines,
        changes=changes,
        sources=[_source(draw)],
    )


@st.composite
def knowledge_bases(draw: st.DrawFn) -> KnowledgeBase:
    count = draw(st.integers(1, 4))
    found = tuple(draw(services(index)) for index in range(count))
    return KnowledgeBase(found, bundled().messages, "generated")


def assert_one_message(reply: Reply, where: str) -> None:
    for platform, measure in MEASURES.items():
        messages, _, _ = measure(reply)
        assert messages == 1, f"{where} on {platform}: {messages} messages"


def said(reply: Reply) -> str:
    return "\n".join(
        plain(line) for section in reply.sections for line in (*section.paragraphs, *section.items)
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(knowledge_bases(), st.sampled_from([0, 400]))
def test_listings_stay_one_message_whatever_the_content(
    knowledge: KnowledgeBase, days_on: int
) -> None:
    assistant = Assistant(lambda: knowledge, FixedClock(NOW + timedelta(days=days_on)))
    for command in ("deadline", "changes"):
        for service in (None, *(service.id for service in knowledge.services)):
            reply = assistant.run(command, service)
            assert_one_message(reply, f"/{command} {service or ''}")


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(knowledge_bases())
def test_a_listing_counts_what_it_leaves_out(knowledge: KnowledgeBase) -> None:
    assistant = Assistant(lambda: knowledge, FixedClock(NOW))
    changes = sum(len(service.changes) for service in knowledge.services)
    reply = assistant.run("changes", None)
    shown = sum(len(section.items) for section in reply.sections)
    if shown < changes:
        assert f"{changes - shown} more: /changes <service>" in said(reply)
    else:
        assert "more:" not in said(reply)


def test_many_dates_of_one_service_point_to_its_guide() -> None:
    deadlines = [
        {"id": f"d{n}", "title": f"Date {n}", "kind": "deadline", "due": f"2027-01-{n + 1:02d}"}
        for n in range(25)
    ]
    for deadline in deadlines:
        deadline["sources"] = ["s"]
    service = make_service("many", "Many", deadlines=deadlines)
    knowledge = KnowledgeBase((service,), bundled().messages, "many")
    reply = Assistant(lambda: knowledge, FixedClock(NOW)).run("deadline", "many")
    assert sum(len(section.items) for section in reply.sections) == 10
    assert said(reply).endswith("15 more in the full guide: /optout many full")
    assert_one_message(reply, "/deadline many")
