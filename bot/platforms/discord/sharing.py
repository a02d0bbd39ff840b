"""Sharing and pinning answers on Discord: the core's flow in the interaction's channel, and its
outcome in Discord's words."""

from __future__ import annotations

from typing import Any

import discord

from bot.core.living.sharing import SharingOutcome, Step, describe
from bot.core.phrases.messages import Phrases
from bot.core.ports.channels import ChannelRef, MessageRef
from bot.core.reply import Reply
from bot.platforms.discord import actions
from bot.platforms.discord.components import PINNED, PUBLIC, RenderedReplies
from bot.platforms.discord.errors import discord_call
from bot.platforms.discord.publisher import post_pages

PLATFORM = actions.PLATFORM
PLATFORM_NAME = "Discord"
THREAD_TYPES = {
    discord.ChannelType.public_thread,
    discord.ChannelType.private_thread,
    discord.ChannelType.news_thread,
}


class DiscordSharingChannel:
    """The channel (or thread) an interaction came from, posted and pinned in over REST."""

    def __init__(
        self, interaction: discord.Interaction, rendered: RenderedReplies, timeout: float
    ) -> None:
        self._interaction = interaction
        self._rendered = rendered
        self._timeout = timeout
        self.channel = ChannelRef(
            PLATFORM, str(interaction.guild_id or ""), str(interaction.channel_id)
        )

    async def post(self, reply: Reply, pin: bool) -> MessageRef:
        """Post the answer; one posted to be pinned at once needs no Pin button."""
        pages = self._rendered.reply(reply, PINNED if pin else PUBLIC)
        ids = await post_pages(self._interaction.channel, pages, self._timeout)
        return MessageRef(self.channel, ids)

    async def pin(self, message: MessageRef) -> bool:
        """Pin the answer's first message (Discord accepts pinning a pinned message again)."""
        channel: Any = self._interaction.channel
        partial = channel.get_partial_message(int(message.first))
        await discord_call(partial.pin(), self._timeout)
        return True


def sharing_channel(
    interaction: discord.Interaction, rendered: RenderedReplies, timeout: float
) -> DiscordSharingChannel | None:
    """The interaction's channel, when it is a server channel."""
    if not interaction.guild_id or interaction.channel_id is None:
        return None
    return DiscordSharingChannel(interaction, rendered, timeout)


def in_thread(interaction: discord.Interaction) -> bool:
    """Whether the interaction came from a thread (which needs its own send permission)."""
    return getattr(interaction.channel, "type", None) in THREAD_TYPES


def bot_lacks(
    interaction: discord.Interaction, action: str, already_public: bool
) -> list[actions.Permission]:
    """The permissions the bot needs here for ``action`` and does not have."""
    needed = actions.needed_by_bot(
        action, in_thread=in_thread(interaction), already_public=already_public
    )
    return actions.missing(interaction.app_permissions.value, needed)


def lacks_text(phrases: Phrases, step: Step, lacking: list[actions.Permission]) -> str:
    """Which permissions the bot lacks for ``step``, as Discord names them, and where a server
    admin grants them."""
    outcome = SharingOutcome("no_permission", step)
    words = phrases.platform(actions.PLATFORM)
    named = actions.permission_words(lacking, words)
    said = describe(outcome, phrases.sharing, PLATFORM_NAME, named)
    return f"{said} {actions.how_to_grant(lacking, words)}"


def told(
    outcome: SharingOutcome,
    phrases: Phrases,
    interaction: discord.Interaction,
    already_public: bool,
) -> str:
    """The outcome in words, with a link to what was posted or pinned."""
    if outcome.kind == "no_permission":
        action = actions.PIN if outcome.step == "pin" else actions.SHARE
        # Discord does not say which permission a 403 was for: name all the action needs.
        needed = actions.needed_by_bot(
            action, in_thread=in_thread(interaction), already_public=already_public
        )
        text = lacks_text(phrases, outcome.step, list(needed))
        return f"{phrases.sharing.shared} {text}" if outcome.shared else text
    text = describe(outcome, phrases.sharing, PLATFORM_NAME)
    message = outcome.message
    if outcome.succeeded and message is not None:
        channel = message.channel
        text += " " + actions.jump_url(channel.workspace, channel.channel, message.first)
    return text
