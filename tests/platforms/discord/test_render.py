"""Discord rendering: golden payloads, Discord timestamps, escaping, and splitting at the limits."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.reply import Reply, Section
from bot.core.richtext import Label, Link, Strong, Text, UserText, When
from bot.platforms.discord.render import (
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_COUNT_LIMIT,
    EMBED_FIELD_NAME_LIMIT,
    EMBED_FIELD_VALUE_LIMIT,
    EMBED_FOOTER_LIMIT,
    EMBED_TITLE_LIMIT,
    MESSAGE_CONTENT_LIMIT,
    MESSAGE_EMBED_TOTAL_LIMIT,
    Message,
    inline,
    render_reply,
    render_text,
    size,
    split_text,
)
from tests.support import assistant_at
from tests.support.golden import assert_golden

NOW = "2025-09-20T12:00:00+00:00"
# Anything Discord would turn into a ping or a mention.
PING = re.compile(r"@(everyone|here)|<@[!&]?\d+>|<#\d+>|</[^>\s]+:\d+>", re.IGNORECASE)


def payload(messages: list[Message]) -> list[dict[str, Any]]:
    return [message.to_json() for message in messages]


def assert_within_limits(messages: list[Message]) -> None:
    """Every message is one Discord would accept."""
    assert messages
    for message in messages:
        if message.content is not None:
            assert 0 < size(message.content) <= MESSAGE_CONTENT_LIMIT
        total = 0
        for embed in message.embeds:
            title = embed.get("title", "")
            description = embed.get("description", "")
            footer = embed.get("footer", {}).get("text", "")
            fields = embed.get("fields", [])
            assert size(title) <= EMBED_TITLE_LIMIT
            assert size(description) <= EMBED_DESCRIPTION_LIMIT
            assert size(footer) <= EMBED_FOOTER_LIMIT
            assert len(fields) <= EMBED_FIELD_COUNT_LIMIT
            assert title or description or fields
            for entry in fields:
                assert 0 < size(entry["name"]) <= EMBED_FIELD_NAME_LIMIT
                assert 0 < size(entry["value"]) <= EMBED_FIELD_VALUE_LIMIT
                assert entry["value"].strip()
            total += size(title) + size(description) + size(footer)
            total += sum(size(entry["name"]) + size(entry["value"]) for entry in fields)
        assert total <= MESSAGE_EMBED_TOTAL_LIMIT


@pytest.mark.parametrize(
    ("golden", "command", "argument"),
    [
        ("discord_optout_chatterbox.json", "optout", "chatterbox"),
        ("discord_optout_list.json", "optout", None),
        ("discord_deadline_all.json", "deadline", None),
        ("discord_deadline_chatterbox.json", "deadline", "chatterbox"),
        ("discord_changes_all.json", "changes", None),
        ("discord_help.json", "help", None),
        (
            "discord_not_found_hostile.json",
            "optout",
            "@everyone <@&123> **bold** [x](https://evil)",
        ),
    ],
)
def test_answers_match_their_golden_payloads(
    golden: str, command: str, argument: str | None
) -> None:
    messages = render_reply(assistant_at(NOW).run(command, argument))
    assert_within_limits(messages)
    assert_golden(golden, payload(messages))


def test_a_stale_entry_carries_its_warning_first_in_a_warning_colour() -> None:
    assistant = assistant_at("2026-06-01T09:00:00+00:00")
    messages = render_reply(assistant.run("optout", "oldsocial", detail="full"))
    assert messages[0].embeds[0]["description"].startswith("⚠️ This entry was last verified")
    [card] = render_reply(assistant.run("optout", "oldsocial"))
    assert card.embeds[0]["description"].startswith("⚠️ Last verified over 180 days ago")
    assert card.embeds[0]["color"] == messages[0].embeds[0]["color"]
    assert_golden("discord_stale_oldsocial.json", payload([card]))


def test_title_summary_steps_sources_and_verified_date_all_appear() -> None:
    [message] = render_reply(assistant_at(NOW).run("optout", "chatterbox", detail="full"))
    [embed] = message.embeds
    names = [entry["name"] for entry in embed["fields"]]
    assert embed["title"] == "Chatterbox AI"
    assert embed["description"].startswith("Chatterbox may train")
    web = embed["fields"][names.index("On the web")]["value"]
    assert "1. Click your avatar, then **Settings**." in web
    assert "3. Turn off **Improve Chatterbox for everyone**." in web
    assert names[-1] == "Sources"
    assert (
        "[Controlling how your data is used (Chatterbox)](https://" in embed["fields"][-1]["value"]
    )
    assert embed["footer"]["text"] == "Last verified 1 Nov 2026"


def test_minute_precision_instants_use_discord_timestamps_for_every_reader() -> None:
    moment = datetime(2026, 12, 10, 17, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    stamp = int(moment.timestamp())
    assert inline((When(moment, "minute"),), None) == f"<t:{stamp}:F>"
    assert (
        inline((When(moment, "minute", relative=True),), None) == f"<t:{stamp}:F> (<t:{stamp}:R>)"
    )


def test_day_precision_dates_are_shown_as_the_source_states_them() -> None:
    # The start of 8 October in Kiritimati is still 7 October in UTC: the date must not move,
    # and the countdown is the core's, counted in the event's own zone.
    day = datetime(2025, 10, 8, tzinfo=ZoneInfo("Pacific/Kiritimati"))
    now = datetime(2025, 9, 20, 12, tzinfo=UTC)
    assert inline((When(day),), now) == "8 Oct 2025"
    assert inline((When(day, relative=True),), now) == f"8 Oct 2025 (<t:{int(day.timestamp())}:R>)"


def test_labels_and_stress_are_bold_and_links_are_masked() -> None:
    text = (
        Text("Open "),
        Label("Settings"),
        Text(" > "),
        Strong("Not covered: "),
        Link("https://example.com/a b(c)", "the page"),
        Text(" "),
        Link("https://example.com/x", "https://example.com/x"),
    )
    assert inline(text, None) == (
        "Open **Settings** > **Not covered:** [the page](https://example.com/a%20b%28c%29) "
        "https://example.com/x"
    )


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("@everyone", "@\u200beveryone"),
        ("@here", "@\u200bhere"),
        ("<@123456789012345678>", "<\u200b@\u200b123456789012345678>"),
        ("<@&42>", "<\u200b@\u200b&42>"),
        ("<#42>", "<\u200b#42>"),
        ("</optout:42>", "<\u200b/optout:42>"),
        ("<t:0:R>", "<\u200bt:0:R>"),
        (
            "**bold** _it_ ~~gone~~ `code` ||spoiler||",
            r"\*\*bold\*\* \_it\_ \~\~gone\~\~ \`code\` \|\|spoiler\|\|",
        ),
        ("[click](https://evil.example)", r"\[click\](https://evil.example)"),
        ("# heading", r"\# heading"),
        ("> quote", r"\> quote"),
        ("-# small", r"\-# small"),
        ("1. list", r"1\. list"),
        ("back\\slash", r"back\\slash"),
        ("mail privacy@example.com", "mail privacy@example.com"),
    ],
)
def test_user_text_is_echoed_literally_and_never_mentions(typed: str, shown: str) -> None:
    assert inline((UserText(typed),), None) == shown


def test_content_text_is_escaped_too() -> None:
    assert inline((Text("*stars* and @here"),), None) == "\\*stars\\* and @\u200bhere"
    assert inline((Text("line\n# not a heading"),), None) == "line\n\\# not a heading"


def test_hostile_input_from_the_core_is_neutralised() -> None:
    reply = assistant_at(NOW).run("optout", "@everyone <@&123> " + "x" * 10_000)
    messages = render_reply(reply)
    assert_within_limits(messages)
    rendered = str(payload(messages))
    assert not PING.search(rendered)


def test_a_long_answer_is_split_into_messages_within_every_limit() -> None:
    item = (Text("A step with quite a few words in it, " * 6), Label("Settings"))
    sections = tuple(
        Section(f"Section {number}", items=tuple(item for _ in range(12)), numbered=True)
        for number in range(30)
    )
    reply = Reply(
        command="optout",
        title="Long",
        summary=(Text("word " * 1200),),
        sections=sections,
        verified=datetime(2026, 1, 2, tzinfo=UTC).date(),
        shareable=True,
    )
    messages = render_reply(reply)
    assert_within_limits(messages)
    assert len(messages) > 3
    assert messages[0].embeds[0]["title"] == "Long"
    assert all("title" not in message.embeds[0] for message in messages[1:])
    footers = [message.embeds[0]["footer"]["text"] for message in messages]
    assert footers[0] == f"Part 1 of {len(messages)} · Last verified 2 Jan 2026"
    names = [entry["name"] for message in messages for entry in message.embeds[0].get("fields", [])]
    assert "Section 0 (continued)" in names
    words = " ".join(
        " ".join(
            [message.embeds[0].get("description", "")]
            + [entry["value"] for entry in message.embeds[0].get("fields", [])]
        )
        for message in messages
    )
    assert words.count("A step with") == 30 * 12 * 6


def test_split_text_cuts_at_lines_then_spaces_then_anywhere() -> None:
    assert split_text("a\nb", 10) == ["a\nb"]
    assert split_text("aaaa\nbbbb", 6) == ["aaaa", "bbbb"]
    assert split_text("aaa bbb ccc", 7) == ["aaa", "bbb ccc"]
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]
    # An emoji outside the Basic Multilingual Plane counts twice, as it does on Discord.
    assert all(size(piece) <= 3 for piece in split_text("😀😀😀😀", 3))


def test_the_bots_own_text_is_split_at_the_message_limit() -> None:
    messages = render_text("word " * 1000)
    assert len(messages) == 3
    assert_within_limits(messages)


user_text = st.text(
    alphabet=st.sampled_from(list("@<>#&!/:t*_~`|[]()\\-. \neveryonhr0123456789😀")),
    max_size=300,
) | st.text(max_size=300)


@settings(max_examples=300, deadline=None)
@given(user_text, user_text)
def test_no_echoed_or_content_text_can_form_a_mention(typed: str, content: str) -> None:
    reply = Reply(
        command="optout",
        title=content[:50],
        summary=(Text(content), UserText(typed)),
        sections=(Section(content[:20] or None, items=((UserText(typed),),)),),
        notices=((UserText(typed),),),
    )
    messages = render_reply(reply)
    assert_within_limits(messages)
    for message in messages:
        assert not PING.search(str(message.to_json()))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.text(max_size=300), st.lists(st.text(max_size=1500), max_size=20)), max_size=40
    ),
    st.text(max_size=5000),
)
def test_any_reply_fits_discord_limits(sections: list[tuple[str, list[str]]], summary: str) -> None:
    reply = Reply(
        command="optout",
        title=summary[:400],
        summary=(Text(summary),),
        sections=tuple(
            Section(title or None, items=tuple((Text(item),) for item in items))
            for title, items in sections
        ),
        sources=tuple(
            Link(f"https://example.com/{n}", title) for n, (title, _) in enumerate(sections)
        ),
    )
    assert_within_limits(render_reply(reply))
