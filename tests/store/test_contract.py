"""The store contract: the same behaviour on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.core.ports.answers import AnswerPrint, NewAnswer
from bot.core.ports.channels import ChannelRef, MessageRef
from bot.core.ports.reminders import ALL_SERVICES, KnownDeadline, Occurrence
from bot.store.sql_store import SqlStore

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)
GENERAL = ChannelRef("fake", "T1", "C1")
RANDOM = ChannelRef("fake", "T1", "C2")
ELSEWHERE = ChannelRef("other", "G9", "C1")
OLD = AnswerPrint("a" * 16, (("11111111", "22222222"),))
NEW = AnswerPrint("b" * 16, (("11111111", "33333333"),))


def answer(channel: ChannelRef, message_id: str, content: AnswerPrint = OLD, **extra: object):
    values: dict[str, object] = {
        "command": "optout",
        "service_id": "chatterbox",
        "change_mark": date(2025, 9, 27),
    }
    values.update(extra)
    return NewAnswer(MessageRef(channel, (message_id,)), content=content, **values)  # type: ignore[arg-type]


def occurrence(kind: str = "remind-3d", service: str = "chatterbox") -> Occurrence:
    return Occurrence(
        service, "launch", "2026-12-10T17:00:00-08:00", kind, NOW - timedelta(hours=1)
    )


async def test_answers_showing_the_same_content_are_grouped(store: SqlStore) -> None:
    await store.track(answer(GENERAL, "1"), NOW)
    await store.track(answer(RANDOM, "2", change_mark=date(2025, 8, 28)), NOW)
    await store.track(answer(GENERAL, "3", service_id=None, command="deadline"), NOW)
    groups = sorted(await store.groups(), key=lambda group: group.command)
    assert [(g.platform, g.command, g.service_id, g.count) for g in groups] == [
        ("fake", "deadline", None, 1),
        ("fake", "optout", "chatterbox", 2),
    ]
    assert groups[1].content == OLD
    assert groups[1].change_mark == date(2025, 8, 28)


async def test_a_message_without_a_change_mark_makes_the_group_unmarked(store: SqlStore) -> None:
    await store.track(answer(GENERAL, "1"), NOW)
    await store.track(answer(RANDOM, "2", change_mark=None), NOW)
    (group,) = await store.groups()
    assert group.change_mark is None


async def test_posting_the_same_message_again_replaces_its_record(store: SqlStore) -> None:
    await store.track(answer(GENERAL, "1"), NOW)
    await store.track(answer(GENERAL, "1", content=NEW), NOW)
    (group,) = await store.groups()
    assert (group.count, group.content) == (1, NEW)


async def test_every_message_of_an_answer_comes_back_in_order_however_many(
    store: SqlStore,
) -> None:
    # Forty Slack timestamps: far more than any one column of message ids could have held.
    stamps = tuple(f"17000000{n:02d}.0000{n:02d}" for n in range(40))
    tracked = NewAnswer(MessageRef(GENERAL, stamps), "optout", "chatterbox", OLD, None)
    await store.track(tracked, NOW)
    await store.mark_stale("fake", "optout", "chatterbox", NEW, NOW)
    (job,) = await store.claim_edits("fake", 10, "worker-1", NOW, LEASE)
    assert job.message == MessageRef(GENERAL, stamps)


async def test_only_messages_with_other_content_are_queued_for_an_edit(store: SqlStore) -> None:
    await store.track(answer(GENERAL, "1"), NOW)
    await store.track(answer(RANDOM, "2", content=NEW), NOW)
    await store.track(answer(GENERAL, "3", service_id="quietnote"), NOW)
    assert await store.mark_stale("fake", "optout", "chatterbox", NEW, NOW) == 1
    assert await store.mark_stale("fake", "optout", "chatterbox", NEW, NOW) == 0
    assert await store.pending_edits() == 1
    (job,) = await store.claim_edits("fake", 10, "worker-1", NOW, LEASE)
    assert job.message == MessageRef(GENERAL, ("1",))
    assert (job.command, job.service_id, job.desired) == ("optout", "chatterbox", NEW.digest)
    assert job.change_mark == date(2025, 9, 27)


async def test_reverting_the_content_settles_a_queued_edit(store: SqlStore) -> None:
    await store.track(answer(GENERAL, "1"), NOW)
    await store.mark_stale("fake", "optout", "chatterbox", NEW, NOW)
    await store.mark_stale("fake", "optout", "chatterbox", OLD, NOW)
    assert await store.pending_edits() == 0


async def test_a_claimed_edit_is_not_claimed_again_until_its_lease_runs_out(
    store: SqlStore,
) -> None:
    await store.track(answer(GENERAL, "1"), NOW)
    await store.mark_stale("fake", "optout", "chatterbox", NEW, NOW)
    assert len(await store.claim_edits("fake", 10, "worker-1", NOW, LEASE)) == 1
    assert await store.claim_edits("fake", 10, "worker-2", NOW + timedelta(minutes=1), LEASE) == []
    later = NOW + LEASE + timedelta(seconds=1)
    assert len(await store.claim_edits("fake", 10, "worker-2", later, LEASE)) == 1


async def test_edits_are_claimed_per_platform_and_in_batches(store: SqlStore) -> None:
    for number in range(5):
        await store.track(answer(GENERAL, f"g{number}"), NOW)
    await store.track(answer(ELSEWHERE, "x"), NOW)
    await store.mark_stale("fake", "optout", "chatterbox", NEW, NOW)
    assert await store.pending_edits("other") == 0
    await store.mark_stale("other", "optout", "chatterbox", NEW, NOW)
    first = await store.claim_edits("fake", 3, "worker-1", NOW, LEASE)
    second = await store.claim_edits("fake", 3, "worker-2", NOW, LEASE)
    assert (len(first), len(second)) == (3, 2)
    assert {job.id for job in first}.isdisjoint(job.id for job in second)
    assert await store.pending_edits("other") == 1


async def test_an_edit_done_settles_the_queue_unless_it_was_queued_again(store: SqlStore) -> None:
    await store.track(answer(GENERAL, "1"), NOW)
    await store.track(answer(RANDOM, "2"), NOW)
    await store.mark_stale("fake", "optout", "chatterbox", NEW, NOW)
    first, second = await store.claim_edits("fake", 10, "worker-1", NOW, LEASE)
    await store.edited(first, NEW, date(2026, 1, 1), NOW)
    newer = AnswerPrint("c" * 16, ())
    await store.mark_stale("fake", "optout", "chatterbox", newer, NOW)
    await store.edited(second, NEW, date(2026, 1, 1), NOW)
    assert await store.pending_edits() == 2
    jobs = await store.claim_edits("fake", 10, "worker-1", NOW + LEASE * 2, LEASE)
    assert {job.desired for job in jobs} == {newer.digest}
    assert {job.change_mark for job in jobs} == {date(2026, 1, 1)}


async def test_a_postponed_edit_waits(store: SqlStore) -> None:
    await store.track(answer(GENERAL, "1"), NOW)
    await store.mark_stale("fake", "optout", "chatterbox", NEW, NOW)
    (job,) = await store.claim_edits("fake", 10, "worker-1", NOW, LEASE)
    until = NOW + timedelta(seconds=30)
    await store.postpone_edits([job.id], until)
    assert await store.claim_edits("fake", 10, "worker-1", NOW, LEASE) == []
    assert len(await store.claim_edits("fake", 10, "worker-1", until, LEASE)) == 1


async def test_a_forgotten_message_leaves_the_store(store: SqlStore) -> None:
    await store.track(answer(GENERAL, "1"), NOW)
    await store.mark_stale("fake", "optout", "chatterbox", NEW, NOW)
    (job,) = await store.claim_edits("fake", 10, "worker-1", NOW, LEASE)
    await store.forget(job.id)
    assert await store.groups() == []
    assert await store.pending_edits() == 0


async def test_subscriptions_are_per_channel_and_service(store: SqlStore) -> None:
    assert await store.subscribe(GENERAL, "chatterbox", NOW)
    assert not await store.subscribe(GENERAL, "chatterbox", NOW)
    assert await store.subscribe(GENERAL, ALL_SERVICES, NOW)
    assert await store.subscribe(RANDOM, "quietnote", NOW)
    assert await store.subscriptions(GENERAL) == [ALL_SERVICES, "chatterbox"]
    assert await store.unsubscribe(GENERAL, "chatterbox") == 1
    assert await store.subscriptions(GENERAL) == [ALL_SERVICES]
    assert await store.unsubscribe(GENERAL, None) == 1
    assert await store.subscriptions(GENERAL) == []
    assert await store.subscriptions(RANDOM) == ["quietnote"]


async def test_known_deadlines_keep_the_latest_date(store: SqlStore) -> None:
    first = KnownDeadline("chatterbox", "launch", "2026-12-10", NOW)
    await store.record_deadlines([first])
    moved = KnownDeadline("chatterbox", "launch", "2026-12-17", NOW + timedelta(days=1))
    await store.record_deadlines([moved, KnownDeadline("oldsocial", "eu", "2025-05-26", NOW)])
    known = sorted(await store.known_deadlines(), key=lambda entry: entry.service_id)
    assert known == [moved, KnownDeadline("oldsocial", "eu", "2025-05-26", NOW)]


async def test_an_occurrence_is_fanned_out_once_to_each_subscribed_channel(
    store: SqlStore,
) -> None:
    await store.subscribe(GENERAL, ALL_SERVICES, NOW)
    await store.subscribe(GENERAL, "chatterbox", NOW)
    await store.subscribe(RANDOM, "chatterbox", NOW)
    await store.subscribe(ELSEWHERE, "quietnote", NOW)
    reminder = occurrence()
    assert await store.fanned_out([reminder]) == set()
    assert await store.fan_out([reminder], NOW) == 2
    assert await store.fanned_out([reminder, occurrence("remind-1d")]) == {reminder}
    assert await store.fan_out([reminder], NOW) == 0
    await store.subscribe(ELSEWHERE, "chatterbox", NOW)
    assert await store.fan_out([reminder], NOW + timedelta(minutes=1)) == 0
    assert await store.reminder_backlog() == 2
    assert await store.reminder_backlog("other") == 0


async def test_reminders_are_claimed_once_and_in_doubt_after_a_lost_lease(
    store: SqlStore,
) -> None:
    await store.subscribe(GENERAL, "chatterbox", NOW)
    await store.subscribe(RANDOM, "chatterbox", NOW)
    await store.fan_out([occurrence()], NOW)
    first = await store.claim_reminders("fake", 1, "worker-1", NOW, LEASE)
    second = await store.claim_reminders("fake", 5, "worker-2", NOW, LEASE)
    assert len(first) == len(second) == 1
    assert first[0].channel != second[0].channel
    assert not first[0].in_doubt and first[0].attempts == 1
    assert await store.claim_reminders("fake", 5, "worker-3", NOW, LEASE) == []
    await store.reminder_posted(second[0].id, late=False, now=NOW)
    (again,) = await store.claim_reminders("fake", 5, "worker-3", NOW + LEASE * 2, LEASE)
    assert again.id == first[0].id
    assert again.in_doubt and again.attempts == 2
    assert again.key == first[0].key
    await store.reminder_skipped(again.id, "passed", NOW)
    assert await store.reminder_backlog() == 0


async def test_a_postponed_reminder_waits_and_keeps_its_doubt(store: SqlStore) -> None:
    await store.subscribe(GENERAL, "chatterbox", NOW)
    await store.fan_out([occurrence()], NOW)
    await store.claim_reminders("fake", 5, "worker-1", NOW, LEASE)
    (doubtful,) = await store.claim_reminders("fake", 5, "worker-2", NOW + LEASE * 2, LEASE)
    until = NOW + LEASE * 2 + timedelta(seconds=10)
    await store.postpone_reminders([doubtful.id], until)
    assert await store.claim_reminders("fake", 5, "worker-2", NOW + LEASE * 2, LEASE) == []
    (job,) = await store.claim_reminders("fake", 5, "worker-2", until, LEASE)
    assert job.in_doubt and job.attempts == 2


async def test_unsubscribing_drops_queued_reminders(store: SqlStore) -> None:
    await store.subscribe(GENERAL, "chatterbox", NOW)
    await store.subscribe(RANDOM, "chatterbox", NOW)
    await store.fan_out([occurrence()], NOW)
    await store.unsubscribe(GENERAL, "chatterbox")
    (job,) = await store.claim_reminders("fake", 5, "worker-1", NOW, LEASE)
    assert job.channel == RANDOM


async def test_instants_come_back_in_utc(store: SqlStore) -> None:
    await store.subscribe(GENERAL, "chatterbox", NOW)
    fire = datetime(2026, 12, 7, 9, 0, tzinfo=UTC) + timedelta(hours=8)
    reminder = Occurrence("chatterbox", "launch", "k", "remind-3d", fire)
    await store.fan_out([reminder], NOW)
    (job,) = await store.claim_reminders("fake", 5, "worker-1", NOW, LEASE)
    assert job.occurrence == reminder
    assert job.occurrence.fire_at.utcoffset() == timedelta(0)


async def test_values_are_stored_by_key(store: SqlStore) -> None:
    assert await store.get_value("discord.commands") is None
    await store.put_value("discord.commands", "abc", NOW)
    await store.put_value("discord.commands", "def", NOW)
    assert await store.get_value("discord.commands") == "def"


async def test_purge_forgets_what_is_finished_and_old(store: SqlStore) -> None:
    await store.subscribe(GENERAL, "chatterbox", NOW)
    await store.fan_out([occurrence()], NOW)
    (job,) = await store.claim_reminders("fake", 5, "worker-1", NOW, LEASE)
    await store.reminder_posted(job.id, late=True, now=NOW)
    await store.track(answer(GENERAL, "1"), NOW)
    await store.track(answer(RANDOM, "2"), NOW)
    await store.mark_stale("fake", "optout", "chatterbox", NEW, NOW)
    await store.track(answer(RANDOM, "2"), NOW)
    assert await store.purge(NOW) == 0
    assert await store.purge(NOW + timedelta(days=1)) == 3
    assert await store.pending_edits() == 1
    await store.ping()


@pytest.mark.parametrize("bad", [datetime(2026, 1, 1)])
async def test_naive_instants_are_refused(store: SqlStore, bad: datetime) -> None:
    with pytest.raises(Exception, match="timezone-aware"):
        await store.subscribe(GENERAL, "chatterbox", bad)
