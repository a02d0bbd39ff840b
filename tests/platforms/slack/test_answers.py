"""Cached private answers: the same within a minute, renewed after it and after a reload."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from bot.core.assistant import Assistant
from bot.core.clock import FixedClock
from bot.core.library import KnowledgeBase, LiveKnowledge
from bot.platforms.slack.answers import AnswerCache
from tests.platforms.slack.fake_slack import serve_slack
from tests.support import fixture_knowledge, instant, platform_words

WORDS = platform_words("slack")


def test_an_answer_is_reused_within_the_minute_and_renewed_after_it() -> None:
    clock = FixedClock(instant("2025-09-20T12:00:00Z"))
    live = LiveKnowledge(fixture_knowledge())
    assistant, cache = Assistant(live, clock), AnswerCache()
    first = cache.answer(assistant.run("optout", "chatterbox"), WORDS)
    clock.instant += timedelta(seconds=59)
    assert cache.answer(assistant.run("optout", "chatterbox"), WORDS) is first
    clock.instant += timedelta(seconds=1)
    assert cache.answer(assistant.run("optout", "chatterbox"), WORDS) is not first


async def test_a_reloaded_knowledge_base_is_answered_at_once() -> None:
    live = LiveKnowledge(fixture_knowledge())
    assistant = Assistant(live, FixedClock(instant("2025-09-20T12:00:00Z")))
    async with serve_slack(assistant) as (fake, _):
        before = await fake.command("/optout", "chatterbox")
        assert before.body["blocks"][0]["text"]["text"] == "Chatterbox AI"
        live.swap(renamed(live(), "chatterbox", "Chatterbox Pro"))
        after = await fake.command("/optout", "chatterbox")
        assert after.body["blocks"][0]["text"]["text"] == "Chatterbox Pro"


def renamed(knowledge: KnowledgeBase, service_id: str, name: str) -> KnowledgeBase:
    services = tuple(
        dataclasses.replace(service, name=name) if service.id == service_id else service
        for service in knowledge.services
    )
    return dataclasses.replace(knowledge, services=services, version=knowledge.version + "-renamed")
