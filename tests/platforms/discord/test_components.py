"""Rendered replies as discord.py objects: made into JSON once, sent as discord.py sends them."""

from __future__ import annotations

import discord
import pytest

from bot.core.catalogue import CATALOGUE
from bot.platforms.discord.components import (
    NO_BUTTONS,
    PRIVATE,
    PUBLIC,
    GuideButton,
    PinButton,
    RenderedEmbed,
    RenderedReplies,
    ShareButton,
)
from bot.platforms.discord.render import render_reply
from tests.support import assistant_at

NOW = "2025-09-20T12:00:00+00:00"
QUESTIONS = [
    (spec.name, service)
    for spec in CATALOGUE
    for service in (None, "chatterbox", "oldsocial", "@everyone <@&1> **x**")
    if spec.options or service is None
]


@pytest.mark.parametrize(("command", "service"), QUESTIONS)
def test_a_rendered_embed_sends_the_renderers_json_as_discord_py_would_build_it(
    command: str, service: str | None
) -> None:
    for message in render_reply(assistant_at(NOW).run(command, service)):
        for data in message.embeds:
            sent = dict(RenderedEmbed.of(data).to_dict())
            assert sent == discord.Embed.from_dict(data).to_dict()
            # discord.py adds the embed's flags (0) to what the renderer made.
            assert sent.pop("flags") == 0
            assert sent == data


@pytest.mark.parametrize("buttons", [PRIVATE, PUBLIC])
async def test_rendered_buttons_send_what_a_plain_view_of_the_same_buttons_would(
    buttons: str,
) -> None:
    reply = assistant_at(NOW).run("optout", "chatterbox")
    [fields] = RenderedReplies().reply(reply, buttons)
    view = fields["view"]
    plain = discord.ui.View(timeout=None)
    kinds = (ShareButton, PinButton, GuideButton)
    for item in view.children:
        if isinstance(item, discord.ui.Button):
            # The settings link: a plain link button, which Discord opens without asking the bot.
            assert item.url is not None
            plain.add_item(discord.ui.Button(label=item.label, url=item.url))
            continue
        kind = next(kind for kind in kinds if isinstance(item, kind))
        plain.add_item(kind(item.custom_id, item.item.label or ""))
    assert view.to_components() == plain.to_components()
    assert any(isinstance(item, GuideButton) for item in view.children)
    assert view.is_finished()  # never kept waiting for clicks: the dynamic items answer them


def test_a_new_reply_object_is_rendered_anew_and_the_same_one_is_not() -> None:
    assistant = assistant_at(NOW)
    rendered = RenderedReplies()
    first = rendered.reply(assistant.run("optout", "chatterbox"), PRIVATE)
    assert rendered.reply(assistant.run("optout", "chatterbox"), PRIVATE) is first
    later = assistant_at("2025-09-20T12:01:00+00:00").run("optout", "chatterbox")
    assert rendered.reply(later, PRIVATE) is not first
    assert rendered.reply(later, NO_BUTTONS) is not rendered.reply(later, PRIVATE)
