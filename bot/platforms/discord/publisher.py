"""Living answers on Discord: the background ``Publisher``, and where a request that waits on the
store was made (and whether its member may manage that channel).

A post carries its idempotency key as the message nonce; discord.py sends it with
``enforce_nonce``, so Discord itself returns the earlier message instead of posting twice when a
post in doubt is retried within minutes. discord.py waits out ordinary 429s by itself (it sleeps
for the Retry-After and retries); what it gives up on reaches the core's pacer as a rate limit.
A reminder round waits for each post, so every call is bounded (see ``errors``); a post cut short
is in doubt, and its retry carries the same nonce.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import discord

from bot.core.assistant import Assistant
from bot.core.living.pages import edit_in_place, grew_note
from bot.core.ports.channels import ChannelRef, MessageRef
from bot.core.reply import Reply
from bot.core.request import Request
from bot.core.richtext import RichText
from bot.platforms.discord.actions import PLATFORM
from bot.platforms.discord.components import NO_BUTTONS, PUBLIC, RenderedReplies
from bot.platforms.discord.errors import discord_call
from bot.platforms.discord.render import inline

log = logging.getLogger(__name__)

ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
# Either lets a member change a channel's reminders.
MANAGERS = ADMINISTRATOR | MANAGE_CHANNELS | MANAGE_GUILD


async def post_pages(
    channel: Any, pages: Sequence[dict[str, Any]], seconds: float, key: str | None = None
) -> tuple[str, ...]:
    """Post an answer's messages in order, each within ``seconds``; returns their ids.

    With ``key``, each message carries a nonce made from it, so a retried post is not repeated.
    """
    ids = []
    for index, fields in enumerate(pages):
        # Discord takes nonces of up to 25 characters; the core's keys have 20.
        nonce = {} if key is None else {"nonce": key if index == 0 else f"{key}-{index}"}
        message = await discord_call(channel.send(**fields, **nonce), seconds)
        ids.append(str(message.id))
    return tuple(ids)


def partial_channel(client: discord.Client, channel: ChannelRef) -> discord.PartialMessageable:
    """A channel to post in or edit messages of, without fetching it."""
    guild = int(channel.workspace) if channel.workspace.isdecimal() else None
    return client.get_partial_messageable(int(channel.channel), guild_id=guild)


class DiscordPublisher:
    """Posts reminders with ``channel.send`` and edits posted answers in place, over REST."""

    platform = PLATFORM

    def __init__(
        self,
        client: discord.Client,
        rendered: RenderedReplies,
        assistant: Assistant,
        timeout: float = 30.0,
    ) -> None:
        self._client = client
        self._rendered = rendered
        self._assistant = assistant
        self._timeout = timeout

    async def post(self, channel: ChannelRef, reply: Reply, key: str) -> MessageRef:
        """Post ``reply`` with ``key`` as the nonce of its first message."""
        target = partial_channel(self._client, channel)
        pages = self._rendered.reply(reply, NO_BUTTONS)
        return MessageRef(channel, await post_pages(target, pages, self._timeout, key))

    async def find(self, channel: ChannelRef, key: str) -> MessageRef | None:
        """Always None: Discord shows no nonce in a channel's history, and ``enforce_nonce``
        already turns a repeated post into the earlier message."""
        return None

    async def edit(self, message: MessageRef, reply: Reply) -> None:
        """Show ``reply`` in the messages of a posted answer; parts it no longer needs go."""
        note = grew_note(self._assistant, reply)
        await edit_in_place(message, self._rendered.reply(reply, PUBLIC), self, note)

    async def update(self, channel: ChannelRef, message_id: str, page: dict[str, Any]) -> None:
        """Show ``page`` in one message (content and buttons it no longer has are removed)."""
        partial = partial_channel(self._client, channel).get_partial_message(int(message_id))
        await discord_call(partial.edit(**{"content": None, "view": None, **page}), self._timeout)

    async def delete(self, channel: ChannelRef, message_id: str) -> None:
        """Delete one message."""
        partial = partial_channel(self._client, channel).get_partial_message(int(message_id))
        await discord_call(partial.delete(), self._timeout)

    def with_note(self, page: dict[str, Any], note: RichText) -> dict[str, Any]:
        """The page with ``note`` as its text above the embeds."""
        return {**page, "content": inline(note, None)}


def placed(interaction: discord.Interaction, request: Request) -> Request:
    """The request with its server channel (none in a direct message) and its member's right to
    manage that channel (Manage Channels or Manage Server)."""
    channel = None
    if interaction.guild_id and interaction.channel_id is not None:
        channel = ChannelRef(PLATFORM, str(interaction.guild_id), str(interaction.channel_id))

    async def may_manage() -> bool:
        return bool(interaction.permissions.value & MANAGERS)

    return replace(request, channel=channel, may_manage=may_manage)
