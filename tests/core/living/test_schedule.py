"""The reminder schedule: when reminders fire, which are due, and what they say. No database."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.knowledge import Deadline
from bot.core.living.schedule import (
    ReminderPolicy,
    deadline_changes,
    due_key,
    due_reminders,
    fire_at,
    reminder_reply,
    verdict,
)
from bot.core.ports.reminders import KnownDeadline, Occurrence
from bot.platforms.console.render import render_text
from tests.support import assistant_at, fixture_knowledge, instant
from tests.support.editions import add_deadline, edition, move_deadline

POLICY = ReminderPolicy()
PHRASES = assistant_at("2026-11-20T12:00:00Z").phrases().living
KNOWN_SINCE = instant("2026-11-01T00:00:00Z")


def launch() -> Deadline:
    service = fixture_knowledge().service("chatterbox")
    assert service is not None
    return next(deadline for deadline in service.deadlines if deadline.id == "launch")


def at_time(clock: str) -> Deadline:
    return dataclasses.replace(launch(), time=clock)


def known(since: datetime = KNOWN_SINCE) -> list[KnownDeadline]:
    records, _ = deadline_changes(fixture_knowledge(), [], since, announce=False)
    return records


def kinds(now: str, since: datetime = KNOWN_SINCE) -> list[tuple[str, str]]:
    due = due_reminders(fixture_knowledge(), known(since), instant(now), POLICY)
    return [(occurrence.deadline_id, occurrence.kind) for occurrence in due]


def test_reminders_fire_at_nine_in_the_deadlines_own_zone() -> None:
    deadline = launch()
    assert fire_at(deadline, 3, POLICY) == instant("2026-12-07T09:00:00-08:00")
    assert fire_at(deadline, 0, POLICY) == instant("2026-12-10T09:00:00-08:00")


def test_a_reminder_on_the_day_of_an_early_deadline_comes_before_it() -> None:
    early = at_time("08:00")
    assert fire_at(early, 0, POLICY) == instant("2026-12-10T07:00:00-08:00")
    at_midnight = at_time("00:30")
    assert fire_at(at_midnight, 0, POLICY) == instant("2026-12-10T00:00:00-08:00")


def test_the_nearest_due_reminder_is_posted() -> None:
    assert kinds("2026-12-07T16:59:00Z") == []
    assert kinds("2026-12-07T17:00:00Z") == [("launch", "remind-3d")]
    assert kinds("2026-12-09T18:00:00Z") == [("launch", "remind-1d")]
    assert kinds("2026-12-10T17:30:00Z") == [("launch", "remind-0d")]


def test_a_reminder_missed_while_down_is_due_within_the_grace_period_only() -> None:
    assert kinds("2026-11-27T10:00:00Z") == [("launch", "remind-14d")]
    assert kinds("2026-11-28T17:00:00Z") == [("launch", "remind-14d")]
    assert kinds("2026-11-28T17:01:00Z") == []


def test_no_reminder_is_due_once_the_deadline_has_passed() -> None:
    assert kinds("2026-12-11T02:00:00Z") == []


def test_reminders_due_before_a_deadline_was_first_seen_are_never_sent() -> None:
    since = instant("2026-12-08T00:00:00Z")
    assert kinds("2026-12-08T12:00:00Z", since) == []
    assert kinds("2026-12-09T17:00:00Z", since) == [("launch", "remind-1d")]


def test_the_first_pass_records_deadlines_without_announcing_them() -> None:
    records, announcements = deadline_changes(fixture_knowledge(), [], KNOWN_SINCE, False)
    assert [(r.service_id, r.deadline_id) for r in records] == [("chatterbox", "launch")]
    assert announcements == []


def test_added_and_moved_deadlines_are_announced_once() -> None:
    now = instant("2026-11-20T12:00:00Z")
    changed = edition(
        chatterbox=move_deadline("launch", "2026-12-17"),
        quietnote=add_deadline("export", "2027-01-15", "Export your notes"),
    )
    records, announcements = deadline_changes(changed, known(), now, announce=True)
    assert sorted((o.service_id, o.deadline_id, o.kind) for o in announcements) == [
        ("chatterbox", "launch", "moved"),
        ("quietnote", "export", "added"),
    ]
    assert all(record.first_seen == now for record in records)
    again = deadline_changes(changed, [*known(), *records], now, announce=True)
    assert again == ([], [])


def test_a_post_for_a_moved_deadline_is_void() -> None:
    occurrence = Occurrence(
        "chatterbox", "launch", due_key(launch()), "remind-3d", instant("2026-12-07T17:00:00Z")
    )
    moved = edition(chatterbox=move_deadline("launch", "2026-12-17"))
    now = instant("2026-12-07T17:00:00Z")
    assert verdict(fixture_knowledge(), occurrence, now, POLICY) == ("post", False)
    assert verdict(moved, occurrence, now, POLICY) == ("moved", False)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2026-12-07T17:10:00Z", ("post", False)),
        ("2026-12-07T17:20:00Z", ("post", True)),
        ("2026-12-09T17:00:00Z", ("post", True)),
        ("2026-12-09T17:01:00Z", ("missed", False)),
        ("2026-12-11T01:00:00Z", ("passed", False)),
    ],
)
def test_a_queued_post_is_on_time_late_missed_or_passed(
    now: str, expected: tuple[str, bool]
) -> None:
    occurrence = Occurrence(
        "chatterbox", "launch", due_key(launch()), "remind-3d", instant("2026-12-07T17:00:00Z")
    )
    assert verdict(fixture_knowledge(), occurrence, instant(now), POLICY) == expected


def test_a_late_reminder_says_so_and_counts_down_from_now() -> None:
    occurrence = Occurrence(
        "chatterbox", "launch", due_key(launch()), "remind-3d", instant("2026-12-07T17:00:00Z")
    )
    now = instant("2026-12-08T18:00:00Z")
    reply = reminder_reply(fixture_knowledge(), PHRASES, occurrence, now, late=True)
    assert reply is not None
    text = render_text(reply, UTC)
    assert text.startswith("Reminder: Chatterbox AI\n")
    assert "! This reminder is late: it was due 7 Dec 2026, while I was offline." in text
    assert "11 Dec 2026 01:00 UTC (in 2 days) — New data policy takes effect" in text
    assert "Reminders in this channel: /deadline subscriptions" in text
    assert not reply.shareable


def test_an_announcement_of_a_moved_date_shows_the_old_one() -> None:
    moved = edition(chatterbox=move_deadline("launch", "2026-12-17"))
    service = moved.service("chatterbox")
    assert service is not None
    deadline = next(d for d in service.deadlines if d.id == "launch")
    now = instant("2026-11-20T12:00:00Z")
    occurrence = Occurrence("chatterbox", "launch", due_key(deadline), "moved", now)
    reply = reminder_reply(moved, PHRASES, occurrence, now, late=False)
    assert reply is not None
    text = render_text(reply, UTC)
    assert text.startswith("Date moved: Chatterbox AI\n")
    assert "(moved from 10 Dec 2026)" in text


def test_policy_offsets_are_configurable() -> None:
    weekly = ReminderPolicy(offsets=(7,), grace=timedelta(hours=1))
    due = due_reminders(fixture_knowledge(), known(), instant("2026-12-03T17:30:00Z"), weekly)
    assert [occurrence.kind for occurrence in due] == ["remind-7d"]
