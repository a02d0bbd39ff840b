"""Answer prints and edit plans: pure core logic, no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from bot.core.assistant import Assistant
from bot.core.clock import FixedClock
from bot.core.library import KnowledgeBase
from bot.core.living.edits import change_mark, fill, plan_edits, update_line
from bot.core.living.fingerprint import compare, fingerprint
from bot.core.ports.answers import AnswerGroup
from bot.core.richtext import Label, Strong, Text, When
from bot.platforms.console.render import inline
from tests.support import assistant_at, fixture_knowledge
from tests.support.editions import both, edition, log_change, move_deadline

TODAY = date(2026, 12, 1)


def assistant(knowledge: KnowledgeBase, moment: str = "2026-12-01T12:00:00Z") -> Assistant:
    return assistant_at(moment, knowledge)


def group_for(knowledge: KnowledgeBase, command: str, service_id: str | None, count: int = 1):
    reply = assistant(knowledge).run(command, service_id)
    mark = change_mark(knowledge, service_id)
    return AnswerGroup("fake", command, service_id, fingerprint(reply), count, mark)


def test_a_print_ignores_countdowns_and_the_time_of_rendering() -> None:
    early = assistant_at("2026-12-01T12:00:00Z").run("deadline", "chatterbox")
    later = assistant_at("2026-12-05T08:30:00Z").run("deadline", "chatterbox")
    assert early.generated_at != later.generated_at
    assert fingerprint(early) == fingerprint(later)


def test_a_print_changes_when_a_deadline_passes() -> None:
    before = assistant_at("2026-12-01T12:00:00Z").run("deadline", "chatterbox")
    after = assistant_at("2026-12-12T12:00:00Z").run("deadline", "chatterbox")
    change = compare(fingerprint(before), after)
    assert fingerprint(before).digest != fingerprint(after).digest
    assert "Passed" in change.changed
    assert change.removed == 1  # the Upcoming section is gone


def test_a_print_tells_which_parts_changed() -> None:
    moved = edition(chatterbox=move_deadline("launch", "2026-12-17"))
    old = fingerprint(assistant(fixture_knowledge()).run("optout", "chatterbox"))
    change = compare(old, assistant(moved).run("optout", "chatterbox"))
    # The card's lines are parts named as they read: only the date line moved.
    assert change.changed == ("Next date",)
    assert change.describe() == "Next date changed"


def test_a_card_whose_settings_link_or_sources_change_gets_a_new_print() -> None:
    reply = assistant(fixture_knowledge()).run("optout", "chatterbox")
    [link] = reply.links
    moved = replace(reply, links=(replace(link, url="https://example.com/elsewhere"),))
    assert compare(fingerprint(reply), moved).changed == ("Links",)
    fewer = replace(reply, attribution=reply.attribution[:2])
    assert compare(fingerprint(reply), fewer).changed == ("Sources",)


def test_a_label_becoming_plain_text_changes_the_print() -> None:
    reply = assistant(fixture_knowledge()).run("optout", "chatterbox")
    [section] = reply.sections
    action, *rest = section.paragraphs
    plain = tuple(Text(span.text) if isinstance(span, Label) else span for span in action)
    assert plain != action  # the action line names its setting with labels
    flattened = replace(reply, sections=(replace(section, paragraphs=(plain, *rest)),))
    assert fingerprint(flattened).digest != fingerprint(reply).digest


def test_unchanged_knowledge_plans_no_edit() -> None:
    knowledge = fixture_knowledge()
    groups = [
        group_for(knowledge, "optout", "chatterbox", 3),
        group_for(knowledge, "deadline", None),
    ]
    later = assistant(knowledge, "2026-12-05T12:00:00Z")
    assert plan_edits(groups, later, TODAY) == []


def test_a_moved_deadline_plans_edits_of_every_answer_that_shows_it() -> None:
    knowledge = fixture_knowledge()
    groups = [
        group_for(knowledge, "optout", "chatterbox", 3),
        group_for(knowledge, "deadline", "chatterbox", 2),
        group_for(knowledge, "deadline", None, 1),
        group_for(knowledge, "optout", "quietnote", 5),
    ]
    moved = edition(
        chatterbox=both(
            move_deadline("launch", "2026-12-17"),
            log_change("2026-11-30", "Moved the launch of the new policy to 17 December 2026."),
        )
    )
    plans = plan_edits(groups, assistant(moved), TODAY)
    assert [(plan.label, plan.messages) for plan in plans] == [
        ("fake /deadline", 1),
        ("fake /deadline chatterbox", 2),
        ("fake /optout chatterbox", 3),
    ]
    note = inline(plans[2].note, UTC, None)
    assert note == "Updated 1 Dec 2026: Moved the launch of the new policy to 17 December 2026"
    overview = inline(plans[0].note, UTC, None)
    assert overview.startswith("Updated 1 Dec 2026: Chatterbox AI: Moved the launch")


def test_an_answer_whose_service_was_removed_is_left_alone() -> None:
    knowledge = fixture_knowledge()
    groups = [group_for(knowledge, "optout", "chatterbox")]
    without = KnowledgeBase(
        tuple(s for s in knowledge.services if s.id != "chatterbox"), knowledge.messages, "v2"
    )
    assert plan_edits(groups, assistant(without), TODAY) == []


def test_the_update_line_names_the_newest_entries_and_counts_the_rest() -> None:
    knowledge = edition(
        chatterbox=both(
            log_change("2026-10-01", "First [Setting] renamed."),
            log_change("2026-11-01", "Second change."),
            log_change("2026-11-15", "Third change."),
        )
    )
    living = knowledge.messages.en.living
    line = update_line(living, knowledge, "chatterbox", date(2025, 9, 27), TODAY)
    assert inline(line, UTC, None) == "Updated 1 Dec 2026: Third change; Second change (+1 more)"
    assert isinstance(line[1], When)
    unexplained = update_line(living, knowledge, "chatterbox", date(2026, 11, 15), TODAY)
    assert inline(unexplained, UTC, None) == "Updated 1 Dec 2026: details revised"


def test_change_marks_follow_the_change_log() -> None:
    knowledge = fixture_knowledge()
    assert change_mark(knowledge, "chatterbox") == date(2025, 9, 27)
    assert change_mark(knowledge, "oldsocial") is None
    assert change_mark(knowledge, None) == date(2025, 9, 27)


def test_fill_puts_rich_text_where_placeholders_are() -> None:
    filled = fill("Updated {date}: {change} {unknown}", date=(Strong("D"),), change=(Text("C"),))
    assert filled == (Text("Updated "), Strong("D"), Text(": "), Text("C"), Text(" {unknown}"))


@given(st.text(max_size=80))
def test_any_phrase_fills_without_losing_words(template: str) -> None:
    filled = fill(template, date=(Text("D"),))
    assert "".join(span.text for span in filled) == template.replace("{date}", "D")  # type: ignore[union-attr]


def test_a_fixed_clock_gives_the_same_print_every_time() -> None:
    clock = FixedClock(datetime(2026, 12, 1, tzinfo=UTC))
    first = Assistant(fixture_knowledge, clock).run("changes", None)
    second = Assistant(fixture_knowledge, clock).run("changes", None)
    assert fingerprint(first) == fingerprint(second)
