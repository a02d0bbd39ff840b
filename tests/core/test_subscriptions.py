"""``/deadline subscribe | unsubscribe | subscriptions`` through the front door: routing, replies
and permissions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.assistant import Assistant
from bot.core.catalogue import COMMANDS, DEADLINE_SUBACTIONS
from bot.core.clock import FixedClock
from bot.core.living.schedule import ReminderPolicy
from bot.core.ports.channels import ChannelRef
from bot.core.ports.reminders import SubscriptionStore
from bot.core.ports.store import StoreWriteError
from bot.core.reply import Reply
from bot.core.request import Request
from bot.core.richtext import Command, UserText
from bot.platforms.console.render import render_text
from bot.store.sql_store import SqlStore
from tests.support import fixture_knowledge, instant

CHANNEL = ChannelRef("fake", "T1", "C1")
CLOCK = FixedClock(instant("2026-11-20T12:00:00Z"))


@dataclass
class OpenReminders:
    """The ``ReminderAccess`` port over one store (None: living answers are down)."""

    store: SubscriptionStore | None
    reminder_offsets: tuple[int, ...] = ReminderPolicy().offsets
    refusals: int = 0
    acceptances: int = 0

    def subscription_store(self) -> SubscriptionStore | None:
        return self.store

    def refused(self, error: StoreWriteError) -> None:
        self.refusals += 1

    def accepted(self) -> None:
        self.acceptances += 1


class Member:
    """A person's answer to "may you manage this channel?", counting how often it was asked."""

    def __init__(self, manages: bool) -> None:
        self.manages = manages
        self.asked = 0

    async def __call__(self) -> bool:
        self.asked += 1
        return self.manages


MANAGER = Member(manages=True)


async def ask(
    store: SubscriptionStore | None,
    words: str,
    member: Member | None = MANAGER,
    channel: ChannelRef | None = CHANNEL,
) -> Reply:
    assistant = Assistant(fixture_knowledge, CLOCK, OpenReminders(store))
    return await assistant.handle(Request("deadline", words, channel, may_manage=member))


def text(reply: Reply) -> str:
    return render_text(reply, UTC)


def test_the_catalogue_declares_the_subactions_of_deadline() -> None:
    names = [spec.name for spec in COMMANDS["deadline"].subactions]
    assert names == ["subscribe", "unsubscribe", "subscriptions"]
    assert [spec.manages_channel for spec in DEADLINE_SUBACTIONS] == [True, True, False]


@pytest.mark.parametrize(
    ("request_", "waits"),
    [
        (Request("deadline", "subscribe chatterbox"), True),
        (Request("DEADLINE", "  SUBSCRIBE   "), True),
        (Request("deadline", "unsubscribe all"), True),
        (Request("deadline", "subscriptions"), True),
        (Request("deadline", "cbx", action="subscriptions"), True),
        (Request("deadline", "chatterbox"), False),
        (Request("deadline", ""), False),
        (Request("deadline", "cbx", action="drop"), False),
        (Request("optout", "subscribe"), False),
    ],
)
def test_subactions_are_the_first_word_or_the_chosen_action(request_: Request, waits: bool) -> None:
    assistant = Assistant(fixture_knowledge, CLOCK)
    assert (assistant.answer_now(request_) is None) is waits


@given(st.text(max_size=200))
async def test_any_words_are_answered_as_a_subaction_or_as_a_plain_deadline(words: str) -> None:
    reply = await ask(None, words)
    assert reply.command == "deadline" or reply.tone == "error"
    assert reply.title or reply.summary


async def test_subscribing_confirms_the_schedule(store: SqlStore) -> None:
    reply = await ask(store, "subscribe cbx")
    assert text(reply) == (
        "This channel will get reminders for Chatterbox AI 14, 3 and 1 days before each deadline "
        "and on its day, and a note when a date is added or moved."
    )
    assert await store.subscriptions(CHANNEL) == ["chatterbox"]
    again = await ask(store, "subscribe chatterbox")
    assert text(again) == "This channel is already subscribed to Chatterbox AI."


async def test_subscribing_to_everything_is_the_default(store: SqlStore) -> None:
    reply = await ask(store, "SUBSCRIBE")
    assert "reminders for every service" in text(reply)
    assert await store.subscriptions(CHANNEL) == ["all"]


async def test_a_service_without_upcoming_dates_says_new_ones_will_be_announced(
    store: SqlStore,
) -> None:
    reply = await ask(store, "subscribe quietnote")
    assert text(reply).endswith(
        "No dates are coming up right now; new ones will be announced here."
    )


async def test_only_channel_managers_change_subscriptions(store: SqlStore) -> None:
    member = Member(manages=False)
    for action in ("subscribe", "unsubscribe"):
        reply = await ask(store, f"{action} chatterbox", member)
        assert reply.tone == "error"
        assert text(reply).startswith("Only people who can manage this channel")
    assert await store.subscriptions(CHANNEL) == []
    assert member.asked == 2
    listing = await ask(store, "subscriptions", member)
    assert listing.tone == "info"
    assert member.asked == 2  # reading the list needs no permission: nobody is asked
    assert (await ask(store, "subscribe", None)).tone == "error"  # no way to ask: not allowed


async def test_the_list_shows_how_to_stop_each_subscription(store: SqlStore) -> None:
    empty = await ask(store, "subscriptions")
    assert text(empty).startswith("This channel gets no deadline reminders.")
    await ask(store, "subscribe chatterbox")
    await ask(store, "subscribe all")
    listing = await ask(store, "subscriptions")
    assert text(listing).splitlines() == [
        "Deadline reminders in this channel",
        "==================================",
        "Reminders come 14, 3 and 1 days before each deadline and on its day, for:",
        "",
        "- every service — /deadline unsubscribe all",
        "- Chatterbox AI — /deadline unsubscribe chatterbox",
    ]
    assert Command("deadline", "unsubscribe chatterbox") in listing.sections[0].items[1]


async def test_unsubscribing(store: SqlStore) -> None:
    await ask(store, "subscribe chatterbox")
    not_there = await ask(store, "unsubscribe quietnote")
    assert text(not_there) == "This channel is not subscribed to QuietNote."
    done = await ask(store, "unsubscribe chatterbox")
    assert text(done) == "This channel no longer gets reminders for Chatterbox AI."
    await ask(store, "subscribe all")
    covered = await ask(store, "unsubscribe chatterbox")
    assert "every service; /deadline unsubscribe all stops them" in text(covered)
    await ask(store, "subscribe quietnote")
    everything = await ask(store, "unsubscribe all")
    assert text(everything) == "This channel no longer gets reminders for every service."
    assert await store.subscriptions(CHANNEL) == []


async def test_an_unknown_service_is_quoted_safely_with_suggestions(store: SqlStore) -> None:
    reply = await ask(store, "subscribe chaterbox")
    assert reply.tone == "error"
    assert UserText("chaterbox") in reply.summary
    assert "chatterbox — Chatterbox AI" in text(reply)
    assert await store.subscriptions(CHANNEL) == []


async def test_without_a_database_subscriptions_are_unavailable_and_nobody_is_asked() -> None:
    member = Member(manages=True)
    reply = await ask(None, "subscribe all", member)
    assert reply.tone == "error"
    assert "without its database" in text(reply)
    assert member.asked == 0


async def test_a_store_that_fails_mid_request_answers_that_reminders_are_unavailable() -> None:
    class BrokenStore:
        async def subscribe(self, *args: object) -> bool:
            raise ConnectionError("database went away")

        async def unsubscribe(self, *args: object) -> int:
            raise ConnectionError("database went away")

        async def subscriptions(self, *args: object) -> list[str]:
            raise ConnectionError("database went away")

    reply = await ask(BrokenStore(), "subscriptions")
    assert reply.tone == "error" and "without its database" in text(reply)


async def test_a_store_that_refuses_writes_pauses_reminders_and_says_so(store: SqlStore) -> None:
    class FullDisk:
        async def subscribe(self, *args: object) -> bool:
            raise StoreWriteError("the disk is full")

    reminders = OpenReminders(FullDisk())  # type: ignore[arg-type]
    assistant = Assistant(fixture_knowledge, CLOCK, reminders)
    reply = await assistant.handle(Request("deadline", "subscribe", CHANNEL, may_manage=MANAGER))
    assert reply.tone == "error" and text(reply).startswith("Reminders are paused")
    assert (reminders.refusals, reminders.acceptances) == (1, 0)
    working = OpenReminders(store)
    assistant = Assistant(fixture_knowledge, CLOCK, working)
    await assistant.handle(Request("deadline", "subscribe", CHANNEL, may_manage=MANAGER))
    await assistant.handle(Request("deadline", "subscriptions", CHANNEL, may_manage=MANAGER))
    assert working.acceptances == 1  # a change went through; reading proves nothing


async def test_without_a_channel_the_reply_says_where_reminders_are_set(store: SqlStore) -> None:
    reply = await ask(store, "subscribe claude", channel=None)
    assert text(reply) == (
        "Reminders are posted in a chat channel: run this in the channel that should get them. "
        "Here, /deadline lists every date."
    )
    assert await store.subscriptions(CHANNEL) == []


def test_help_lists_each_subaction_as_a_command() -> None:
    help_reply = Assistant(fixture_knowledge, CLOCK).run("help", None)
    help_text = text(help_reply)
    for spec in DEADLINE_SUBACTIONS:
        assert f"- {spec.usage} — {spec.description}." in help_text
    usages = {span.argument for item in help_reply.sections[0].items for span in item[:1]}
    assert {"subscribe [service|all]", "subscriptions"} <= usages
