"""Discord's REST errors as the core's: the one map both buttons and background work use.

discord.py sets no timeout on REST calls: only aiohttp's default (five minutes) bounds one, and it
retries 5xx answers for up to 25 seconds more. So every call is bounded here by DISCORD_API_TIMEOUT,
discord.py's own waits included; a call cut short may still have been carried out.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

import discord

from bot.core.ports.publishing import (
    MessageGoneError,
    PermissionDeniedError,
    PinLimitError,
    PublishError,
    RateLimitedError,
    UnconfirmedError,
)

# Waited when a 429 that discord.py gave up on carries no Retry-After header.
DEFAULT_RETRY_AFTER = 5.0
MAX_PINS_REACHED = 30003  # Discord's error code when a channel already holds its maximum of pins

Result = TypeVar("Result")


async def discord_call(request: Awaitable[Result], seconds: float) -> Result:
    """The result within ``seconds``; any failure becomes the core's ``PublishError`` family."""
    try:
        async with asyncio.timeout(seconds):
            return await request
    except TimeoutError:
        raise UnconfirmedError("discord did not answer within DISCORD_API_TIMEOUT") from None
    except discord.DiscordException as error:
        raise translated(error) from None


def translated(error: discord.DiscordException) -> PublishError:
    """What a discord.py error means to the core."""
    if isinstance(error, discord.RateLimited):
        return RateLimitedError(error.retry_after)
    if isinstance(error, discord.Forbidden):
        # The names of what is missing depend on the channel: the adapter knows them.
        return PermissionDeniedError()
    if isinstance(error, discord.NotFound):
        return MessageGoneError(f"discord answered {error.status}")
    if isinstance(error, discord.HTTPException):
        if error.status == 429:
            return RateLimitedError(_retry_after(error.response))
        if error.code == MAX_PINS_REACHED:
            return PinLimitError(f"discord answered {error.code}")
        return PublishError(f"discord answered {error.status} ({error.code})")
    return PublishError(f"discord failed: {type(error).__name__}")


def _retry_after(response: Any) -> float:
    raw = getattr(response, "headers", {}).get("Retry-After")
    if raw is None:
        return DEFAULT_RETRY_AFTER
    try:
        return max(float(raw), 0.0)
    except (TypeError, ValueError):
        return DEFAULT_RETRY_AFTER
