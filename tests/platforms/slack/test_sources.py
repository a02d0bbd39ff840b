"""Source notices through the real slack-bolt against the fake Slack: an answer shows the notice
once a scheduled check saw its cited page change, and a shared answer is edited to carry it, then
edited again without it once a maintainer accepts the page."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.content.sources import FileBaselineStore, accept_sources
from tests.content.sources.memory_pages import HELP_CHANGED, HELP_RENAMED, fixture_pages
from tests.platforms.slack.test_living import Bot, living_bot

NOTICE = "changed on"
# 21 Nov 2026 12:00 UTC, when the bench's second check saw the change.
CHANGE_STAMP = "<!date^1795262400^{date_short_pretty}|21 Nov 2026>"
# The card's one line; the guide names the page.
CARD_NOTICE = f"A cited page changed on {CHANGE_STAMP}; the guide says which."


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Bot]:
    async with living_bot(tmp_path) as running:
        yield running


async def test_an_answer_names_the_changed_page_and_the_day_in_each_readers_zone(
    bot: Bot,
) -> None:
    await bot.bench.help_page_changed(HELP_CHANGED)
    card = await bot.fake.command("/optout", "chatterbox")
    assert CARD_NOTICE in json.dumps(card.body["blocks"], ensure_ascii=False)
    answer = await bot.fake.command("/optout", "chatterbox full")
    shown = json.dumps(answer.body["blocks"], ensure_ascii=False)
    assert f"changed on {CHANGE_STAMP}, after this entry was last checked" in shown
    assert (
        "<https://help.chatterbox.example.com/articles/42|Controlling how your data is used>"
        in shown
    )


async def test_a_renamed_toggle_is_named_in_the_answer(bot: Bot) -> None:
    await bot.bench.help_page_changed(HELP_RENAMED)
    answer = await bot.fake.command("/optout", "chatterbox full")
    shown = json.dumps(answer.body["blocks"], ensure_ascii=False)
    assert "no longer shows *Improve Chatterbox for everyone* (noticed " in shown


async def test_a_shared_answer_carries_the_notice_until_the_page_is_accepted(
    bot: Bot, tmp_path: Path
) -> None:
    pages = fixture_pages()
    accepted = FileBaselineStore(tmp_path / "accepted")
    watch = bot.bench.source_watch(pages, accepted)
    await watch.check_if_due()
    await watch.refresh()
    ts = await bot.share()
    assert (await bot.bench.tick()).edits_queued == 0
    await bot.bench.checked_next_day(watch, pages, HELP_CHANGED)
    assert await watch.refresh()
    report = await bot.bench.tick()
    assert (report.edits_queued, report.edits["slack"].done) == (1, 1)
    assert CARD_NOTICE in bot.text(ts)
    today = bot.bench.clock.now().date()
    await accept_sources(bot.bench.live(), accepted, pages, today, "chatterbox")
    bot.bench.clock.advance(hours=24)
    await watch.check_if_due()
    assert await watch.refresh()
    assert (await bot.bench.tick()).edits["slack"].done == 1
    assert NOTICE not in bot.text(ts)
    assert len(bot.fake.called("chat.update")) == 2
