"""Live times in posted answers: every countdown is the client's own, and every plain fallback
stays true however long after posting it is read."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest

from bot.core.reply import Reply
from bot.core.richtext import When
from bot.platforms.discord.render import inline
from bot.platforms.discord.render import render_reply as discord_render
from bot.platforms.slack.actions import PLATFORM as SLACK
from bot.platforms.slack.actions import answer_buttons
from bot.platforms.slack.mrkdwn import fallback, mrkdwn
from bot.platforms.slack.render import render_reply as slack_render
from tests.support import assistant_at, platform_words

SLACK_WORDS = platform_words(SLACK)

NOW = "2025-09-20T12:00:00+00:00"
# Words that are true only on the day they were written.
COUNTDOWN = re.compile(
    r"\bin \d+ (?:days|hours?)\b|\b\d+ (?:days|hours?) ago\b|\b(?:today|tomorrow|yesterday)\b"
)
SLACK_AGO = re.compile(r"<!date\^\d+\^\{ago\}\|([^<>|]*)>")
SLACK_TOKEN = re.compile(r"<!date\^\d+\^[^|>]*\|[^<>]*>")
DISCORD_STAMP = re.compile(r"<t:\d+:[RDF]>")
# Answers a channel keeps: each shows past and coming dates of the fixture.
POSTED = [("optout", "chatterbox"), ("optout", "oldsocial"), ("deadline", None)]


def posted(command: str, service: str | None) -> Reply:
    return assistant_at(NOW).run(command, service)


@pytest.mark.parametrize(("command", "service"), POSTED)
def test_slack_countdowns_are_slacks_own_and_their_fallbacks_are_dated(
    command: str, service: str | None
) -> None:
    reply = posted(command, service)
    [message] = slack_render(reply, answer_buttons(reply, SLACK_WORDS), shared_by="U0ALICE")
    shown = json.dumps(message.blocks, ensure_ascii=False)
    fallbacks = SLACK_AGO.findall(shown)
    assert fallbacks, "a posted answer with dates shows a live countdown"
    # A fallback (what clients without date tokens show) says when it was true.
    assert all(re.fullmatch(r".+ as of \d{1,2} \w{3} \d{4}", text) for text in fallbacks)
    assert not COUNTDOWN.search(SLACK_TOKEN.sub("", shown))
    # The notification text, which Slack never renders live, dates its countdowns too.
    for found in COUNTDOWN.finditer(message.text):
        assert message.text[found.end() :].startswith(" as of "), message.text


@pytest.mark.parametrize(("command", "service"), POSTED)
def test_discord_countdowns_are_discords_own(command: str, service: str | None) -> None:
    [message] = discord_render(posted(command, service))
    shown = json.dumps(message.embeds, ensure_ascii=False)
    assert "<t:" in shown and ":R>" in shown
    assert not COUNTDOWN.search(DISCORD_STAMP.sub("", shown))


def test_a_past_date_reads_as_dated_in_the_fallback_and_live_in_the_client() -> None:
    passed = When(datetime(2025, 5, 26, tzinfo=UTC), "day", relative=True)
    now = datetime(2025, 9, 20, 12, tzinfo=UTC)
    stamp = int(passed.instant.timestamp())
    assert mrkdwn((passed,), now) == (
        f"26 May 2025 (<!date^{stamp}^{{ago}}|117 days ago as of 20 Sep 2025>)"
    )
    assert fallback((passed,), now) == "26 May 2025 (117 days ago as of 20 Sep 2025)"
    assert inline((passed,), now) == f"26 May 2025 (<t:{stamp}:R>)"


def test_a_local_day_is_each_readers_day_with_the_utc_day_as_fallback() -> None:
    # 23:30 UTC on 3 Dec is already 4 Dec east of Greenwich: the client decides.
    noticed = When(datetime(2026, 12, 3, 23, 30, tzinfo=UTC), "local-day")
    stamp = int(noticed.instant.timestamp())
    assert mrkdwn((noticed,), None) == f"<!date^{stamp}^{{date_short_pretty}}|3 Dec 2026>"
    assert fallback((noticed,), None) == "3 Dec 2026"
    assert inline((noticed,), None) == f"<t:{stamp}:D>"
