"""Every bundled service's card fits its budget on Slack and Discord: one message, at most
1,200 visible characters and 15 rendered lines, also with every notice it can carry."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from functools import cache

import pytest

from bot.content.loader import load_knowledge
from bot.core.assistant import Assistant
from bot.core.clock import FixedClock
from bot.core.library import KnowledgeBase
from bot.core.reply import Reply
from bot.core.signals import SourceSignal, SourceSignals
from tests.platforms.sizes import discord_size, slack_size
from tests.support import BUNDLED_CONTENT, BUNDLED_TODAY

CARD_MAX_CHARS = 1200
CARD_MAX_LINES = 15
NOON = datetime.combine(BUNDLED_TODAY, time(12), tzinfo=UTC)
# Today, and a year and a half on: every entry stale, every date passed.
MOMENTS = {"today": NOON, "later": NOON + timedelta(days=550)}
MEASURES = {"slack": slack_size, "discord": discord_size}


@cache
def bundled() -> KnowledgeBase:
    return load_knowledge(BUNDLED_CONTENT, BUNDLED_TODAY).knowledge


def every_page_changed(knowledge: KnowledgeBase, when: datetime) -> SourceSignals:
    """The worst a source check can find: every cited page changed and lost a label."""
    return SourceSignals.of(
        SourceSignal(service.id, source.id, "changed", ("Settings", "Privacy"), when)
        for service in knowledge.services
        for source in service.sources
    )


def cards(moment: datetime, signals: SourceSignals | None = None) -> list[Reply]:
    knowledge = bundled()
    assistant = Assistant(
        lambda: knowledge, FixedClock(moment), signals=lambda: signals or SourceSignals()
    )
    return [assistant.run("optout", service.id) for service in knowledge.services]


def assert_within_budget(reply: Reply, platform: str) -> None:
    messages, chars, lines = MEASURES[platform](reply)
    where = f"{reply.service_id} on {platform}"
    assert messages == 1, f"{where}: {messages} messages"
    assert chars <= CARD_MAX_CHARS, f"{where}: {chars} visible characters"
    assert lines <= CARD_MAX_LINES, f"{where}: {lines} lines"


@pytest.mark.parametrize("platform", MEASURES)
@pytest.mark.parametrize("moment", MOMENTS)
def test_every_bundled_card_fits_one_short_message(platform: str, moment: str) -> None:
    replies = cards(MOMENTS[moment])
    assert len(replies) == len(bundled().services) > 40
    for reply in replies:
        assert reply.guide is not None, reply.service_id  # a card, not the guide
        assert_within_budget(reply, platform)


@pytest.mark.parametrize("platform", MEASURES)
def test_a_card_stays_within_budget_with_every_notice_it_can_carry(platform: str) -> None:
    later = MOMENTS["later"]
    signals = every_page_changed(bundled(), later - timedelta(days=1))
    for reply in cards(later, signals):
        assert reply.notices, reply.service_id  # stale, and its pages changed
        assert_within_budget(reply, platform)


@pytest.mark.parametrize("platform", MEASURES)
@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("command", ["deadline", "changes"])
def test_shared_listings_are_never_split_across_messages(
    command: str, moment: str, platform: str
) -> None:
    knowledge = bundled()
    assistant = Assistant(lambda: knowledge, FixedClock(MOMENTS[moment]))
    for service in (None, *(service.id for service in knowledge.services)):
        messages, _, _ = MEASURES[platform](assistant.run(command, service))
        assert messages == 1, f"/{command} {service or ''} on {platform}: {messages} messages"
