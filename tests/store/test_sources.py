"""The source-check part of the store contract, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.ports.sources import SourceObservation
from bot.store.sql_store import SqlStore

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
HOLD = timedelta(hours=1)


def seen(status: str = "changed", **extra: object) -> SourceObservation:
    values: dict[str, object] = {
        "service_id": "chatterbox",
        "source_id": "help-centre",
        "url": "https://help.chatterbox.example.com/articles/42",
        "status": status,
        "labels_missing": ("Data & privacy",),
        "changed_at": NOW,
        "checked_at": NOW,
        "excerpt": ("- 30 days", "+ 90 days"),
    }
    values.update(extra)
    return SourceObservation(**values)  # type: ignore[arg-type]


async def test_the_turn_goes_to_one_caller_until_it_is_due_again(store: SqlStore) -> None:
    assert await store.claim_source_check("bot-1", NOW, HOLD)
    assert not await store.claim_source_check("bot-2", NOW, HOLD)
    assert not await store.claim_source_check("bot-2", NOW + HOLD / 2, HOLD)
    # bot-1 died mid-check: once the hold ran out another process takes over.
    assert await store.claim_source_check("bot-2", NOW + HOLD, HOLD)


async def test_a_finished_check_sets_when_the_next_is_due(store: SqlStore) -> None:
    assert await store.claim_source_check("bot-1", NOW, HOLD)
    await store.source_check_done("bot-1", NOW + timedelta(hours=6), NOW)
    assert not await store.claim_source_check("bot-2", NOW + HOLD, HOLD)
    assert await store.claim_source_check("bot-2", NOW + timedelta(hours=6), HOLD)


async def test_only_the_owner_of_the_turn_says_when_the_next_is_due(store: SqlStore) -> None:
    assert await store.claim_source_check("bot-1", NOW, HOLD)
    await store.source_check_done("bot-2", NOW + timedelta(days=30), NOW)
    assert await store.claim_source_check("bot-3", NOW + HOLD, HOLD)


async def test_observations_are_kept_one_per_source_as_recorded(store: SqlStore) -> None:
    await store.record_observations([seen(), seen("unchanged", source_id="announcement")])
    later = seen("gone", labels_missing=(), changed_at=NOW, checked_at=NOW + HOLD, excerpt=())
    await store.record_observations([later])
    assert await store.source_observations() == [
        seen("unchanged", source_id="announcement"),
        later,
    ]


async def test_a_page_that_matches_has_no_change_date(store: SqlStore) -> None:
    await store.record_observations([seen("unchanged", labels_missing=(), changed_at=None)])
    [stored] = await store.source_observations()
    assert stored.changed_at is None


async def test_first_observation_baselines_are_kept_per_service(store: SqlStore) -> None:
    await store.save_source_baseline("chatterbox", '{"first": 1}', NOW)
    await store.save_source_baseline("quietnote", '{"q": 1}', NOW)
    await store.save_source_baseline("chatterbox", '{"second": 2}', NOW + HOLD)
    assert await store.source_baselines() == {
        "chatterbox": '{"second": 2}',
        "quietnote": '{"q": 1}',
    }
