"""The checklist part of the store contract, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.ports.channels import ChannelRef, MessageRef
from bot.core.ports.checklists import ChecklistMark
from bot.store.sql_store import SqlStore
from tests.support.processes import run_together
from tests.support.stores import migrated_store

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)
GENERAL = ChannelRef("fake", "T1", "C1")
RANDOM = ChannelRef("fake", "T1", "C2")
TOOLS = ("slack", "zoom", "figma", "notion")


async def posted(store: SqlStore, channel: ChannelRef = GENERAL, first: str = "100") -> None:
    await store.open_checklist(MessageRef(channel, (first, "101")), TOOLS, NOW)


def mark(user: str = "U1", facts: str = "action=1,plans=2,limits=3,dates=4") -> ChecklistMark:
    return ChecklistMark(user, facts)


async def test_a_posted_checklist_is_read_back_with_every_item_open(store: SqlStore) -> None:
    await posted(store)
    checklist = await store.checklist(GENERAL, "100")
    assert checklist is not None
    assert checklist.message.message_ids == ("100", "101")
    assert [entry.service_id for entry in checklist.entries] == list(TOOLS)
    assert not any(entry.done for entry in checklist.entries)
    assert await store.checklist(RANDOM, "100") is None
    assert await store.open_items(GENERAL) == set(TOOLS)


async def test_marking_keeps_who_and_when_until_it_is_undone(store: SqlStore) -> None:
    await posted(store)
    assert await store.mark_item(GENERAL, "100", "zoom", mark("U7"), NOW)
    assert not await store.mark_item(GENERAL, "100", "zoom", mark("U8"), NOW)
    checklist = await store.checklist(GENERAL, "100")
    assert checklist is not None
    zoom = checklist.entries[1]
    assert (zoom.done, zoom.marked_by, zoom.marked_at) == (True, "U7", NOW)
    assert checklist.generation == 1
    assert await store.open_items(GENERAL) == {"slack", "figma", "notion"}
    assert await store.mark_item(GENERAL, "100", "zoom", None, NOW)
    undone = await store.checklist(GENERAL, "100")
    assert undone is not None
    assert (undone.entries[1].done, undone.entries[1].marked_by) == (False, None)


async def test_an_item_of_another_checklist_or_none_at_all_is_not_marked(store: SqlStore) -> None:
    await posted(store)
    assert not await store.mark_item(RANDOM, "100", "zoom", mark(), NOW)
    assert not await store.mark_item(GENERAL, "100", "linkedin", mark(), NOW)
    assert await store.done_items() == []


async def test_a_done_item_reopens_only_against_the_facts_it_was_marked_with(
    store: SqlStore,
) -> None:
    await posted(store)
    await store.mark_item(GENERAL, "100", "slack", mark(facts="old"), NOW)
    [done] = await store.done_items()
    await store.mark_item(GENERAL, "100", "slack", None, NOW)
    await store.mark_item(GENERAL, "100", "slack", mark(facts="new"), NOW)
    assert not await store.reopen_item(done, ["plans"], NOW)
    [fresh] = await store.done_items()
    assert await store.reopen_item(fresh, ["plans", "dates"], NOW)
    checklist = await store.checklist(GENERAL, "100")
    assert checklist is not None
    slack = checklist.entries[0]
    assert (slack.done, slack.marked_by, slack.reopened) == (False, None, ("plans", "dates"))


async def test_a_changed_card_is_claimed_once_until_it_is_shown(store: SqlStore) -> None:
    await posted(store)
    assert await store.claim_checklist_edits("fake", 10, "a", NOW, LEASE) == []
    await store.mark_item(GENERAL, "100", "slack", mark(), NOW)
    [job] = await store.claim_checklist_edits("fake", 10, "a", NOW, LEASE)
    assert job.message.message_ids == ("100", "101") and job.generation == 1
    assert await store.claim_checklist_edits("fake", 10, "b", NOW, LEASE) == []
    assert await store.claim_checklist_edits("other", 10, "b", NOW + LEASE * 2, LEASE) == []
    await store.checklist_shown(job.id, job.generation)
    assert await store.claim_checklist_edits("fake", 10, "a", NOW, LEASE) == []


async def test_a_change_while_a_card_is_edited_leaves_it_queued(store: SqlStore) -> None:
    await posted(store)
    await store.mark_item(GENERAL, "100", "slack", mark(), NOW)
    [job] = await store.claim_checklist_edits("fake", 10, "a", NOW, LEASE)
    await store.mark_item(GENERAL, "100", "zoom", mark(), NOW)
    await store.checklist_shown(job.id, job.generation)
    [again] = await store.claim_checklist_edits("fake", 10, "a", NOW, LEASE)
    assert again.generation == 2


async def test_postponed_and_forgotten_checklists(store: SqlStore) -> None:
    await posted(store)
    await store.mark_item(GENERAL, "100", "slack", mark(), NOW)
    [job] = await store.claim_checklist_edits("fake", 10, "a", NOW, LEASE)
    await store.postpone_checklist_edits([job.id], NOW + timedelta(minutes=5))
    assert await store.claim_checklist_edits("fake", 10, "a", NOW, LEASE) == []
    later = NOW + timedelta(minutes=6)
    assert len(await store.claim_checklist_edits("fake", 10, "a", later, LEASE)) == 1
    await store.forget_checklist(job.id)
    assert await store.checklist(GENERAL, "100") is None
    assert await store.done_items() == []


async def test_untouched_checklists_are_purged_with_their_items(store: SqlStore) -> None:
    await posted(store)
    await store.mark_item(GENERAL, "100", "slack", mark(), NOW)
    await store.purge(NOW + timedelta(days=1))
    assert await store.checklist(GENERAL, "100") is None
    assert await store.done_items() == []


async def test_replicas_marking_every_item_at_once_lose_no_mark(empty_database: str) -> None:
    store = await migrated_store(empty_database)
    try:
        await posted(store)
        users = ("U1", "U2", "U3")
        where = (GENERAL.platform, GENERAL.workspace, GENERAL.channel, "100")
        outputs = await run_together(
            "tests.support.replica_process",
            *(["mark-items", empty_database, *where, user, *TOOLS] for user in users),
        )
        checklist = await store.checklist(GENERAL, "100")
        assert checklist is not None
        assert all(entry.done and entry.marked_by in users for entry in checklist.entries)
        # Each item changed exactly once, and the card counted every change.
        changed = [int(output) for output in outputs]
        assert sum(changed) == len(TOOLS) and checklist.generation == len(TOOLS)
    finally:
        await store.close()
