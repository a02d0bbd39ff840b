"""aiohttp middleware for the adapters' HTTP servers: a command's clock starts on arrival."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.ops.observe import received_now, reset_received

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def arrival(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Time the command from when its request arrived, before signature checks and parsing."""
    token = received_now()
    try:
        return await handler(request)
    finally:
        reset_received(token)
