"""Button ids, the permissions behind Share and Pin, and the bot's words about missing ones."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from hypothesis import given
from hypothesis import strategies as st

from bot.core.catalogue import CATALOGUE
from bot.platforms.discord import actions
from bot.platforms.discord.sharing import lacks_text
from tests.support import assistant_at, fixture_knowledge, platform_words

WORDS = platform_words(actions.PLATFORM)

NOW = "2025-09-20T12:00:00+00:00"


def test_a_private_answer_offers_share_and_pin_and_a_public_one_only_pin() -> None:
    reply = assistant_at(NOW).run("optout", "chatterbox")
    private = actions.buttons(reply, False, WORDS)
    public = actions.buttons(reply, True, WORDS)
    assert [(b.label, b.custom_id) for b in private] == [
        ("Open settings", ""),
        ("Full guide", "optout:guide:optout:chatterbox"),
        ("Share in channel", "optout:post:optout:chatterbox"),
        ("Pin", "optout:pin:optout:chatterbox"),
    ]
    assert private[0].url == "https://chatterbox.example.com/settings/data"
    assert [b.custom_id for b in public] == [
        "",
        "optout:guide:optout:chatterbox",
        "optout:pin:optout:chatterbox",
    ]


def test_errors_and_help_get_no_buttons() -> None:
    assistant = assistant_at(NOW)
    assert actions.buttons(assistant.run("optout", "no such thing"), False, WORDS) == []
    assert actions.buttons(assistant.run("help"), False, WORDS) == []


def test_answers_without_a_service_keep_an_empty_service_in_their_id() -> None:
    [share, _] = actions.buttons(assistant_at(NOW).run("deadline"), False, WORDS)
    assert share.custom_id == "optout:post:deadline:"
    assert actions.parse_custom_id(share.custom_id) == ("share", "deadline", "")


def test_every_command_and_the_longest_service_id_fit_in_a_custom_id() -> None:
    longest_service = "s" * 63
    for spec in CATALOGUE:
        for action in (actions.SHARE, actions.PIN):
            value = actions.custom_id(action, spec.name, longest_service)
            assert len(value) <= actions.CUSTOM_ID_LIMIT
            assert actions.parse_custom_id(value) == (action, spec.name, longest_service)


@given(st.text(max_size=120))
def test_foreign_or_forged_ids_are_not_ours(value: str) -> None:
    parsed = actions.parse_custom_id(value)
    if parsed is not None:
        action, command, service = parsed
        assert value == actions.custom_id(action, command, service)
        assert re.fullmatch(r"[a-z]{1,32}", command) and re.fullmatch(r"[a-z0-9-]{0,63}", service)


def test_missing_lists_only_absent_permissions() -> None:
    granted = actions.VIEW_CHANNEL.bit | actions.SEND_MESSAGES.bit
    needed = (*actions.posting_permissions(in_thread=False), actions.PIN_MESSAGES)
    assert actions.missing(granted, needed) == [actions.EMBED_LINKS, actions.PIN_MESSAGES]
    assert actions.posting_permissions(in_thread=True)[1] is actions.SEND_IN_THREADS


def test_the_bot_says_which_permission_it_lacks_and_how_to_grant_it() -> None:
    phrases = fixture_knowledge().messages.en
    text = lacks_text(phrases, "pin", [actions.PIN_MESSAGES])
    assert text.startswith("I can't pin this answer: I need the **Pin Messages** permission here.")
    assert "Server Settings → Roles" in text and "Edit Channel → Permissions" in text
    several = lacks_text(phrases, "post", [actions.SEND_MESSAGES, actions.EMBED_LINKS])
    assert "the **Send Messages** and **Embed Links** permissions" in several


def test_a_member_without_pin_rights_is_told_so() -> None:
    text = actions.member_lacks(actions.PIN, [actions.PIN_MESSAGES], WORDS)
    assert text.startswith("Only members with the **Pin Messages** permission")


def test_the_invite_asks_for_both_scopes_and_exactly_the_needed_permissions() -> None:
    url = actions.invite_url(1100000000000000001)
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://discord.com/oauth2/authorize"
    assert query["client_id"] == ["1100000000000000001"]
    assert query["scope"] == ["bot applications.commands"]
    # View Channels, Send Messages, Embed Links, Send Messages in Threads, Pin Messages.
    expected = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 38) | (1 << 51)
    assert query["permissions"] == [str(expected)]
