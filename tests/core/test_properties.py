"""Any input yields a reply: never an exception, never raw control characters in the output."""

import unicodedata
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.richtext import MarkupError, parse_labels, plain
from bot.platforms.console.render import render_text
from tests.support import answer_line, assistant_at

ASSISTANT = assistant_at("2025-09-20T12:00:00+00:00")
HOSTILE = st.sampled_from(
    [
        "@everyone",
        "@here",
        "<!channel>",
        "<@U123>",
        "<@&42>",
        "**bold**",
        "`code`",
        "\x1b[31m",
        "\u202e",
        "\x00",
        "chatterbox",
        "/optout",
        "/deadline",
        " ",
        "\n",
    ]
)
COMMAND_TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(HOSTILE, st.text(max_size=20)), max_size=12).map("".join),
    st.builds(
        lambda cmd, rest: f"/{cmd} {rest}",
        st.sampled_from(["optout", "deadline", "changes", "help"]),
        st.text(max_size=200),
    ),
    st.integers(min_value=1000, max_value=12000).map(lambda n: "/optout " + "x" * n),
)


@settings(max_examples=300, deadline=None)
@given(COMMAND_TEXT)
def test_any_command_text_yields_a_reply(text: str) -> None:
    reply = answer_line(ASSISTANT, text)
    assert reply.title or reply.summary
    rendered = render_text(reply, UTC)
    assert not any(
        unicodedata.category(char) in {"Cc", "Cf"} and char != "\n" for char in rendered
    ), "control characters must never reach the terminal"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=100), st.text(max_size=100))
def test_any_typed_option_yields_a_reply(command: str, argument: str) -> None:
    reply = ASSISTANT.run(command, argument)
    assert reply.title or reply.summary


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_autocomplete_never_fails_and_stays_within_the_limit_asked_for(fragment: str) -> None:
    choices = ASSISTANT.autocomplete(fragment, 25)
    assert len(choices) <= 25
    assert all(choice.name and choice.value for choice in choices)


@given(st.text(max_size=200))
def test_label_markup_either_parses_losslessly_or_says_where_it_breaks(source: str) -> None:
    try:
        spans = parse_labels(source)
    except MarkupError as error:
        assert "character" in str(error)
    else:
        assert plain(spans) == source.replace("[", "").replace("]", "")


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    )
)
def test_deadline_listing_works_at_any_instant(moment: datetime) -> None:
    from bot.core.assistant import Assistant
    from bot.core.clock import FixedClock
    from tests.support import fixture_knowledge

    knowledge = fixture_knowledge()
    reply = Assistant(lambda: knowledge, FixedClock(moment)).run("deadline")
    listed = sum(len(section.items) for section in reply.sections)
    assert listed <= 3
