"""Checklist requests: which tools the words name, and what the card and its buttons carry."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.core.answers.checklist import (
    MAX_ITEMS,
    changed_parts,
    choose,
    facts_print,
    picked,
)
from bot.platforms.discord import actions as discord_actions
from bot.platforms.slack import actions as slack_actions
from bot.platforms.slack.render import check_value
from tests.support import answer_line, assistant_at
from tests.support.editions import edition, organise

KNOWLEDGE = edition(chatterbox=organise(), quietnote=organise(state="varies"))
WORKPLACE = {"chatterbox", "quietnote"}


def test_names_of_several_words_commas_and_repeats_are_read_in_order() -> None:
    chosen = choose(KNOWLEDGE, "quietnote, Chatterbox AI chatterbox")
    assert [service.id for service in chosen.services] == ["quietnote", "chatterbox"]
    assert chosen.unknown == () and chosen.not_workplace == ()


def test_all_names_every_workplace_tool() -> None:
    assert {service.id for service in choose(KNOWLEDGE, "all").services} == WORKPLACE


def test_unknown_and_personal_services_are_said_not_carded() -> None:
    assistant = assistant_at("2026-11-20T12:00:00Z", KNOWLEDGE)
    unknown = answer_line(assistant, "/optout checklist chatterbox blorp")
    assert unknown.tone == "error" and not unknown.checklist
    personal = answer_line(assistant, "/optout checklist oldsocial")
    assert personal.tone == "error" and "no organisation settings" in str(personal.summary)


def test_a_card_has_one_open_item_per_tool_with_a_mark_done_button() -> None:
    assistant = assistant_at("2026-11-20T12:00:00Z", KNOWLEDGE)
    card = answer_line(assistant, "/optout checklist chatterbox quietnote")
    assert [(item.key, item.done, item.button) for item in card.checklist] == [
        ("chatterbox", False, "Mark done"),
        ("quietnote", False, "Mark done"),
    ]


def test_a_changed_fact_is_named_by_its_part() -> None:
    before = KNOWLEDGE.service("chatterbox")
    after = edition(KNOWLEDGE, chatterbox=organise(state="off")).service("chatterbox")
    assert before is not None and after is not None
    assert changed_parts(facts_print(before), facts_print(after)) == ("plans",)
    assert changed_parts("", facts_print(after)) == ("action", "plans", "limits", "dates")


@given(st.text(max_size=3000))
def test_any_words_give_distinct_workplace_tools_or_say_what_is_wrong(words: str) -> None:
    chosen = choose(KNOWLEDGE, words)
    ids = [service.id for service in chosen.services]
    assert len(ids) == len(set(ids)) and set(ids) <= WORKPLACE
    assert all(len(word) <= 2000 for word in chosen.unknown)
    reply = answer_line(
        assistant_at("2026-11-20T12:00:00Z", KNOWLEDGE), f"/optout checklist {words}"
    )
    assert len(reply.checklist) <= MAX_ITEMS
    # No tool named at all: the picker of every workplace tool instead.
    assert reply.checklist or reply.tone == "error" or reply.picker is not None


def test_no_tools_named_offers_a_picker_of_every_workplace_tool_by_name() -> None:
    reply = answer_line(assistant_at("2026-11-20T12:00:00Z", KNOWLEDGE), "/optout checklist")
    assert reply.picker is not None and not reply.checklist
    assert [(option.key, option.label) for option in reply.picker.options] == [
        ("chatterbox", "Chatterbox AI"),
        ("quietnote", "QuietNote"),
    ]
    assert reply.picker.most == 2


def test_the_workspace_view_offers_the_same_picker_of_exactly_the_workplace_tools() -> None:
    assistant = assistant_at("2026-11-20T12:00:00Z", KNOWLEDGE)
    view = answer_line(assistant, "/optout workspace")
    alone = answer_line(assistant, "/optout checklist")
    assert view.picker is not None and alone.picker is not None
    assert {option.key for option in view.picker.options} == WORKPLACE
    assert len(KNOWLEDGE.services) > len(WORKPLACE)  # a personal service stays out of the menu
    assert view.picker.options == alone.picker.options
    assert (view.picker.placeholder, view.picker.most) == (alone.picker.placeholder, 2)
    # Where no menu can be shown, the view says what to type; the picker's own reply already does.
    assert "checklist slack zoom" in "".join(span.text for span in view.picker.hint)
    assert alone.picker.hint == ()


def test_a_knowledge_base_without_workplace_tools_shows_the_view_without_a_picker() -> None:
    assistant = assistant_at("2026-11-20T12:00:00Z", edition())
    assert answer_line(assistant, "/optout workspace").picker is None


def test_a_picked_choice_becomes_the_words_of_the_typed_command() -> None:
    assert picked(KNOWLEDGE, ["quietnote", "chatterbox"]) == "quietnote chatterbox"
    assistant = assistant_at("2026-11-20T12:00:00Z", KNOWLEDGE)
    card = answer_line(assistant, "/optout checklist quietnote chatterbox")
    assert [item.key for item in card.checklist] == ["quietnote", "chatterbox"]


@given(
    st.one_of(
        st.lists(st.sampled_from([*sorted(WORKPLACE), "oldsocial", "Chatterbox AI", "all", ""])),
        st.lists(st.text(max_size=80), max_size=30),
        st.text(max_size=80),
        st.integers(),
        st.none(),
        st.lists(st.integers(), max_size=3),
    )
)
def test_a_forged_or_stale_choice_is_refused_unless_it_names_distinct_workplace_ids(
    values: object,
) -> None:
    words = picked(KNOWLEDGE, values)
    if words is None:
        return
    assert isinstance(values, list) and 0 < len(values) <= MAX_ITEMS
    assert words.split() == values and set(values) <= WORKPLACE
    assert len(set(values)) == len(values)


@given(st.sampled_from(sorted(WORKPLACE)), st.booleans())
def test_button_payloads_name_the_item_and_state_they_were_written_with(
    service: str, done: bool
) -> None:
    assert slack_actions.read_check(check_value(service, done)) == (service, done)
    assert discord_actions.parse_check_id(discord_actions.check_id(service, done)) == (
        service,
        done,
    )


@given(st.one_of(st.text(max_size=300), st.binary().map(repr), st.integers(), st.none()))
def test_forged_button_payloads_are_refused(value: object) -> None:
    read = slack_actions.read_check(value)
    assert read is None or (read[0].isascii() and "<" not in read[0] and "@" not in read[0])
    if isinstance(value, str):
        parsed = discord_actions.parse_check_id(value)
        assert parsed is None or value == discord_actions.check_id(*parsed)
