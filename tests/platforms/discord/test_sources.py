"""Source notices through the real discord.py against the fake Discord: an answer shows the
notice once a scheduled check saw its cited page change (the day as a timestamp each reader sees
in their own zone), and a posted answer is edited to carry it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.content.sources.memory_pages import HELP_CHANGED, HELP_RENAMED, fixture_pages
from tests.platforms.discord.fake_discord import CHANNEL_ID, DiscordHarness, running_fake, slash
from tests.platforms.discord.test_living import MESSAGE, Bot
from tests.platforms.living_support import living_bench

# 21 Nov 2026 12:00 UTC, when the bench's second check saw the change, as a long date.
CHANGE_STAMP = "<t:1795262400:D>"
# The card's one line; the guide names the page.
CARD_NOTICE = f"A cited page changed on {CHANGE_STAMP}; the guide says which."


@pytest.fixture
async def bot(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AsyncIterator[Bot]:
    async with living_bench(tmp_path) as bench, running_fake(monkeypatch) as fake:
        harness = DiscordHarness(fake, tmp_path / "discord-commands.json")
        adapter = await harness.start(bench.assistant, living=bench.access)
        bench.attach(await adapter.ready_publisher())
        yield Bot(harness, bench)
        await harness.stop()


async def test_an_answer_shows_the_changed_page_and_the_missing_label(bot: Bot) -> None:
    await bot.bench.help_page_changed(HELP_RENAMED)
    member = bot.harness.bot
    card = await bot.fake.interact(member, slash(member, "optout", {"service": "chatterbox"}))
    assert CARD_NOTICE in json.dumps(card, ensure_ascii=False)
    options = {"service": "chatterbox", "detail": "full"}
    body = await bot.fake.interact(member, slash(member, "optout", options))
    shown = json.dumps(body, ensure_ascii=False)
    assert f"(https://help.chatterbox.example.com/articles/42) changed on {CHANGE_STAMP}" in shown
    assert f"no longer shows **Improve Chatterbox for everyone** (noticed {CHANGE_STAMP})" in shown


async def test_a_posted_answer_is_edited_to_carry_the_notice(bot: Bot) -> None:
    pages = fixture_pages()
    watch = bot.bench.source_watch(pages)
    await watch.check_if_due()
    await watch.refresh()
    message_id = await bot.post()
    await bot.bench.checked_next_day(watch, pages, HELP_CHANGED)
    assert await watch.refresh()
    report = await bot.bench.tick()
    assert (report.edits_queued, report.edits["discord"].done) == (1, 1)
    [edit] = bot.fake.calls("PATCH", MESSAGE)
    assert edit.path == f"/channels/{CHANNEL_ID}/messages/{message_id}"
    assert CARD_NOTICE in bot.shown(message_id)
