"""Replies name commands as spans: the core never spells them, each renderer does."""

from bot.core.richtext import Command, RichText
from tests.support import assistant_at

NOW = "2025-09-20T12:00:00+00:00"


def commands(text: RichText) -> list[Command]:
    return [span for span in text if isinstance(span, Command)]


def test_help_names_every_usage_and_example_as_a_command() -> None:
    reply = assistant_at(NOW).run("help")
    [optout, *_] = reply.sections[0].items
    assert commands(optout) == [
        Command("optout", "[service] [full]", strong=True),
        Command("optout", "claude"),
        Command("optout", "chatgpt full"),
        Command("optout"),
    ]


def test_errors_point_at_commands() -> None:
    assert Command("help") in commands(assistant_at(NOW).run("").summary)
    assert commands(assistant_at(NOW).run("optout", "zzzzzzzz").summary) == [Command("optout")]
    near = assistant_at(NOW).run("deadline", "chaterbox")
    assert commands(near.sections[0].items[0]) == [Command("deadline", "chatterbox")]
    unknown = assistant_at(NOW).run("optuot")
    assert commands(unknown.summary) == [Command("optout"), Command("help")]


def test_lists_and_date_lines_name_commands() -> None:
    listing = assistant_at(NOW).run("optout")
    assert commands(listing.summary) == [Command("optout"), Command("optout")]
    assert commands(listing.sections[0].items[0]) == [Command("optout", "chatterbox")]
    answer = assistant_at(NOW).run("optout", "chatterbox", detail="full")
    [dates] = [section for section in answer.sections if section.title == "Dates"]
    assert commands(dates.items[0]) == [Command("deadline", "chatterbox")]


def test_a_command_reads_as_typed_with_its_catalogue_name() -> None:
    assert Command("deadline", "linkedin").text == "/deadline linkedin"
    assert Command("optout").spelled("/ai-optout") == "/ai-optout"
    assert Command("optout", "claude").spelled("/ai-optout") == "/ai-optout claude"
