"""Notices of changed cited pages: shown for a change first seen after ``last_verified`` only."""

from __future__ import annotations

from datetime import datetime

from bot.core.assistant import Assistant
from bot.core.clock import FixedClock
from bot.core.library import LiveKnowledge
from bot.core.living.fingerprint import fingerprint
from bot.core.richtext import Label, Link, When, plain
from bot.core.signals import LiveSignals, SourceSignal, SourceSignals
from bot.platforms.console.render import render_text
from tests.support import fixture_knowledge, instant

# The fixture's Chatterbox entry was last verified on 1 Nov 2026.
AFTER = instant("2026-12-03T09:30:00Z")
BEFORE = instant("2026-10-30T09:30:00Z")
NOW = instant("2026-12-05T12:00:00Z")


def signal(
    changed_at: datetime, status: str = "changed", labels: tuple[str, ...] = ()
) -> SourceSignal:
    return SourceSignal("chatterbox", "help-centre", status, labels, changed_at)


def answer_with(*signals: SourceSignal, command: str = "optout", detail: str | None = "full"):
    """The answer with these signals: by default the guide, which names every page."""
    live = LiveSignals(SourceSignals.of(signals))
    assistant = Assistant(LiveKnowledge(fixture_knowledge()), FixedClock(NOW), signals=live)
    return assistant.run(command, "chatterbox", detail=detail)


def test_a_card_says_in_one_short_line_that_a_page_changed_and_the_guide_says_which() -> None:
    card = answer_with(signal(AFTER, "gone", ("Data & privacy",)), detail=None)
    [notice] = card.notices
    assert plain(notice) == "A cited page changed on 2026-12-03; the guide says which."
    assert When(AFTER, "local-day") in notice
    assert card.tone == "warning" and card.guide is not None
    # The warning takes the place of the organisations' line, which the guide also has.
    assert len(answer_with(signal(BEFORE), detail=None).sections[0].paragraphs) >= len(
        card.sections[0].paragraphs
    )


def test_a_change_after_the_last_verification_names_the_page_and_the_day() -> None:
    reply = answer_with(signal(AFTER))
    [notice] = reply.notices
    assert plain(notice) == (
        "Chatterbox's page Controlling how your data is used changed on 2026-12-03, after this "
        "entry was last checked: confirm the steps there."
    )
    assert (
        Link("https://help.chatterbox.example.com/articles/42", "Controlling how your data is used")
        in notice
    )
    assert When(AFTER, "local-day") in notice
    assert reply.tone == "warning"


def test_a_change_seen_before_the_last_verification_is_covered_by_it() -> None:
    assert answer_with(signal(BEFORE)).notices == ()


def test_a_change_seen_on_the_day_of_the_verification_is_covered_by_it() -> None:
    assert answer_with(signal(instant("2026-11-01T23:00:00Z"))).notices == ()


def test_a_missing_label_is_named_as_the_interface_shows_it() -> None:
    reply = answer_with(signal(AFTER, "unchanged", ("Improve Chatterbox for everyone",)))
    [notice] = reply.notices
    assert Label("Improve Chatterbox for everyone") in notice
    assert plain(notice).startswith("The page this answer cites no longer shows")
    assert "(noticed 2026-12-03)" in plain(notice)


def test_an_accepted_page_has_no_signal_and_no_notice() -> None:
    assert answer_with().notices == ()
    assert answer_with(signal(AFTER, "unchanged")).notices == ()


def test_other_services_are_not_affected() -> None:
    live = LiveSignals(SourceSignals.of([signal(AFTER)]))
    assistant = Assistant(LiveKnowledge(fixture_knowledge()), FixedClock(NOW), signals=live)
    assert assistant.run("optout", "quietnote").notices == ()


def test_a_gone_page_and_a_missing_label_give_a_notice_each() -> None:
    reply = answer_with(signal(AFTER, "gone", ("Data & privacy",)))
    assert len(reply.notices) == 2
    assert "is no longer online (noticed 2026-12-03)" in plain(reply.notices[0])


def test_the_notice_changes_the_print_of_a_posted_answer() -> None:
    assert fingerprint(answer_with(signal(AFTER))).digest != fingerprint(answer_with()).digest


def test_a_new_check_is_answered_at_once_without_waiting_for_the_minute() -> None:
    live = LiveSignals()
    assistant = Assistant(LiveKnowledge(fixture_knowledge()), FixedClock(NOW), signals=live)
    assert assistant.run("optout", "chatterbox").notices == ()
    assert live.swap(SourceSignals.of([signal(AFTER)]))
    assert assistant.run("optout", "chatterbox").notices
    assert assistant.run("deadline", "chatterbox").notices


def test_the_console_shows_the_day_in_its_own_time_zone() -> None:
    from zoneinfo import ZoneInfo

    late = instant("2026-12-03T23:30:00Z")
    text = render_text(answer_with(signal(late)), ZoneInfo("Europe/Berlin"))
    assert "changed on 4 Dec 2026, after this entry was last checked" in text
