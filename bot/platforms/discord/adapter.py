"""The Discord adapter: application commands, autocomplete, and the Post and Pin buttons."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any, TypeVar

import discord
from discord import app_commands

from bot.core.assistant import Assistant
from bot.core.living.access import LivingAccess
from bot.core.reply import Reply
from bot.core.request import Request
from bot.ops import observe
from bot.platforms import PlatformSetupError
from bot.platforms.discord import actions
from bot.platforms.discord.client import REJECTED_TOKEN, DiscordOptions, make_client
from bot.platforms.discord.commands import (
    ACTION_OPTION,
    AUTOCOMPLETE_CHOICE_LIMIT,
    CHOICE_NAME_LIMIT,
    OPTION_VALUE_LIMIT,
    SHARE_OPTION,
    SyncState,
    build_commands,
    sync,
    sync_if_changed,
)
from bot.platforms.discord.components import (
    NO_BUTTONS,
    PRIVATE,
    PUBLIC,
    PinButton,
    PostButton,
    RenderedReplies,
)
from bot.platforms.discord.publisher import DiscordLiving, DiscordPublisher
from bot.platforms.discord.render import truncate

log = logging.getLogger(__name__)

THREAD_TYPES = {
    discord.ChannelType.public_thread,
    discord.ChannelType.private_thread,
    discord.ChannelType.news_thread,
}
Result = TypeVar("Result")
MAX_PINS_REACHED = 30003  # Discord's error code when a channel already holds its maximum of pins


class DiscordAdapter:
    """Answers application commands and button clicks from the assistant."""

    def __init__(
        self, assistant: Assistant, options: DiscordOptions, living: LivingAccess | None = None
    ) -> None:
        self.assistant = assistant
        self._options = options
        self._living = DiscordLiving(living or LivingAccess())
        self.client = make_client(options, self)
        self._ready = asyncio.Event()
        self.tree = app_commands.CommandTree(self.client)
        self.tree.on_error = self._on_command_error  # type: ignore[method-assign]
        for command in build_commands(self._answer, self._complete):
            self.tree.add_command(command)
        self.client.add_dynamic_items(PostButton, PinButton)
        self._rendered = RenderedReplies()
        self.publisher = DiscordPublisher(self.client, self._rendered, options.api_timeout)
        self.sync_state = SyncState(options.sync_state)
        self.observer = observe.Observer()

    async def run(self) -> None:
        """Connect and serve until closed."""
        async with self.client:
            try:
                await self.client.start(self._options.token)
            except discord.LoginFailure:
                log.error("Discord rejected DISCORD_TOKEN; copy it again from the Developer Portal")

    async def connected(self) -> bool:
        """Whether every gateway connection of this process is up (the health check)."""
        client = self.client
        # Not is_ready(): that waits for every guild's data, and says nothing of the socket.
        if client.is_closed():
            return False
        if isinstance(client, discord.AutoShardedClient):
            return all(not shard.is_closed() for shard in client.shards.values())
        return client.ws is not None and client.ws.open

    async def setup(self) -> None:
        """After login, before the gateway: register commands if they changed (shard 0 only)."""
        shards = self._options.shard_ids
        if self._options.sync_on_start and (not shards or 0 in shards):
            await sync_if_changed(self.tree, self.sync_state)
        # Posting and editing are REST calls: logged in is enough, the gateway need not be up.
        self._ready.set()

    async def ready_publisher(self) -> DiscordPublisher:
        """The publisher living answers post and edit through, once the client is logged in."""
        await self._ready.wait()
        return self.publisher

    async def sync(self, guild_id: int | None) -> int:
        """Log in, register the commands now, log out; returns how many were registered."""
        try:
            async with self.client:
                await self.client.login(self._options.token)
                return await sync(self.tree, self.sync_state, guild_id)
        except discord.LoginFailure:
            raise PlatformSetupError(REJECTED_TOKEN) from None
        except discord.HTTPException as error:
            raise PlatformSetupError(
                f"Discord refused the registration: {error.status} {error.text}"
            ) from None

    async def _complete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        choices = self.assistant.autocomplete(current or "", AUTOCOMPLETE_CHOICE_LIMIT)
        return [
            app_commands.Choice(
                name=truncate(choice.name, CHOICE_NAME_LIMIT),
                value=truncate(choice.value, OPTION_VALUE_LIMIT),
            )
            for choice in choices
        ]

    @observe.observed("discord", lambda self, interaction, command, options: command)
    async def _answer(
        self, interaction: discord.Interaction, command: str, options: dict[str, Any]
    ) -> None:
        # Discord types the options as strings; a forged payload may not, so insist on them.
        service, action = options.get("service"), options.get(ACTION_OPTION)
        request = Request(
            command,
            "" if service is None else str(service),
            locale=str(interaction.locale),
            action=None if action is None else str(action),
        )
        reply = self.assistant.answer_now(request)
        if reply is None:
            # It waits on the database: answer within Discord's 3 seconds first.
            await interaction.response.defer(ephemeral=True, thinking=True)
            observe.acknowledged()
            reply = await self.assistant.handle(self._living.where(interaction, request))
            return await self._send_private(interaction, reply)
        observe.replied(reply)
        if not (options.get(SHARE_OPTION) and reply.shareable and interaction.guild_id):
            return await self._send_private(interaction, reply)
        refusal = _refusal(interaction, actions.POST, already_public=False)
        if refusal:
            # The member still gets the answer, just not in public.
            await self._send_private(interaction, reply)
            return await self._send_private(interaction, refusal)
        await self._carry_out(interaction, actions.POST, reply, already_public=False)

    @observe.observed("discord", lambda self, interaction, action, *_: f"{action}-button")
    async def on_button(
        self, interaction: discord.Interaction, action: str, command: str, service: str
    ) -> None:
        """A Post or Pin click: answer again from current knowledge, then act if permitted."""
        try:
            locale = str(interaction.guild_locale or interaction.locale)
            reply = self.assistant.run(command, service or None, locale)
            message = interaction.message
            # Pin under a posted answer pins that message; anything else posts the answer first.
            posted = message is not None and not message.flags.ephemeral
            already_public = action == actions.PIN and posted
            refusal = _refusal(interaction, action, already_public)
            if not interaction.guild_id:
                await self._send_private(interaction, actions.outside_server(action))
            elif not reply.shareable:
                await self._send_private(interaction, reply)
            elif refusal:
                await self._send_private(interaction, refusal)
            else:
                await self._carry_out(interaction, action, reply, already_public)
        except Exception as error:
            await self._apologise(interaction, error)

    async def _carry_out(
        self, interaction: discord.Interaction, action: str, reply: Reply, already_public: bool
    ) -> None:
        """Post (and pin) an answer; posting may wait on rate limits, so defer first."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        observe.acknowledged()
        step = actions.POST
        try:
            if already_public:
                target = interaction.message
            else:
                target = (await self._publish(interaction, reply, action))[0]
            if action == actions.PIN and target is not None:
                step = actions.PIN
                await self._bounded(target.pin())
        except TimeoutError:
            # Never repeated: Discord may have carried it out and only its answer was late.
            log.warning("discord: %s got no answer within DISCORD_API_TIMEOUT", step)
            text = actions.unconfirmed(step)
        except discord.Forbidden:
            needed = actions.needed_by_bot(
                action, in_thread=_in_thread(interaction), already_public=already_public
            )
            text = actions.bot_lacks(action, list(needed))
        except discord.HTTPException as error:
            if error.code != MAX_PINS_REACHED:
                raise
            text = actions.too_many_pins()
        else:
            done = actions.pinned if action == actions.PIN else actions.posted
            text = done(target.jump_url if target else "")
        await self._send_private(interaction, text)

    async def _publish(
        self, interaction: discord.Interaction, reply: Reply, action: str
    ) -> list[discord.Message]:
        """Post an answer as normal bot messages: the one place public answers are sent from."""
        # A posted answer offers Pin; one posted in order to pin it needs no button.
        buttons = PUBLIC if action == actions.POST else NO_BUTTONS
        channel: Any = interaction.channel
        posted = [
            await self._bounded(channel.send(**fields))
            for fields in self._rendered.reply(reply, buttons)
        ]
        await self._living.record(interaction, posted, reply)
        return posted

    async def _bounded(self, request: Awaitable[Result]) -> Result:
        """A REST call within DISCORD_API_TIMEOUT: discord.py itself sets no timeout on one."""
        async with asyncio.timeout(self._options.api_timeout):
            return await request

    async def _send_private(self, interaction: discord.Interaction, reply: Reply | str) -> None:
        if isinstance(reply, Reply):
            messages = self._rendered.reply(reply, PRIVATE)
        else:
            messages = self._rendered.text(reply)
        for index, fields in enumerate(messages):
            if index == 0 and not interaction.response.is_done():
                await interaction.response.send_message(**fields, ephemeral=True)
                observe.acknowledged()
            else:
                await interaction.followup.send(**fields, ephemeral=True)

    async def _on_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        if isinstance(error, app_commands.CommandNotFound):
            # Discord may still list a command this version dropped: answer as the core does.
            return await self._send_private(interaction, self.assistant.run(error.name))
        await self._apologise(interaction, error)

    async def _apologise(self, interaction: discord.Interaction, error: BaseException) -> None:
        """The one place a bug is logged with its traceback and answered with an apology."""
        log.error("discord interaction %s failed", interaction.id, exc_info=error)
        try:
            await self._send_private(interaction, self.assistant.apology(str(interaction.locale)))
        except Exception:  # the connection itself may be what failed
            log.warning("could not send the apology for interaction %s", interaction.id)


def _in_thread(interaction: discord.Interaction) -> bool:
    return getattr(interaction.channel, "type", None) in THREAD_TYPES


def _refusal(interaction: discord.Interaction, action: str, already_public: bool) -> str | None:
    return actions.refusal(
        action,
        interaction.permissions.value,
        interaction.app_permissions.value,
        in_thread=_in_thread(interaction),
        already_public=already_public,
    )
