"""Living answers on Discord: the background ``Publisher``, and where a request waiting on the
store was made (and whether its member may manage that channel).

A post carries its idempotency key as the message nonce; discord.py sends it with
``enforce_nonce``, so Discord itself returns the earlier message instead of posting twice when a
post in doubt is retried within minutes. discord.py waits out ordinary 429s by itself (it sleeps
for the Retry-After and retries); what it gives up on reaches the core's pacer as a rate limit.

discord.py sets no timeout on REST calls: only aiohttp's default (five minutes) bounds one, and it
retries 5xx answers for up to 25 seconds more. A reminder round waits for each post, so every
call here is bounded by ``timeout`` (DISCORD_API_TIMEOUT), discord.py's waits included; a post
cut short is in doubt, and its retry carries the same nonce.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Sequence
from dataclasses import replace
from typing import Any, TypeVar

import discord

from bot.core.living.access import LivingAccess, joined_parts, message_parts
from bot.core.ports import ChannelRef, MessageGoneError, MessageRef, PublishError, RateLimitedError
from bot.core.reply import Reply
from bot.core.request import Request
from bot.platforms.discord.components import NO_BUTTONS, PUBLIC, RenderedReplies

log = logging.getLogger(__name__)

PLATFORM = "discord"
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
# Either lets a member change a channel's reminders.
MANAGERS = ADMINISTRATOR | MANAGE_CHANNELS | MANAGE_GUILD
# Waited when a 429 that discord.py gave up on carries no Retry-After header.
DEFAULT_RETRY_AFTER = 5.0
GREW = "This updated answer no longer fits here; {command} shows all of it."

Result = TypeVar("Result")


class DiscordPublisher:
    """Posts reminders with ``channel.send`` and edits posted answers in place, over REST."""

    platform = PLATFORM

    def __init__(
        self, client: discord.Client, rendered: RenderedReplies, timeout: float = 30.0
    ) -> None:
        self._client = client
        self._rendered = rendered
        self._timeout = timeout

    async def post(self, channel: ChannelRef, reply: Reply, key: str) -> MessageRef:
        """Post ``reply`` with ``key`` as the nonce of its first message."""
        target = self._channel(channel)
        ids = []
        for index, fields in enumerate(self._rendered.reply(reply, NO_BUTTONS)):
            # Discord takes nonces of up to 25 characters; the core's keys have 20.
            nonce = key if index == 0 else f"{key}-{index}"
            message = await _call(target.send(**fields, nonce=nonce), self._timeout)
            ids.append(str(message.id))
        return MessageRef(channel, joined_parts(ids))

    async def find(self, channel: ChannelRef, key: str) -> MessageRef | None:
        """Always None: Discord shows no nonce in a channel's history, and ``enforce_nonce``
        already turns a repeated post into the earlier message."""
        return None

    async def edit(self, message: MessageRef, reply: Reply) -> None:
        """Show ``reply`` in the messages of a posted answer; parts it no longer needs go."""
        target = self._channel(message.channel)
        parts = message_parts(message)
        pages = fit(self._rendered.reply(reply, PUBLIC), len(parts), _grew(reply))
        for index, part in enumerate(parts):
            partial = target.get_partial_message(int(part))
            try:
                if index < len(pages):
                    fields = {"content": None, "view": None, **pages[index]}
                    await _call(partial.edit(**fields), self._timeout)
                else:
                    await _call(partial.delete(), self._timeout)
            except MessageGoneError:
                # Only the first message stands for the answer; a later part may be gone.
                if index == 0:
                    raise

    def _channel(self, channel: ChannelRef) -> discord.PartialMessageable:
        guild = int(channel.workspace) if channel.workspace.isdecimal() else None
        return self._client.get_partial_messageable(int(channel.channel), guild_id=guild)


def fit(pages: Sequence[dict[str, Any]], count: int, note: str) -> list[dict[str, Any]]:
    """At most ``count`` messages; when some had to go, the last one kept says so."""
    if len(pages) <= count:
        return list(pages)
    kept = list(pages[:count])
    kept[-1] = {**kept[-1], "content": note}
    return kept


def _grew(reply: Reply) -> str:
    return GREW.format(command=f"/{reply.command} {reply.service_id or ''}".strip())


async def _call(request: Awaitable[Result], seconds: float) -> Result:
    """The result within ``seconds``; Discord's "gone" and "slow down" become the core's errors."""
    try:
        async with asyncio.timeout(seconds):
            return await request
    except TimeoutError:
        raise PublishError("discord did not answer within DISCORD_API_TIMEOUT") from None
    except (discord.NotFound, discord.Forbidden) as error:
        raise MessageGoneError(f"discord answered {error.status}") from None
    except discord.RateLimited as error:
        raise RateLimitedError(error.retry_after) from None
    except discord.HTTPException as error:
        if error.status == 429:
            raise RateLimitedError(_retry_after(error.response)) from None
        raise PublishError(f"discord answered {error.status} ({error.code})") from None


def _retry_after(response: Any) -> float:
    raw = getattr(response, "headers", {}).get("Retry-After")
    if raw is None:
        return DEFAULT_RETRY_AFTER
    try:
        return max(float(raw), 0.0)
    except (TypeError, ValueError):
        return DEFAULT_RETRY_AFTER


class DiscordLiving:
    """The Discord side of living answers: records posted answers, and says where a request
    was made and who may manage its channel (Manage Channels or Manage Server)."""

    def __init__(self, living: LivingAccess) -> None:
        self._living = living

    async def record(
        self, interaction: discord.Interaction, messages: Sequence[discord.Message], reply: Reply
    ) -> None:
        """Living answers keep every public answer current."""
        if messages:
            channel = ChannelRef(
                PLATFORM, str(interaction.guild_id or ""), str(messages[0].channel.id)
            )
            await self._living.record(channel, [str(message.id) for message in messages], reply)

    @staticmethod
    def where(interaction: discord.Interaction, request: Request) -> Request:
        """The request with its server channel (none in a direct message) and its member's
        right to manage that channel."""
        channel = None
        if interaction.guild_id and interaction.channel_id is not None:
            channel = ChannelRef(PLATFORM, str(interaction.guild_id), str(interaction.channel_id))

        async def may_manage() -> bool:
            return bool(interaction.permissions.value & MANAGERS)

        return replace(request, channel=channel, may_manage=may_manage)
