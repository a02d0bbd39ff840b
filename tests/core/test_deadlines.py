from datetime import UTC, date, datetime

import pytest

from bot.core.reply import Reply
from bot.core.richtext import Strong, When, plain
from bot.core.rules import check_services
from bot.core.timing import describe_relative
from tests.support import answer_line, assistant_at, make_service


def section(reply: Reply, title: str) -> list[str]:
    found = [s for s in reply.sections if s.title == title]
    return [plain(item) for item in found[0].items] if found else []


def countdown(reply: Reply, title: str) -> list[str]:
    found = next(s for s in reply.sections if s.title == title)
    return [
        describe_relative(next(x for x in item if isinstance(x, When)), reply.generated_at)
        for item in found.items
    ]


def test_before_the_deadline_it_is_upcoming_with_a_countdown() -> None:
    reply = answer_line(assistant_at("2025-09-20T12:00:00+00:00"), "/deadline chatterbox")
    assert countdown(reply, "Upcoming") == ["in 18 days", "in 446 days"]
    assert section(reply, "Passed") == []


def test_a_moved_deadline_shows_both_dates() -> None:
    reply = answer_line(assistant_at("2025-09-20T12:00:00+00:00"), "/deadline chatterbox")
    first = next(s for s in reply.sections if s.title == "Upcoming").items[0]
    dates = [span.instant.date().isoformat() for span in first if isinstance(span, When)]
    assert dates == ["2025-10-08", "2025-09-28", "2025-10-08"]
    assert "(first " in plain(first) and "moved to" in plain(first)


def test_on_the_day_it_is_still_upcoming_and_due_today() -> None:
    reply = answer_line(assistant_at("2025-10-08T23:30:00+00:00"), "/deadline chatterbox")
    assert countdown(reply, "Upcoming")[0] == "today"


def test_the_day_after_it_is_passed_with_what_can_still_be_done() -> None:
    reply = answer_line(assistant_at("2025-10-09T00:00:00+00:00"), "/deadline chatterbox")
    passed = next(s for s in reply.sections if s.title == "Passed").items[0]
    assert Strong("Passed.") in passed
    assert "You can still change the setting" in plain(passed)
    # Counted in the event's own zone: at midnight UTC it is still 8 October in Los Angeles.
    assert countdown(reply, "Upcoming") == ["in 428 days"]


def test_timed_event_passes_at_its_instant_across_a_time_zone_boundary() -> None:
    # 17:00 in Los Angeles on 10 Dec 2026 is 01:00 UTC on 11 Dec.
    before = answer_line(assistant_at("2026-12-11T00:59:00+00:00"), "/deadline chatterbox")
    after = answer_line(assistant_at("2026-12-11T01:00:00+00:00"), "/deadline chatterbox")
    assert len(section(before, "Upcoming")) == 1
    assert countdown(before, "Upcoming") == ["now"]
    assert section(after, "Upcoming") == []
    assert len(section(after, "Passed")) == 2


def test_timed_event_countdown_is_in_hours_when_close() -> None:
    reply = answer_line(assistant_at("2026-12-10T20:00:00+00:00"), "/deadline chatterbox")
    assert countdown(reply, "Upcoming") == ["in 5 hours"]


def test_all_services_listing_puts_upcoming_first_then_newest_passed() -> None:
    reply = answer_line(assistant_at("2025-09-20T12:00:00+00:00"), "/deadline")
    assert [s.title for s in reply.sections] == ["Upcoming", "Passed"]
    upcoming = section(reply, "Upcoming")
    assert "Chatterbox AI" in upcoming[0]
    assert "OldSocial" in section(reply, "Passed")[0]


def test_old_passed_events_are_summarised_not_listed() -> None:
    reply = answer_line(assistant_at("2027-06-01T00:00:00+00:00"), "/deadline")
    assert section(reply, "Upcoming") == []
    assert len(section(reply, "Passed")) == 1
    assert "2 older dates are not shown" in plain(reply.summary)


def test_one_service_shows_its_whole_history() -> None:
    reply = answer_line(assistant_at("2030-01-01T00:00:00+00:00"), "/deadline oldsocial")
    assert len(section(reply, "Passed")) == 1


def test_service_without_dates_says_the_setting_can_change_any_time() -> None:
    reply = answer_line(assistant_at("2025-09-20T12:00:00+00:00"), "/deadline quietnote")
    assert reply.sections == ()
    assert "no dated events" in plain(reply.summary)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2025-10-07T12:00:00+00:00", "tomorrow"),
        ("2025-10-09T12:00:00+00:00", "yesterday"),
        ("2025-10-11T12:00:00+00:00", "3 days ago"),
    ],
)
def test_day_countdown_words(now: str, expected: str) -> None:
    when = When(datetime(2025, 10, 8, tzinfo=UTC), "day", relative=True)
    assert describe_relative(when, datetime.fromisoformat(now)) == expected


def moved_deadline(*history: tuple[str, str]) -> dict[str, object]:
    earlier = [{"due": due, "announced": said, "sources": ["s"]} for due, said in history]
    return {
        "id": "d",
        "title": "T",
        "kind": "deadline",
        "due": "2025-10-08",
        "history": earlier,
        "sources": ["s"],
    }


def test_history_out_of_order_is_rejected() -> None:
    history = (("2025-09-30", "2025-09-10"), ("2025-09-28", "2025-08-28"))
    service = make_service("x", "X", deadlines=[moved_deadline(*history)])
    problems = check_services([service], date(2026, 11, 28))
    assert [(p.location, p.message) for p in problems] == [
        (("deadlines", 0), "history must be ordered oldest first")
    ]


def test_history_repeating_the_current_date_is_rejected() -> None:
    service = make_service("x", "X", deadlines=[moved_deadline(("2025-10-08", "2025-09-10"))])
    problems = check_services([service], date(2026, 11, 28))
    assert [(p.location, p.message) for p in problems] == [
        (("deadlines", 0), "history repeats the current date; list only earlier dates")
    ]


def test_history_in_order_passes() -> None:
    history = (("2025-09-28", "2025-08-28"), ("2025-09-30", "2025-09-10"))
    service = make_service("x", "X", deadlines=[moved_deadline(*history)])
    assert check_services([service], date(2026, 11, 28)) == []
