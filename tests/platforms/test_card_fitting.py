"""A card stays within its budget on Slack and Discord whatever its content says, up to the
content schema's own limits: the longest names, actions, dates and sources still make one short
message, and the action, the settings link and the date are always there."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.answers.card import card
from bot.core.answers.fitting import READING_WIDTH
from bot.core.knowledge import Service
from bot.core.richtext import When, plain
from bot.platforms.discord.render import READING_WIDTH as DISCORD_WIDTH
from bot.platforms.slack.render import READING_WIDTH as SLACK_WIDTH
from tests.platforms.test_card_budget import assert_within_budget, bundled
from tests.support import make_service

PROSE_CHARS = 1500
SHORT_CHARS = 200
STAKE_CHARS = 220
MAX_STEPS = 15
# Words of any length, with the characters each platform escapes, and line breaks.
WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzÄß*_~`|&>.,:-", min_size=1, max_size=30)


@st.composite
def long(draw: st.DrawFn, limit: int) -> str:
    """Text of up to ``limit`` characters, often exactly that: drawn words split by spaces or
    line breaks, repeated until long enough."""
    pairs = draw(st.lists(st.tuples(WORD, st.sampled_from([" ", " ", "\n"])), min_size=1))
    size = draw(st.one_of(st.just(limit), st.integers(1, limit)))
    text = ""
    while len(text) < size:
        text += "".join(word + gap for word, gap in pairs)
    return text[:size].strip() or "x"


def _source(index: int, publisher: str) -> dict[str, Any]:
    return {
        "id": f"s{index}",
        "url": f"https://example{index}.com/" + "p" * 400,
        "title": "Page",
        "publisher": publisher,
        "kind": "vendor" if index == 0 else "news",
        "accessed": "2026-11-01",
    }


@st.composite
def services(draw: st.DrawFn) -> Service:
    publishers = draw(st.lists(long(SHORT_CHARS), min_size=1, max_size=6))
    surfaces = st.sampled_from(["web", "ios", "android", "desktop", "email", "mobile"])
    steps = [
        {
            "surface": draw(surfaces),
            "settings_url": "https://example.com/settings",
            "steps": draw(st.lists(long(PROSE_CHARS), min_size=1, max_size=MAX_STEPS)),
            "sources": ["s0"],
        }
        for _ in range(draw(st.integers(1, 4)))
    ]
    due = draw(st.dates(date(2026, 1, 1), date(2028, 12, 31)))
    record: dict[str, Any] = {
        "stake": draw(long(STAKE_CHARS)),
        "opt_out": {
            "kind": draw(st.sampled_from(["setting", "form", "request", "none"])),
            "text": draw(long(PROSE_CHARS)),
            "sources": ["s0"],
        },
        "default": {"state": draw(st.sampled_from(["on", "off", "varies"])), "text": "On."},
        "steps": steps,
        "deadlines": [
            {
                "id": "d",
                "title": draw(long(SHORT_CHARS)),
                "kind": "deadline",
                "due": due.isoformat(),
                "time": draw(st.sampled_from([None, "23:59"])),
                "sources": ["s0"],
            }
        ],
        "sources": [_source(index, name) for index, name in enumerate(publishers)],
    }
    record["default"]["sources"] = ["s0"]
    if draw(st.booleans()):
        record["organisation"] = {
            "role": draw(long(SHORT_CHARS)),
            "action": draw(long(PROSE_CHARS)),
            "plans": [{"plan": "Business", "state": "on", "sources": ["s0"]}],
            "sources": ["s0"],
        }
    return make_service("generated", draw(long(SHORT_CHARS)), **record)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(services(), st.sampled_from([0, 400, 900]), st.booleans())
def test_a_card_with_the_longest_content_stays_one_short_message(
    service: Service, days_on: int, page_changed: bool
) -> None:
    now = datetime(2026, 12, 7, 12, tzinfo=UTC) + timedelta(days=days_on)
    changed = now - timedelta(days=3) if page_changed else None
    reply = card(service, bundled().messages.for_locale(None), now, changed)
    for platform in ("slack", "discord"):
        assert_within_budget(reply, platform)
    lines = reply.sections[0].paragraphs
    action_label = bundled().messages.en.card.action_labels[service.opt_out.kind]
    assert plain(lines[0]).startswith(f"{action_label}: ")
    assert any(isinstance(span, When) for line in lines for span in line), "the date is shown"
    assert reply.links, "the settings link is shown"


def test_the_card_wraps_at_the_narrowest_platform() -> None:
    assert min(SLACK_WIDTH, DISCORD_WIDTH) == READING_WIDTH
