from bot.core.assistant import Assistant
from bot.core.catalogue import CommandNames
from bot.core.richtext import plain
from tests.core.test_assistant import words
from tests.support import assistant_at

SLACK_NAMES = CommandNames.of({"help": "/optout-help", "optout": "/ai-optout"})


def renamed_assistant() -> Assistant:
    return assistant_at("2025-09-20T12:00:00+00:00").renamed(SLACK_NAMES)


def test_help_lists_commands_as_this_platform_types_them() -> None:
    text = words(renamed_assistant().run("help"))
    assert "/optout-help" in text
    assert "/ai-optout [service]" in text
    assert "/ai-optout claude" in text
    assert "/deadline [service]" in text
    assert "/help" not in text.replace("/optout-help", "")


def test_errors_point_at_the_renamed_commands() -> None:
    empty = renamed_assistant().run("")
    assert "/ai-optout claude, or /optout-help for the list" in plain(empty.summary)
    miss = renamed_assistant().run("optout", "zzzzzzzz")
    assert "Try /ai-optout for the full list." in plain(miss.summary)
    near = renamed_assistant().run("optout", "chaterbox")
    assert plain(near.sections[0].items[0]).startswith("/ai-optout chatterbox")


def test_lists_and_date_lines_use_the_renamed_commands() -> None:
    listing = renamed_assistant().run("optout")
    assert "/ai-optout claude" in plain(listing.summary)
    assert "— /ai-optout chatterbox" in plain(listing.sections[0].items[0])
    answer = words(renamed_assistant().run("optout", "chatterbox"))
    assert "(/deadline chatterbox)" in answer


def test_default_names_are_the_catalogue_names() -> None:
    names = CommandNames()
    assert names.slash("optout") == "/optout"
    assert names.spelled("/deadline linkedin") == "/deadline linkedin"
    assert SLACK_NAMES.spelled("/optout claude") == "/ai-optout claude"
    assert SLACK_NAMES.spelled("not a command") == "not a command"
