"""Checklist cards on Discord: posting one for ``/optout action:checklist``, and the Mark done
and Undo buttons under it, through the core's sharing flow and checklist book."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import discord

from bot.core.answers.checklist import picked
from bot.core.assistant import Assistant
from bot.core.living.access import LivingAccess
from bot.core.living.sharing import Sharing
from bot.core.phrasing import fill
from bot.core.reply import Reply
from bot.core.request import Request
from bot.core.richtext import RichText
from bot.ops import observe
from bot.platforms.discord import actions
from bot.platforms.discord.components import PUBLIC, RenderedReplies
from bot.platforms.discord.publisher import placed
from bot.platforms.discord.sharing import bot_lacks, lacks_text, sharing_channel, told

log = logging.getLogger(__name__)

# How the adapter answers privately: a reply, or the bot's own words.
SendPrivate = Callable[[discord.Interaction, Reply | str], Awaitable[None]]


class DiscordChecklists:
    """Posts checklist cards and answers clicks on their items."""

    def __init__(
        self,
        assistant: Assistant,
        access: LivingAccess,
        rendered: RenderedReplies,
        send_private: SendPrivate,
        timeout: float,
    ) -> None:
        self._assistant = assistant
        self._access = access
        self._sharing = Sharing(access)
        self._rendered = rendered
        self._send_private = send_private
        self._timeout = timeout

    async def post(self, interaction: discord.Interaction, reply: Reply) -> None:
        """Post the card in the interaction's channel, and tell the member how it went."""
        locale = str(interaction.locale)
        words = self._assistant.phrases(locale).workspace
        channel = sharing_channel(interaction, self._rendered, self._timeout)
        if channel is not None:
            if self._access.checklists() is None:
                return await self._tell(interaction, fill(words.unavailable))
            lacking = bot_lacks(interaction, actions.SHARE, already_public=False)
            if lacking:
                phrases = self._assistant.phrases(locale)
                return await self._send_private(interaction, lacks_text(phrases, "post", lacking))
            await interaction.response.defer(ephemeral=True, thinking=True)
            observe.acknowledged()
        outcome = await self._sharing.post_checklist(channel, reply)
        if outcome.kind == "failed":
            return await self._send_private(interaction, self._assistant.apology(locale))
        if outcome.succeeded:
            return await self._tell(interaction, fill(words.posted))
        phrases = self._assistant.phrases(locale)
        await self._send_private(interaction, told(outcome, phrases, interaction, False))

    async def pick(self, interaction: discord.Interaction, values: list[str]) -> None:
        """Post the checklist of the tools chosen in the picker, as if they had been typed."""
        locale = str(interaction.locale)
        words = self._assistant.phrases(locale).workspace
        argument = picked(self._assistant.knowledge(), values)
        if argument is None:
            return await self._tell(interaction, fill(words.picker_stale))
        request = Request("optout", argument, locale=locale, action="checklist")
        reply = self._assistant.answer_now(request)
        if reply is None or not reply.checklist:
            return await self._tell(interaction, fill(words.picker_stale))
        await self.post(interaction, reply)

    async def toggle(self, interaction: discord.Interaction, service: str, done: bool) -> None:
        """Mark the clicked item done or open again, if the member may manage the channel,
        and show the card as it is now in the message clicked."""
        words = self._assistant.phrases(str(interaction.locale)).workspace
        book = self._access.checklists()
        if book is None:
            return await self._tell(interaction, fill(words.unavailable))
        where = placed(interaction, Request("optout"))
        message = interaction.message
        if where.channel is None or message is None:
            return await self._tell(interaction, fill(words.not_tracked))
        user = str(interaction.user.id)
        toggled = await book.toggle(
            where.channel, str(message.id), service, done, user, where.may_manage
        )
        if toggled.kind == "not_allowed":
            return await self._tell(interaction, fill(words.not_allowed))
        if toggled.kind == "not_tracked" or toggled.card is None:
            return await self._tell(interaction, fill(words.not_tracked))
        # The card fits one message: one line and one button per item, 20 items at most.
        fields = self._rendered.reply(toggled.card, PUBLIC)[0]
        await interaction.response.edit_message(**fields)
        observe.acknowledged()
        await book.shown(toggled.checklist_id, toggled.generation)

    async def _tell(self, interaction: discord.Interaction, text: RichText) -> None:
        await self._send_private(interaction, Reply(command="optout", title="", summary=text))
