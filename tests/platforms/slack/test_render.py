"""Block Kit rendering: golden files, dates, escaping and Slack's limits."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.core.reply import Reply, Section
from bot.core.richtext import Label, Link, RichText, Span, Strong, Text, UserText, When
from bot.platforms.slack.actions import PLATFORM as SLACK
from bot.platforms.slack.actions import answer_buttons
from bot.platforms.slack.mrkdwn import mrkdwn
from bot.platforms.slack.render import (
    MAX_BLOCKS_PER_MESSAGE,
    MAX_CONTEXT_CHARS,
    MAX_CONTEXT_ELEMENTS,
    MAX_HEADER_CHARS,
    MAX_SECTION_CHARS,
    SlackMessage,
    render_notice,
    render_reply,
    split_text,
)
from tests.support import answer_line, assistant_at, platform_words
from tests.support.golden import assert_golden

NOW = "2025-09-20T12:00:00Z"
GOLDEN_COMMANDS = {
    "optout_service": "/optout chatterbox",
    "optout_stale": "/optout oldsocial",
    "optout_list": "/optout",
    "deadline_all": "/deadline",
    "deadline_service": "/deadline chatterbox",
    "changes": "/changes",
    "help": "/help",
    "not_found_hostile": "/optout <!channel> @here *bold* <@U123>",
}
# The only raw tokens a rendered message may contain: links, dates and the sharer's mention.
ALLOWED_TOKEN = re.compile(
    r"<(?:https?://|mailto:)[^<>|\s]*(?:\|[^<>]*)?>"
    r"|<!date\^\d+\^(?:\{date_short_pretty\} \{time\}|\{ago\})\|[^<>|]*>"
    r"|<@U0ALICE>"
)

SLACK_WORDS = platform_words(SLACK)
BROADCAST = re.compile(r"@(here|channel|everyone)\b", re.IGNORECASE)

# Any shareable answer: its buttons are Share and Pin.
SHAREABLE = Reply("optout", "", (), service_id="x", shareable=True)


def payloads(messages: list[SlackMessage]) -> list[dict[str, object]]:
    return [message.payload() for message in messages]


@pytest.mark.parametrize("name", GOLDEN_COMMANDS)
def test_replies_match_their_golden_files(name: str) -> None:
    command = GOLDEN_COMMANDS[name]
    reply = answer_line(assistant_at(NOW), command)
    buttons = answer_buttons(reply, SLACK_WORDS)
    assert_golden(f"slack_{name}.json", payloads(render_reply(reply, buttons)))


def test_shared_answer_names_who_shared_it_and_has_no_buttons() -> None:
    reply = answer_line(assistant_at(NOW), "/deadline chatterbox")
    messages = render_reply(reply, shared_by="U0ALICE")
    assert_golden("slack_deadline_service_shared.json", payloads(messages))
    context = messages[-1].blocks[-1]
    assert context["type"] == "context"
    assert context["elements"][-1]["text"] == "Shared by <@U0ALICE>"


def test_minute_precision_uses_slack_date_token_with_utc_fallback() -> None:
    launch = datetime(2026, 12, 10, 17, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    text = mrkdwn((When(launch, "minute", relative=True),), datetime(2026, 12, 10, 12, tzinfo=UTC))
    stamp = int(launch.timestamp())
    assert (
        text == f"<!date^{stamp}^{{date_short_pretty}} {{time}}|11 Dec 2026 01:00 UTC> "
        f"(<!date^{stamp}^{{ago}}|in 13 hours as of 10 Dec 2026>)"
    )


def test_day_precision_shows_the_calendar_date_unshifted() -> None:
    # Midnight in Los Angeles is already the next day in UTC; a calendar date must not move.
    day = datetime(2025, 10, 8, tzinfo=ZoneInfo("America/Los_Angeles"))
    text = mrkdwn((When(day, "day", relative=True),), datetime(2025, 9, 20, 12, tzinfo=UTC))
    stamp = int(day.timestamp())
    # The countdown is Slack's own, so it is never stale; its fallback stays true as dated.
    assert text == f"8 Oct 2025 (<!date^{stamp}^{{ago}}|in 18 days as of 20 Sep 2025>)"


def test_hostile_user_text_is_neutralised() -> None:
    hostile = "<!channel> <@U123> @here @Everyone *b* _i_ ~s~ `c` &amp; <https://evil|x>"
    shown = mrkdwn((UserText(hostile),), None)
    assert shown == (
        "&lt;!channel&gt; &lt;@U123&gt; ＠here ＠Everyone ∗b∗ ˍiˍ ∼s∼ ˋcˋ &amp;amp; "
        "&lt;https://evil|x&gt;"
    )
    assert "<" not in shown and ">" not in shown
    assert not BROADCAST.search(shown)
    assert not re.search(r"[*_~`]", shown)


def test_mentions_cannot_be_assembled_from_two_spans() -> None:
    shown = mrkdwn((Text("@"), UserText("here")), None)
    assert not BROADCAST.search(shown)


def test_links_to_other_schemes_are_shown_as_text() -> None:
    shown = mrkdwn((Link("javascript:alert(1)", "click"),), None)
    assert shown == "click (javascript:alert(1))"
    assert mrkdwn((Link("https://a.example/?x=1&y=<2>|z", "A|B"),), None) == (
        "<https://a.example/?x=1&amp;y=%3C2%3E%7Cz|A|B>"
    )


def test_a_line_that_would_quote_is_kept_literal() -> None:
    reply = Reply(
        "optout", "T", (Text("x"),), sections=(Section("S", ((Text("> not a quote"),),)),)
    )
    section = render_reply(reply)[0].blocks[2]["text"]["text"]
    assert "\n\u00ad&gt; not a quote" in section


def test_long_replies_are_split_within_every_limit_and_keep_every_word() -> None:
    links = tuple(Link(f"https://example.com/{n}", f"source {n}") for n in range(400))
    paragraph: RichText = tuple(Text(f"word{n} ") for n in range(2000))
    sections = tuple(
        Section(
            f"Section {n}",
            (paragraph,),
            tuple((Link(f"https://x.example/{n}", "a b c"),) for _ in range(30)),
            numbered=True,
        )
        for n in range(40)
    )
    reply = Reply("optout", "T" * 300, (Text("summary"),), sections, links, shareable=True)
    messages = render_reply(reply, answer_buttons(SHAREABLE, SLACK_WORDS), shared_by="U0ALICE")
    assert len(messages) > 1
    for message in messages:
        assert_within_limits(message)
    assert [b["type"] for m in messages for b in m.blocks].count("actions") == 1
    assert messages[-1].blocks[-1]["type"] == "actions"
    texts = " ".join(block_texts(messages))
    assert all(f"word{n} " in texts or f"word{n}\n" in texts for n in range(2000))
    assert all(f"<https://example.com/{n}|source {n}>" in texts for n in range(400))


def test_split_text_never_cuts_inside_a_token_or_entity() -> None:
    text = " ".join(["<https://example.com/long/path|a label with spaces> &amp;"] * 200)
    for chunk in split_text(text, 100):
        assert len(chunk) <= 100
        assert chunk.count("<") == chunk.count(">")
        assert not re.search(r"&(?!amp;)", chunk)


def test_notices_mention_the_app_only_through_a_valid_id() -> None:
    notice = render_notice("Invite me with /invite {bot} <@U999>", "U0BOT")
    assert notice.blocks[0]["text"]["text"] == "Invite me with /invite <@U0BOT> &lt;@U999&gt;"
    assert "{bot}" not in render_notice("/invite {bot}", "not an id").blocks[0]["text"]["text"]


# -- properties -----------------------------------------------------------------------------

texts = st.text(max_size=300)
spans: st.SearchStrategy[Span] = st.one_of(
    st.builds(Text, texts),
    st.builds(UserText, texts),
    st.builds(Strong, texts),
    st.builds(Label, texts),
    st.builds(Link, st.one_of(texts, st.just("https://x.example/a?b=1&c=2")), texts),
    st.builds(
        When,
        st.datetimes(timezones=st.just(UTC), min_value=datetime(1990, 1, 1)),
        st.sampled_from(["day", "minute"]),
        st.booleans(),
    ),
)
rich = st.lists(spans, max_size=6).map(tuple)
replies = st.builds(
    Reply,
    command=st.just("optout"),
    title=texts,
    summary=rich,
    sections=st.lists(
        st.builds(
            Section,
            st.one_of(st.none(), texts),
            st.lists(rich, max_size=3).map(tuple),
            st.lists(rich, max_size=5).map(tuple),
            st.booleans(),
        ),
        max_size=8,
    ).map(tuple),
    sources=st.lists(st.builds(Link, texts, texts), max_size=5).map(tuple),
    notices=st.lists(rich, max_size=2).map(tuple),
    generated_at=st.just(datetime(2025, 9, 20, 12, tzinfo=UTC)),
)


@settings(max_examples=200, deadline=None)
@given(replies)
def test_no_rendered_reply_carries_a_mention_or_breaks_a_limit(reply: Reply) -> None:
    messages = render_reply(reply, answer_buttons(SHAREABLE, SLACK_WORDS), shared_by="U0ALICE")
    for message in messages:
        assert_within_limits(message)
        for text in [message.text, *block_texts([message])]:
            assert "<" not in ALLOWED_TOKEN.sub("", text)
            assert not BROADCAST.search(text)


LOOKALIKES_BACK = str.maketrans(
    {"\u2217": "*", "\u02cd": "_", "\u223c": "~", "\u02cb": "`", "\uff20": "@"}
)


@given(st.text(max_size=500))
def test_user_text_never_keeps_markup_or_tokens_and_loses_no_words(text: str) -> None:
    assume(not set(text) & {"\u2217", "\u02cd", "\u223c", "\u02cb", "\uff20"})
    shown = mrkdwn((UserText(text),), None)
    assert not re.search(r"[<>*_~`]", shown)
    assert not BROADCAST.search(shown)
    restored = shown.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert restored.translate(LOOKALIKES_BACK) == " ".join(text.split())


def block_texts(messages: list[SlackMessage]) -> list[str]:
    found = []
    for message in messages:
        for block in message.blocks:
            if "text" in block:
                found.append(block["text"]["text"])
            for element in block.get("elements", []):
                found.append(
                    element["text"] if block["type"] == "context" else element["text"]["text"]
                )
    return found


def assert_within_limits(message: SlackMessage) -> None:
    assert message.text
    assert len(message.blocks) <= MAX_BLOCKS_PER_MESSAGE
    for block in message.blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= MAX_HEADER_CHARS
            assert not re.search(r"[<>]", block["text"]["text"])
        elif block["type"] == "section":
            assert 0 < len(block["text"]["text"]) <= MAX_SECTION_CHARS
        elif block["type"] == "context":
            assert len(block["elements"]) <= MAX_CONTEXT_ELEMENTS
            assert all(len(e["text"]) <= MAX_CONTEXT_CHARS for e in block["elements"])
