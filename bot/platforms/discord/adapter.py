"""The Discord adapter: application commands, autocomplete, and the Share and Pin buttons."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
import discord
from discord import app_commands

from bot.core.assistant import Assistant
from bot.core.catalogue import GUIDE_VARIANT
from bot.core.living.access import LivingAccess
from bot.core.living.sharing import Sharing, Step
from bot.core.phrases.platforms import PlatformPhrases
from bot.core.ports.publishing import PublishError
from bot.core.reply import Reply
from bot.core.request import Request
from bot.ops import observe
from bot.platforms import PlatformSetupError
from bot.platforms.discord import actions
from bot.platforms.discord.checklists import DiscordChecklists
from bot.platforms.discord.client import REJECTED_TOKEN, DiscordOptions, make_client
from bot.platforms.discord.commands import (
    ACTION_OPTION,
    AUTOCOMPLETE_CHOICE_LIMIT,
    CHOICE_NAME_LIMIT,
    DETAIL_OPTION,
    OPTION_VALUE_LIMIT,
    SHARE_OPTION,
    SyncState,
    build_commands,
    sync,
    sync_if_changed,
)
from bot.platforms.discord.components import (
    PRIVATE,
    CheckButton,
    GuideButton,
    PickSelect,
    PinButton,
    RenderedReplies,
    ShareButton,
)
from bot.platforms.discord.errors import discord_call
from bot.platforms.discord.publisher import DiscordPublisher, placed
from bot.platforms.discord.render import truncate
from bot.platforms.discord.sharing import (
    bot_lacks,
    in_thread,
    lacks_text,
    sharing_channel,
    told,
)

log = logging.getLogger(__name__)

# Marks an interaction whose deferred response already carries its answer (in ``extras``).
ANSWERED = "optout-answered"


class DiscordAdapter:
    """Answers application commands and button clicks from the assistant."""

    def __init__(
        self, assistant: Assistant, options: DiscordOptions, living: LivingAccess | None = None
    ) -> None:
        self.assistant = assistant
        self._options = options
        access = living or LivingAccess()
        self._sharing = Sharing(access)
        self.client = make_client(options, self)
        self._ready = asyncio.Event()
        self.tree = app_commands.CommandTree(self.client)
        self.tree.on_error = self._on_command_error  # type: ignore[method-assign]
        self._describe_commands()
        self.client.add_dynamic_items(ShareButton, PinButton, GuideButton, CheckButton, PickSelect)
        self._rendered = RenderedReplies(lambda: assistant.phrases().platform(actions.PLATFORM))
        self._checklists = DiscordChecklists(
            assistant, access, self._rendered, self._send_private, options.api_timeout
        )
        self.publisher = DiscordPublisher(
            self.client, self._rendered, assistant, options.api_timeout
        )
        self.sync_state = SyncState(options.sync_state)
        # Held by every registration, so that the tree never changes under one in flight and
        # two never run at once.
        self._registering = asyncio.Lock()
        self._described_stale = False
        self._redescribing: asyncio.Task[None] | None = None
        self.observer = observe.Observer()

    async def run(self) -> None:
        """Connect and serve until closed."""
        async with self.client:
            try:
                await self.client.start(self._options.token)
            except discord.LoginFailure:
                log.error("Discord rejected DISCORD_TOKEN; copy it again from the Developer Portal")
            finally:
                await self._stop_redescribing()

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
        if self._registers():
            async with self._registering:
                # A refusal must not stop the bot: Discord keeps the commands it has.
                await self._register()
        # Posting and editing are REST calls: logged in is enough, the gateway need not be up.
        self._ready.set()

    def content_changed(self) -> asyncio.Task[None]:
        """Told after a content reload: the commands are described again in the phrases now
        served, and registered again when that changed them (by the same rule as at start).
        Returns the work this started or joined, for whoever wants to wait for it."""
        self._described_stale = True
        if self._redescribing is None or self._redescribing.done():
            self._redescribing = asyncio.create_task(self._redescribe())
        return self._redescribing

    def _registers(self) -> bool:
        """Whether this process registers the commands: one process of a sharded bot is enough."""
        shards = self._options.shard_ids
        return self._options.sync_on_start and (not shards or 0 in shards)

    def _describe_commands(self) -> None:
        """The catalogue's commands, with the descriptions only Discord has taken from the
        messages file as served now; the callbacks stay the same."""
        words = self.assistant.phrases().platform(actions.PLATFORM)
        self.tree.clear_commands(guild=None)
        for command in build_commands(self._answer, self._complete, words):
            self.tree.add_command(command)

    async def _redescribe(self) -> None:
        try:
            async with self._registering:
                # Reloads that come while one registration runs make one more, of the latest.
                while self._described_stale:
                    self._described_stale = False
                    self._describe_commands()
                    # Before login the start-up registration will carry the rebuilt tree.
                    if self._registers() and self._ready.is_set() and not self.client.is_closed():
                        await self._register()
        except Exception:
            # Closing the client cuts a registration short; only a failure before that is a bug.
            if not self.client.is_closed():
                log.exception("discord: describing the commands again failed")

    async def _register(self) -> None:
        """Register the commands if they changed; a refusal is one warning, not a failure."""
        try:
            await discord_call(
                sync_if_changed(self.tree, self.sync_state), self._options.api_timeout
            )
        except (PublishError, OSError, aiohttp.ClientError) as error:
            # The fingerprint on file is still the old one, so the next try registers.
            log.warning(
                "discord: could not register the commands (%s); Discord keeps those registered "
                "before, and the next start or content change tries again",
                error,
            )

    async def _stop_redescribing(self) -> None:
        task = self._redescribing
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

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
        detail = options.get(DETAIL_OPTION)
        request = Request(
            command,
            "" if service is None else str(service),
            locale=str(interaction.locale),
            action=None if action is None else str(action),
            detail=None if detail is None else str(detail),
        )
        reply = self.assistant.answer_now(request)
        if reply is None:
            # It waits on the database: answer within Discord's 3 seconds first.
            await interaction.response.defer(ephemeral=True, thinking=True)
            observe.acknowledged()
            reply = await self.assistant.handle(placed(interaction, request))
            return await self._send_private(interaction, reply)
        observe.replied(reply)
        if reply.checklist:
            return await self._checklists.post(interaction, reply)
        if not (options.get(SHARE_OPTION) and reply.shareable and interaction.guild_id):
            return await self._send_private(interaction, reply)
        refusal = _member_refusal(interaction, actions.SHARE, False, self._words(interaction))
        if refusal:
            # The member still gets the answer, just not in public.
            await self._send_private(interaction, reply)
            return await self._send_private(interaction, refusal)
        await self._carry_out(interaction, actions.SHARE, reply, already_public=False)

    @observe.observed("discord", lambda self, interaction, action, *_: f"{action}-button")
    async def on_button(
        self, interaction: discord.Interaction, action: str, command: str, service: str
    ) -> None:
        """A Share or Pin click: answer again from current knowledge, then act if permitted;
        a Full guide click: the complete answer, privately, to whoever clicked."""
        try:
            if action == actions.GUIDE:
                guide = self.assistant.run(
                    command, service or None, str(interaction.locale), GUIDE_VARIANT
                )
                return await self._send_private(interaction, guide)
            locale = str(interaction.guild_locale or interaction.locale)
            reply = self.assistant.run(command, service or None, locale)
            message = interaction.message
            # Pin under a posted answer pins that message; anything else posts the answer first.
            posted = message is not None and not message.flags.ephemeral
            already_public = action == actions.PIN and posted
            refusal = _member_refusal(interaction, action, already_public, self._words(interaction))
            if interaction.guild_id and reply.shareable and refusal:
                await self._send_private(interaction, refusal)
            else:
                await self._carry_out(interaction, action, reply, already_public)
        except Exception as error:
            await self._apologise(interaction, error)

    @observe.observed("discord", lambda self, *_: "check-button")
    async def on_check(self, interaction: discord.Interaction, service: str, done: bool) -> None:
        """A click on a checklist item: marked done or open again by a channel manager."""
        try:
            await self._checklists.toggle(interaction, service, done)
        except Exception as error:
            await self._apologise(interaction, error)

    @observe.observed("discord", lambda self, *_: "checklist-picker")
    async def on_pick(self, interaction: discord.Interaction, values: list[str]) -> None:
        """Tools chosen in the picker: their checklist posted as if they had been typed."""
        try:
            await self._checklists.pick(interaction, values)
        except Exception as error:
            await self._apologise(interaction, error)

    async def _carry_out(
        self, interaction: discord.Interaction, action: str, reply: Reply, already_public: bool
    ) -> None:
        """Share (and pin) an answer through the core's flow, and say how it went."""
        phrases = self.assistant.phrases(str(interaction.locale))
        channel = sharing_channel(interaction, self._rendered, self._options.api_timeout)
        if channel is not None and reply.shareable:
            lacking = bot_lacks(interaction, action, already_public)
            if lacking:
                step: Step = "pin" if action == actions.PIN else "post"
                return await self._send_private(interaction, lacks_text(phrases, step, lacking))
            # Posting may wait on rate limits: answer within Discord's 3 seconds first.
            await interaction.response.defer(ephemeral=True, thinking=True)
            observe.acknowledged()
        message = interaction.message
        if already_public and message is not None:
            outcome = await self._sharing.pin(channel, str(message.id))
        else:
            outcome = await self._sharing.share(channel, reply, pin=action == actions.PIN)
        if outcome.kind == "not_shareable":
            return await self._send_private(interaction, reply)
        if outcome.kind == "failed":
            return await self._send_private(interaction, self.assistant.apology())
        await self._send_private(interaction, told(outcome, phrases, interaction, already_public))

    def _words(self, interaction: discord.Interaction) -> PlatformPhrases:
        """Discord's own phrases in the language of the member who clicked or typed."""
        return self.assistant.phrases(str(interaction.locale)).platform(actions.PLATFORM)

    async def _send_private(self, interaction: discord.Interaction, reply: Reply | str) -> None:
        if isinstance(reply, Reply):
            messages = self._rendered.reply(reply, PRIVATE)
        else:
            messages = self._rendered.text(reply)
        for index, fields in enumerate(messages):
            if index == 0 and not interaction.response.is_done():
                await interaction.response.send_message(**fields, ephemeral=True)
                observe.acknowledged()
            elif index == 0 and _awaits_its_answer(interaction):
                # "Thinking…" was private: the answer replaces it, not a followup under it.
                interaction.extras[ANSWERED] = True
                await interaction.edit_original_response(**fields)
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


def _member_refusal(
    interaction: discord.Interaction, action: str, already_public: bool, words: PlatformPhrases
) -> str | None:
    return actions.member_refusal(
        action,
        interaction.permissions.value,
        words,
        in_thread=in_thread(interaction),
        already_public=already_public,
    )


def _awaits_its_answer(interaction: discord.Interaction) -> bool:
    """Deferred with "thinking…", and that response not yet replaced by an answer."""
    deferred = discord.InteractionResponseType.deferred_channel_message
    return interaction.response.type == deferred and not interaction.extras.get(ANSWERED)
