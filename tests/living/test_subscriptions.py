"""``/deadline subscribe | unsubscribe | subscriptions``: replies and permissions."""

from __future__ import annotations

from datetime import UTC

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.assistant import Assistant
from bot.core.catalogue import COMMANDS, DEADLINE_SUBACTIONS, DEFAULT_NAMES, CommandNames
from bot.core.clock import FixedClock
from bot.core.living.schedule import ReminderPolicy
from bot.core.living.subscriptions import SubscriptionDesk, needs_permission, parse_subaction
from bot.core.ports import ChannelRef
from bot.core.reply import Reply
from bot.core.richtext import UserText
from bot.platforms.console.render import render_text
from bot.store.sql_store import SqlStore
from tests.support import fixture_knowledge, instant

CHANNEL = ChannelRef("fake", "T1", "C1")


def desk(store: SqlStore | None, names: CommandNames = DEFAULT_NAMES) -> SubscriptionDesk:
    clock = FixedClock(instant("2026-11-20T12:00:00Z"))
    return SubscriptionDesk(
        store, Assistant(fixture_knowledge, clock, names), clock, ReminderPolicy()
    )


def text(reply: Reply) -> str:
    return render_text(reply, UTC)


def test_the_catalogue_declares_the_subactions_of_deadline() -> None:
    names = [spec.name for spec in COMMANDS["deadline"].subactions]
    assert names == ["subscribe", "unsubscribe", "subscriptions"]
    assert [spec.manages_channel for spec in DEADLINE_SUBACTIONS] == [True, True, False]


@pytest.mark.parametrize(
    ("argument", "expected"),
    [
        ("subscribe chatterbox", ("subscribe", "chatterbox")),
        ("  SUBSCRIBE   ", ("subscribe", "")),
        ("unsubscribe all", ("unsubscribe", "all")),
        ("subscriptions", ("subscriptions", "")),
        ("chatterbox", None),
        ("", None),
        (None, None),
    ],
)
def test_subactions_are_the_first_word(argument: str | None, expected: object) -> None:
    assert parse_subaction(argument) == expected


@given(st.text(max_size=200))
def test_any_words_either_are_a_subaction_or_not(argument: str) -> None:
    parsed = parse_subaction(argument)
    assert parsed is None or parsed[0] in {"subscribe", "unsubscribe", "subscriptions"}


async def test_subscribing_confirms_the_schedule(store: SqlStore) -> None:
    reply = await desk(store).handle(CHANNEL, "subscribe", "cbx", may_manage=True)
    assert text(reply) == (
        "This channel will get reminders for Chatterbox AI 14, 3 and 1 days before each deadline "
        "and on its day, and a note when a date is added or moved."
    )
    assert await store.subscriptions(CHANNEL) == ["chatterbox"]
    again = await desk(store).handle(CHANNEL, "subscribe", "chatterbox", may_manage=True)
    assert text(again) == "This channel is already subscribed to Chatterbox AI."


async def test_subscribing_to_everything_is_the_default(store: SqlStore) -> None:
    reply = await desk(store).handle(CHANNEL, "subscribe", "", may_manage=True)
    assert "reminders for every service" in text(reply)
    assert await store.subscriptions(CHANNEL) == ["all"]


async def test_a_service_without_upcoming_dates_says_new_ones_will_be_announced(
    store: SqlStore,
) -> None:
    reply = await desk(store).handle(CHANNEL, "subscribe", "quietnote", may_manage=True)
    assert text(reply).endswith(
        "No dates are coming up right now; new ones will be announced here."
    )


async def test_only_channel_managers_change_subscriptions(store: SqlStore) -> None:
    for action in ("subscribe", "unsubscribe"):
        reply = await desk(store).handle(CHANNEL, action, "chatterbox", may_manage=False)
        assert reply.tone == "error"
        assert text(reply).startswith("Only people who can manage this channel")
    assert await store.subscriptions(CHANNEL) == []
    listing = await desk(store).handle(CHANNEL, "subscriptions", "", may_manage=False)
    assert listing.tone == "info"
    assert needs_permission("subscribe") and not needs_permission("subscriptions")


async def test_the_list_shows_how_to_stop_each_subscription(store: SqlStore) -> None:
    empty = await desk(store).handle(CHANNEL, "subscriptions", "", may_manage=False)
    assert text(empty).startswith("This channel gets no deadline reminders.")
    await desk(store).handle(CHANNEL, "subscribe", "chatterbox", may_manage=True)
    await desk(store).handle(CHANNEL, "subscribe", "all", may_manage=True)
    listing = text(await desk(store).handle(CHANNEL, "subscriptions", "", may_manage=False))
    assert listing.splitlines() == [
        "Deadline reminders in this channel",
        "==================================",
        "Reminders come 14, 3 and 1 days before each deadline and on its day, for:",
        "",
        "- every service — /deadline unsubscribe all",
        "- Chatterbox AI — /deadline unsubscribe chatterbox",
    ]


async def test_unsubscribing(store: SqlStore) -> None:
    handle = desk(store).handle
    await handle(CHANNEL, "subscribe", "chatterbox", may_manage=True)
    not_there = await handle(CHANNEL, "unsubscribe", "quietnote", may_manage=True)
    assert text(not_there) == "This channel is not subscribed to QuietNote."
    done = await handle(CHANNEL, "unsubscribe", "chatterbox", may_manage=True)
    assert text(done) == "This channel no longer gets reminders for Chatterbox AI."
    await handle(CHANNEL, "subscribe", "all", may_manage=True)
    covered = await handle(CHANNEL, "unsubscribe", "chatterbox", may_manage=True)
    assert "every service; /deadline unsubscribe all stops them" in text(covered)
    await handle(CHANNEL, "subscribe", "quietnote", may_manage=True)
    everything = await handle(CHANNEL, "unsubscribe", "all", may_manage=True)
    assert text(everything) == "This channel no longer gets reminders for every service."
    assert await store.subscriptions(CHANNEL) == []


async def test_an_unknown_service_is_quoted_safely_with_suggestions(store: SqlStore) -> None:
    reply = await desk(store).handle(CHANNEL, "subscribe", "chaterbox", may_manage=True)
    assert reply.tone == "error"
    assert UserText("chaterbox") in reply.summary
    assert "chatterbox — Chatterbox AI" in text(reply)
    assert await store.subscriptions(CHANNEL) == []


async def test_without_a_database_subscriptions_are_unavailable() -> None:
    reply = await desk(None).handle(CHANNEL, "subscribe", "all", may_manage=True)
    assert reply.tone == "error"
    assert "without its database" in text(reply)


async def test_replies_spell_the_command_as_the_platform_types_it(store: SqlStore) -> None:
    renamed = desk(store, CommandNames.of({"deadline": "/ai-deadline"}))
    await renamed.handle(CHANNEL, "subscribe", "chatterbox", may_manage=True)
    listing = text(await renamed.handle(CHANNEL, "subscriptions", "", may_manage=False))
    assert "- Chatterbox AI — /ai-deadline unsubscribe chatterbox" in listing
    refused = text(await renamed.handle(CHANNEL, "subscribe", "all", may_manage=False))
    assert "see the current ones with /ai-deadline subscriptions" in refused


def test_help_lists_each_subaction_as_the_platform_types_it() -> None:
    clock = FixedClock(instant("2026-11-20T12:00:00Z"))
    renamed = CommandNames.of({"deadline": "/ai-deadline"})
    help_text = text(Assistant(fixture_knowledge, clock, renamed).run("help", None))
    for spec in DEADLINE_SUBACTIONS:
        usage = spec.usage.replace("/deadline", "/ai-deadline")
        assert f"- {usage} — {spec.description}." in help_text
