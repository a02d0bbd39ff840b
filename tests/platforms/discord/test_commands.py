"""End to end: the real discord.py answers application commands from a local fake Discord."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import discord
import pytest

from bot.core.assistant import Assistant
from bot.core.catalogue import CATALOGUE
from bot.core.clock import FixedClock
from bot.core.library import KnowledgeBase, LiveKnowledge
from bot.platforms.discord.render import render_reply, size
from tests.platforms.discord.fake_discord import (
    CHANNEL_ID,
    EVERY_PERMISSION,
    GUILD_ID,
    MEMBER_ID,
    SEND_MESSAGES,
    DiscordHarness,
    autocomplete,
    click,
    custom_ids,
    running_fake,
    sent_message,
    slash,
)
from tests.support import assistant_at, fixture_knowledge, instant, make_service

NOW = "2025-09-20T12:00:00+00:00"
EPHEMERAL = 64
PING = re.compile(r"@(everyone|here)|<@[!&]?\d+>|<#\d+>", re.IGNORECASE)


@pytest.fixture
async def harness(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AsyncIterator[DiscordHarness]:
    async with running_fake(monkeypatch) as fake:
        harness = DiscordHarness(fake, tmp_path / "data" / "discord-commands.json")
        yield harness
        await harness.stop()


async def started(harness: DiscordHarness, assistant: Assistant | None = None) -> DiscordHarness:
    await harness.start(assistant or assistant_at(NOW))
    return harness


def embeds_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The embeds of a callback or message body, without the flags discord.py adds."""
    embeds = body.get("data", body).get("embeds") or []
    return [{key: value for key, value in embed.items() if key != "flags"} for embed in embeds]


async def test_every_catalogue_command_is_registered_with_typed_described_options(
    harness: DiscordHarness,
) -> None:
    await started(harness)
    [registration] = harness.fake.calls("PUT", r"/applications/\d+/commands")
    registered = {command["name"]: command for command in registration.body}
    assert list(registered) == [spec.name for spec in CATALOGUE]
    for spec in CATALOGUE:
        command = registered[spec.name]
        assert command["description"] == spec.description
        options = {option["name"]: option for option in command.get("options", [])}
        for option in spec.options:
            wire = options[option.name]
            assert wire["type"] == 3
            assert wire["description"] == option.description
            assert wire["required"] is option.required
            assert wire["autocomplete"] is True
            assert (wire["min_length"], wire["max_length"]) == (1, 100)
        if spec.shareable:
            assert options["share"]["type"] == 5
            assert options["share"]["required"] is False
        if spec.subactions:
            action = options["action"]
            assert (action["type"], action["required"]) == (3, False)
            assert [choice["value"] for choice in action["choices"]] == [
                sub.name for sub in spec.subactions
            ]
            assert all(len(choice["name"]) <= 100 for choice in action["choices"])
        assert set(options) == {o.name for o in spec.options} | (
            {"share"} if spec.shareable else set()
        ) | ({"action"} if spec.subactions else set()) | ({"detail"} if spec.variants else set())


@pytest.mark.parametrize(
    ("command", "service"),
    [
        (spec.name, service)
        for spec in CATALOGUE
        for service in (None, "chatterbox")
        if spec.options or service is None
    ],
)
async def test_every_command_answers_privately_with_its_rendered_embeds(
    harness: DiscordHarness, command: str, service: str | None
) -> None:
    await started(harness)
    assistant = assistant_at(NOW)
    options = {"service": service} if service else {}
    body = await harness.fake.interact(harness.bot, slash(harness.bot, command, options))
    reply = assistant.run(command, service)
    assert body["type"] == 4
    assert body["data"]["flags"] == EPHEMERAL
    assert body["data"]["allowed_mentions"] == {"parse": []}
    assert embeds_of(body) == list(render_reply(reply)[0].embeds)
    if reply.shareable:
        suffix = f"{command}:{service or ''}"
        guide = [f"optout:guide:{suffix}"] if reply.guide else []
        assert custom_ids(body) == [*guide, f"optout:post:{suffix}", f"optout:pin:{suffix}"]
    else:
        assert custom_ids(body) == []


async def test_autocomplete_offers_the_cores_ranked_choices_at_once(
    harness: DiscordHarness,
) -> None:
    await started(harness)
    started_at = time.perf_counter()
    body = await harness.fake.interact(harness.bot, autocomplete(harness.bot, "optout", "cbx"))
    elapsed = time.perf_counter() - started_at
    assert body == {
        "type": 8,
        "data": {"choices": [{"name": "Chatterbox AI", "value": "chatterbox"}]},
    }
    assert elapsed < 0.5  # Discord allows 3 seconds


async def test_autocomplete_never_offers_more_than_discord_allows(harness: DiscordHarness) -> None:
    services = tuple(make_service(f"service-{n:02d}", f"Service {n:02d}") for n in range(40))
    services += (make_service("service-long", "Service " + "with a long name " * 10),)
    knowledge = KnowledgeBase(services, fixture_knowledge().messages, "many")
    await started(harness, Assistant(lambda: knowledge, FixedClock(instant(NOW))))
    for typed in ("", "serv", "zzzz"):
        body = await harness.fake.interact(
            harness.bot, autocomplete(harness.bot, "deadline", typed)
        )
        assert body["type"] == 8
        assert len(body["data"]["choices"]) <= 25
    body = await harness.fake.interact(harness.bot, autocomplete(harness.bot, "deadline", "serv"))
    assert len(body["data"]["choices"]) == 25
    body = await harness.fake.interact(harness.bot, autocomplete(harness.bot, "deadline", "long"))
    [choice] = body["data"]["choices"]
    assert choice["value"] == "service-long" and len(choice["name"]) == 100


async def test_share_posts_a_normal_message_with_a_pin_button_and_confirms_privately(
    harness: DiscordHarness,
) -> None:
    await started(harness)
    fake, bot = harness.fake, harness.bot
    body = await fake.interact(bot, slash(bot, "optout", {"service": "chatterbox", "share": True}))
    assert body == {"type": 5, "data": {"flags": EPHEMERAL}}
    post = await fake.wait_for(
        lambda r: r.method == "POST" and r.path == f"/channels/{CHANNEL_ID}/messages"
    )
    assert post.authorization == f"Bot {bot.token}"
    assert post.body["allowed_mentions"] == {"parse": []}
    assert embeds_of(post.body) == list(
        render_reply(assistant_at(NOW).run("optout", "chatterbox"))[0].embeds
    )
    assert custom_ids(post.body) == [
        "optout:guide:optout:chatterbox",
        "optout:pin:optout:chatterbox",
    ]
    # The private "thinking…" response becomes the confirmation: an edit, not a followup.
    confirmation = await fake.private_reply()
    assert confirmation.method == "PATCH"
    assert re.fullmatch(
        rf"Shared in this channel\. https://discord\.com/channels/{GUILD_ID}/{CHANNEL_ID}/\d+",
        confirmation.body["content"],
    )


async def test_share_by_a_member_who_may_not_post_here_stays_private_and_says_why(
    harness: DiscordHarness,
) -> None:
    await started(harness)
    fake, bot = harness.fake, harness.bot
    muted = EVERY_PERMISSION & ~SEND_MESSAGES
    interaction = slash(bot, "deadline", {"share": True}, permissions=muted)
    body = await fake.interact(bot, interaction)
    assert body["type"] == 4 and body["data"]["flags"] == EPHEMERAL
    assert embeds_of(body)[0]["title"] == "AI-training deadlines and effective dates"
    note = await fake.private_reply()
    assert note.body["content"] == (
        "You don't have the **Send Messages** permission in this channel, "
        "so I won't post there for you."
    )
    assert fake.calls("POST", r"/channels/\d+/messages") == []


async def test_share_is_ignored_where_there_is_nothing_to_share_or_no_server(
    harness: DiscordHarness,
) -> None:
    await started(harness)
    fake, bot = harness.fake, harness.bot
    not_found = await fake.interact(
        bot, slash(bot, "optout", {"service": "nothing", "share": True})
    )
    in_dm = await fake.interact(
        bot, slash(bot, "optout", {"service": "chatterbox", "share": True}, guild=False)
    )
    for body in (not_found, in_dm):
        assert body["type"] == 4 and body["data"]["flags"] == EPHEMERAL
    assert embeds_of(in_dm)[0]["title"] == "Chatterbox AI"
    assert fake.calls("POST", r"/channels/\d+/messages") == []


async def test_hostile_input_is_echoed_without_pings_or_markup(harness: DiscordHarness) -> None:
    await started(harness)
    fake, bot = harness.fake, harness.bot
    typed = "@everyone <@&1234567890> <@98765> **bold** [x](https://evil.example) " + "y" * 10_000
    body = await fake.interact(bot, slash(bot, "optout", {"service": typed}))
    assert body["data"]["allowed_mentions"] == {"parse": []}
    [embed] = embeds_of(body)
    assert not PING.search(embed["description"])
    # The echo is cut at a word boundary; what is kept stays literal.
    assert "\\*\\*bold\\*\\*" in embed["description"]
    assert size(embed["description"]) < 400
    typing = await fake.interact(bot, autocomplete(bot, "optout", typed))
    assert typing == {"type": 8, "data": {"choices": []}}


async def test_a_command_discord_still_lists_but_the_bot_dropped_gets_the_cores_hint(
    harness: DiscordHarness,
) -> None:
    await started(harness)
    body = await harness.fake.interact(harness.bot, slash(harness.bot, "optuot"))
    assert body["data"]["flags"] == EPHEMERAL
    assert embeds_of(body)[0]["description"].startswith("There is no command /optuot. Try /optout")


async def test_an_answer_changes_as_soon_as_the_knowledge_base_is_reloaded(
    harness: DiscordHarness,
) -> None:
    messages = fixture_knowledge().messages
    live = LiveKnowledge(KnowledgeBase((make_service("acme", "Acme Chat"),), messages, "1"))
    assistant = Assistant(live, FixedClock(instant(NOW)))
    await started(harness, assistant)
    fake, bot = harness.fake, harness.bot
    before = await fake.interact(bot, slash(bot, "optout", {"service": "acme"}))
    live.swap(KnowledgeBase((make_service("acme", "Acme Assistant"),), messages, "2"))
    after = await fake.interact(bot, slash(bot, "optout", {"service": "acme"}))
    assert "Acme Chat" in embeds_of(before)[0]["title"]
    assert "Acme Assistant" in embeds_of(after)[0]["title"]
    assert embeds_of(after) == list(render_reply(assistant.run("optout", "acme"))[0].embeds)


async def test_a_long_answer_continues_in_private_followups(harness: DiscordHarness) -> None:
    steps = [f"Step {n}: " + "open the settings and look carefully " * 35 for n in range(15)]
    long = make_service(
        "longwinded",
        "Longwinded",
        steps=[
            {"surface": "web", "steps": steps, "sources": ["s"]},
            {"surface": "ios", "steps": steps, "sources": ["s"]},
        ],
    )
    knowledge = KnowledgeBase((long,), fixture_knowledge().messages, "long")
    await started(harness, Assistant(lambda: knowledge, FixedClock(instant(NOW))))
    fake, bot = harness.fake, harness.bot
    expected = render_reply(
        Assistant(lambda: knowledge, FixedClock(instant(NOW))).run(
            "optout", "longwinded", detail="full"
        )
    )
    assert len(expected) > 2
    body = await fake.interact(
        bot, slash(bot, "optout", {"service": "longwinded", "detail": "full"})
    )
    assert embeds_of(body) == list(expected[0].embeds)
    await fake.wait_until(
        lambda: len(fake.calls("POST", r"/webhooks/\d+/[^/]+")) == len(expected) - 1
    )
    followups = fake.calls("POST", r"/webhooks/\d+/[^/]+")
    assert [embeds_of(r.body) for r in followups] == [list(m.embeds) for m in expected[1:]]
    assert all(r.body["flags"] == EPHEMERAL for r in followups)
    # The guide itself offers no Full guide; Share and Pin post the card.
    assert custom_ids(body) == [
        "optout:post:optout:longwinded",
        "optout:pin:optout:longwinded",
    ]


class FlakyKnowledge:
    """A knowledge source whose first read once armed fails, as a bug in the core would."""

    def __init__(self) -> None:
        # Starting up reads the phrases the commands are described in: arm it afterwards.
        self.failed = True

    def __call__(self) -> KnowledgeBase:
        if not self.failed:
            self.failed = True
            raise RuntimeError("the knowledge base could not be read")
        return fixture_knowledge()


async def test_a_bug_is_logged_with_its_traceback_and_answered_with_the_apology(
    harness: DiscordHarness, caplog: pytest.LogCaptureFixture
) -> None:
    flaky = FlakyKnowledge()
    await started(harness, Assistant(flaky, FixedClock(instant(NOW))))
    flaky.failed = False
    caplog.set_level(logging.DEBUG, logger="bot")
    typed = "secret words the member typed"
    body = await harness.fake.interact(
        harness.bot, slash(harness.bot, "optout", {"service": typed})
    )
    assert body["data"]["flags"] == EPHEMERAL
    assert body["data"]["content"] == fixture_knowledge().messages.en.apology
    [record] = [r for r in caplog.records if r.name.startswith("bot.") and r.exc_info]
    assert "RuntimeError" in caplog.text
    for private in (typed, MEMBER_ID, harness.bot.token):
        assert private not in caplog.text
    assert isinstance(record.exc_info[1], discord.app_commands.CommandInvokeError)  # type: ignore[index]


async def test_autocomplete_with_nothing_typed_offers_upcoming_deadlines_first(
    harness: DiscordHarness,
) -> None:
    await started(harness)
    body = await harness.fake.interact(harness.bot, autocomplete(harness.bot, "optout", ""))
    assert body == {
        "type": 8,
        "data": {
            "choices": [
                # The next date first, named with its day; then what can be acted on.
                {"name": "Chatterbox AI · 8 Oct 2025", "value": "chatterbox"},
                {"name": "OldSocial", "value": "oldsocial"},
                {"name": "QuietNote", "value": "quietnote"},
            ]
        },
    }


async def test_full_guide_shows_the_complete_answer_only_to_whoever_clicks(
    harness: DiscordHarness,
) -> None:
    await started(harness)
    fake, bot = harness.fake, harness.bot
    card = await fake.interact(bot, slash(bot, "optout", {"service": "chatterbox"}))
    assert "optout:guide:optout:chatterbox" in custom_ids(card)
    message = sent_message(card, "1710000000000000001", ephemeral=True)
    body = await fake.interact(bot, click(bot, "optout:guide:optout:chatterbox", message))
    guide = assistant_at(NOW).run("optout", "chatterbox", detail="full")
    [expected] = render_reply(guide)
    assert body["type"] == 4 and body["data"]["flags"] == EPHEMERAL
    assert embeds_of(body) == list(expected.embeds)
    assert "Improve Chatterbox for everyone" in str(embeds_of(body))
    # The guide's own buttons share the card; it offers no second Full guide.
    assert custom_ids(body) == ["optout:post:optout:chatterbox", "optout:pin:optout:chatterbox"]
    assert fake.calls("POST", f"/channels/{CHANNEL_ID}/messages") == []


async def test_full_guide_under_a_posted_card_is_private_too(harness: DiscordHarness) -> None:
    await started(harness)
    fake, bot = harness.fake, harness.bot
    card = await fake.interact(bot, slash(bot, "optout", {"service": "chatterbox"}))
    # The same card as a message in the channel, as Share or Pin leave it.
    posted = sent_message(card, "1720000000000000042", ephemeral=False)
    body = await fake.interact(bot, click(bot, "optout:guide:optout:chatterbox", posted))
    assert body["type"] == 4 and body["data"]["flags"] == EPHEMERAL
    assert embeds_of(body)[0]["title"] == "Chatterbox AI"
    assert fake.calls("PATCH", r"/channels/\d+/messages/\d+") == []
