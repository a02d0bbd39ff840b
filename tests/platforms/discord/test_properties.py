"""Property tests through the real discord.py: any command, option or button payload gets a reply,
and nothing the bot sends can ping anyone."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.catalogue import CATALOGUE, DEADLINE_SUBACTIONS
from bot.platforms.discord.actions import PIN_TEMPLATE, SHARE_TEMPLATE
from tests.platforms.discord.fake_discord import (
    BackgroundDiscord,
    autocomplete,
    click,
    sent_message,
    slash,
)
from tests.support import assistant_at

NOW = "2025-09-20T12:00:00+00:00"
PING = re.compile(r"@(everyone|here)|<@[!&]?\d+>|<#\d+>", re.IGNORECASE)
EXAMPLES = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

hostile_text = st.one_of(
    st.text(max_size=200),
    st.text(
        alphabet=st.sampled_from(list("@<>#&!/:*_~`|[]()\\- everyonhr0123456789")), max_size=200
    ),
    st.sampled_from(
        ["@everyone", "@here", "<@&123456789>", "<@!42>", "**x**", "# h", "y" * 10_000]
    ),
)
permission_bits = st.integers(min_value=0, max_value=(1 << 53) - 1)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackgroundDiscord]:
    state: Path = tmp_path_factory.mktemp("discord") / "discord-commands.json"
    with BackgroundDiscord(state, assistant_at(NOW)) as running:
        yield running


def assert_safe(body: dict[str, Any]) -> None:
    assert not PING.search(json.dumps(body, ensure_ascii=False))
    data = body.get("data") or {}
    if "allowed_mentions" in data:
        assert data["allowed_mentions"] == {"parse": []}


def settle(live: BackgroundDiscord, payload: dict[str, Any], body: dict[str, Any]) -> None:
    """A deferred answer ends with a private confirmation; wait for it and check what was posted."""
    if body["type"] == 5:
        for request in live.requests_for(payload, 1):
            assert_safe(request.body)
    for request in live.fake.calls("POST", r"/channels/\d+/messages"):
        assert request.body["allowed_mentions"] == {"parse": []}
        assert_safe(request.body)


@EXAMPLES
@given(
    command=st.sampled_from([spec.name for spec in CATALOGUE]) | st.text(max_size=40),
    service=hostile_text | st.integers() | st.booleans(),
    share=st.booleans(),
    in_guild=st.booleans(),
)
def test_any_command_and_options_get_a_safe_reply(
    live: BackgroundDiscord, command: str, service: Any, share: bool, in_guild: bool
) -> None:
    payload = slash(live.bot, command, {"service": service, "share": share}, guild=in_guild)
    body = live.interact(payload)
    assert body["type"] in (4, 5)
    assert body["data"]["flags"] == 64
    assert_safe(body)
    settle(live, payload, body)


@EXAMPLES
@given(typed=hostile_text)
def test_any_typing_gets_at_most_25_choices(live: BackgroundDiscord, typed: str) -> None:
    body = live.interact(autocomplete(live.bot, "optout", typed))
    assert body["type"] == 8
    assert len(body["data"]["choices"]) <= 25


@EXAMPLES
@given(
    custom_id=st.from_regex(SHARE_TEMPLATE, fullmatch=True)
    | st.from_regex(PIN_TEMPLATE, fullmatch=True),
    permissions=permission_bits,
    app_permissions=permission_bits,
    ephemeral=st.booleans(),
    in_guild=st.booleans(),
)
def test_any_button_click_gets_a_safe_reply(
    live: BackgroundDiscord,
    custom_id: str,
    permissions: int,
    app_permissions: int,
    ephemeral: bool,
    in_guild: bool,
) -> None:
    message = sent_message({"embeds": [{"title": "An answer"}]}, "1730000000000000001", ephemeral)
    message["components"] = [
        {
            "type": 1,
            "components": [{"type": 2, "style": 2, "label": "Button", "custom_id": custom_id}],
        }
    ]
    payload = click(
        live.bot,
        custom_id,
        message,
        permissions=permissions,
        app_permissions=app_permissions,
        guild=in_guild,
    )
    body = live.interact(payload)
    assert body["type"] in (4, 5)
    assert body["data"]["flags"] == 64
    assert_safe(body)
    settle(live, payload, body)


@EXAMPLES
@given(
    action=st.sampled_from([spec.name for spec in DEADLINE_SUBACTIONS]) | hostile_text,
    service=hostile_text,
    permissions=permission_bits,
    in_guild=st.booleans(),
)
def test_any_reminder_action_gets_a_safe_private_reply(
    live: BackgroundDiscord, action: str, service: str, permissions: int, in_guild: bool
) -> None:
    options = {"action": action, "service": service}
    payload = slash(live.bot, "deadline", options, permissions=permissions, guild=in_guild)
    body = live.interact(payload)
    assert body["type"] in (4, 5)
    assert body["data"]["flags"] == 64
    assert_safe(body)
    settle(live, payload, body)
