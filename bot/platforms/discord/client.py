"""The discord.py client the adapter runs on: endpoints, intents, shards, and no pings."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import discord
import yarl

from bot.platforms import PlatformSetupError

log = logging.getLogger(__name__)
Parser = Callable[[Any], None]


@dataclass(frozen=True)
class DiscordOptions:
    """How to reach Discord and which shards to run; built from the settings by the bootstrap."""

    token: str
    sync_state: Path
    api_base: str | None = None
    gateway_url: str | None = None
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None
    sync_on_start: bool = True
    guild_ready_timeout: float = 2.0
    # Seconds a background post or edit of living answers may take (DISCORD_API_TIMEOUT).
    api_timeout: float = 30.0


class Startup(Protocol):
    """What runs after login and before the gateway connects (the adapter's setup)."""

    async def setup(self) -> None: ...


def use_endpoints(api_base: str | None, gateway_url: str | None) -> None:
    """Point discord.py at another REST base and gateway (a proxy or a test double)."""
    # Both are class attributes read on every request and connection: discord.py has no option.
    if api_base:
        discord.http.Route.BASE = api_base.rstrip("/")
    if gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


def make_client(options: DiscordOptions, adapter: Startup) -> discord.Client:
    """A client that can never ping; sharded over ``shard_ids`` when a shard count is set."""
    use_endpoints(options.api_base, options.gateway_url)
    settings: dict[str, Any] = {
        # Interactions need no intents; the guild list keeps discord.py's state consistent.
        "intents": discord.Intents(guilds=True),
        "allowed_mentions": discord.AllowedMentions.none(),
        "guild_ready_timeout": options.guild_ready_timeout,
    }
    client: discord.Client
    if options.shard_count:
        if options.shard_ids:
            settings["shard_ids"] = list(options.shard_ids)
        client = ShardedBotClient(shard_count=options.shard_count, **settings)
    else:
        client = BotClient(**settings)
    client.adapter = adapter
    survive_unreadable_events(client._connection.parsers)
    return client


REJECTED_TOKEN = "Discord rejected DISCORD_TOKEN; copy it again from the Developer Portal (Bot)."


def survive_unreadable_events(parsers: dict[str, Parser]) -> None:
    """Make a gateway event discord.py cannot parse cost that event, not the connection.

    discord.py calls these parsers from the gateway's read loop; one that raises (a payload
    shape it does not know) ends ``Client.connect`` and so the process, with every other
    platform in it. discord.py offers no hook for this, so each parser is wrapped in place: the
    gateway holds this very dict.
    """
    for event, parse in list(parsers.items()):
        parsers[event] = _guarded(event, parse)


def _guarded(event: str, parse: Parser) -> Parser:
    def guarded(data: Any) -> None:
        try:
            parse(data)
        except Exception as error:
            # The type and the place are enough to report it; the message and the payload may
            # quote users.
            where = traceback.extract_tb(error.__traceback__)[-1]
            log.error(
                "discord: ignored an event discord.py could not read: %s (%s at %s:%s)",
                event,
                type(error).__name__,
                Path(where.filename).name,
                where.lineno,
            )

    return guarded


async def application_id(options: DiscordOptions) -> int:
    """The application id behind the token, as Discord reports it."""
    use_endpoints(options.api_base, options.gateway_url)
    try:
        async with discord.Client(intents=discord.Intents.none()) as client:
            await client.login(options.token)
            return int(client.application_id or 0)
    except discord.LoginFailure:
        raise PlatformSetupError(REJECTED_TOKEN) from None


class _Hooks:
    adapter: Startup

    async def setup_hook(self) -> None:
        await self.adapter.setup()


class BotClient(_Hooks, discord.Client):
    """A single-connection client."""


class ShardedBotClient(_Hooks, discord.AutoShardedClient):
    """A client running a range of shards over several gateway connections."""
