"""A fake platform over HTTP, so bot processes started by a test post to one shared place.

The test runs :class:`HttpPlatform` on loopback; each bot process posts through
:class:`HttpPublisher`. The platform can hold a post (record it, never answer): the process
posting it then dies in the worst moment, after the platform accepted the post and before the
process could record that it did.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web

from bot.core.ports.channels import ChannelRef, MessageRef
from bot.core.reply import Reply

PLATFORM = "fake"


@dataclass
class HttpPlatform:
    """Records posts by channel and key; holds the post numbered ``hold_at`` (1-based)."""

    hold_at: int | None = None
    # Seconds each post takes, like a real platform's round trip.
    delay: float = 0.0
    posts: list[tuple[str, str]] = field(default_factory=list)
    finds: int = 0
    held: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    url: str = ""
    _runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/post", self._post)
        app.router.add_get("/find", self._find)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        self.release.set()
        if self._runner is not None:
            await self._runner.cleanup()

    def per_channel(self) -> Counter[str]:
        """How many posts each channel received."""
        return Counter(channel for channel, _ in self.posts)

    async def _post(self, request: web.Request) -> web.Response:
        body = await request.json()
        await asyncio.sleep(self.delay)
        self.posts.append((body["channel"], body["key"]))
        number = len(self.posts)
        if number == self.hold_at:
            self.held.set()
            await self.release.wait()
        return web.json_response({"id": f"m{number}"})

    async def _find(self, request: web.Request) -> web.Response:
        self.finds += 1
        wanted = (request.query["channel"], request.query["key"])
        for number, post in enumerate(self.posts, start=1):
            if post == wanted:
                return web.json_response({"id": f"m{number}"})
        return web.json_response({}, status=404)


class HttpPublisher:
    """The ``Publisher`` port of a bot process, talking to :class:`HttpPlatform`."""

    platform = PLATFORM

    def __init__(self, url: str, session: aiohttp.ClientSession) -> None:
        self._url = url
        self._session = session

    async def post(self, channel: ChannelRef, reply: Reply, key: str) -> MessageRef:
        body = {"channel": channel.channel, "key": key, "title": reply.title}
        async with self._session.post(f"{self._url}/post", json=body) as response:
            response.raise_for_status()
            return MessageRef(channel, ((await response.json())["id"],))

    async def find(self, channel: ChannelRef, key: str) -> MessageRef | None:
        query = {"channel": channel.channel, "key": key}
        async with self._session.get(f"{self._url}/find", params=query) as response:
            if response.status == 404:
                return None
            response.raise_for_status()
            return MessageRef(channel, ((await response.json())["id"],))

    async def edit(self, message: MessageRef, reply: Reply) -> None:
        raise NotImplementedError("the HTTP fake platform only posts")
