"""A small local Discord: the REST routes and gateway the real discord.py uses, on 127.0.0.1.

It records every request, answers the way Discord does (including the quirks discord.py relies
on), can inject faults (429, 403, pin limits), and sends INTERACTION_CREATE events that tests build
with the helpers below. Nothing in the bot is mocked: discord.py talks to this over real sockets.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import orjson
from aiohttp import WSMsgType, web

API = "/api/v10"
EVERY_PERMISSION = (1 << 53) - 1
PIN_MESSAGES = 1 << 51
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
GUILD_ID = "1200000000000000001"
CHANNEL_ID = "1300000000000000001"
MEMBER_ID = "1400000000000000001"
HEARTBEAT_MS = 41250
CHANNEL_POSTS = f"/channels/{CHANNEL_ID}/messages"
SERVER_ERROR = {"message": "500: Internal Server Error", "code": 0}
PINS = r"/channels/(\d+)/messages/pins/(\d+)"
ORIGINAL = r"/webhooks/\d+/[^/]+/messages/@original"
FOLLOWUPS = r"/webhooks/\d+/[^/]+"
EPHEMERAL = 1 << 6


@dataclass
class Request:
    """One REST request as the fake received it."""

    method: str
    path: str
    body: Any
    authorization: str | None
    query: dict[str, str] = field(default_factory=dict)


@dataclass
class Fault:
    """A canned failure for the next request matching ``method`` and ``path`` (a regex)."""

    method: str
    path: str
    status: int
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class Bot:
    """One application known to the fake, keyed by its token."""

    token: str
    application_id: str
    user_id: str
    name: str
    sockets: list[web.WebSocketResponse] = field(default_factory=list)
    sequence: int = 0
    sessions: int = 0
    resumes: int = 0
    identifies: list[dict[str, Any]] = field(default_factory=list)


class FakeDiscord:
    """Discord's REST API and gateway, just enough of them, for one test or benchmark."""

    def __init__(self, record: bool = True) -> None:
        # A benchmark turns recording off so that the fake's own memory stays flat.
        self.record = record
        self.requests: list[Request] = []
        self.bots: dict[str, Bot] = {}
        self.faults: list[Fault] = []
        self.port = 0
        self._ids = itertools.count(1_700_000_000_000_000_000)
        self._changed = asyncio.Condition()
        self._waiting = 0
        self._runner: web.AppRunner | None = None
        self.callbacks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        # Messages posted in channels as they read now, by id, and the nonces they came with.
        self.channel_messages: dict[str, dict[str, Any]] = {}
        # Each interaction's original response as it reads now, by interaction token.
        self.originals: dict[str, dict[str, Any]] = {}
        self._nonces: dict[tuple[str, str], str] = {}

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self, routes: tuple[web.RouteDef, ...] = ()) -> None:
        """Serve on a free loopback port (with any extra routes a benchmark drives it through)."""
        app = web.Application(client_max_size=8 * 1024 * 1024)
        app.router.add_routes(routes)
        app.router.add_route("GET", "/gateway/", self._gateway)
        app.router.add_route("*", API + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        """Close every socket and the server."""
        for bot in self.bots.values():
            for socket in list(bot.sockets):
                await socket.close()
        if self._runner:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway/"

    def add_bot(self, token: str, name: str = "optout-bot") -> Bot:
        """Make a token valid; each bot gets its own application and user id."""
        number = len(self.bots) + 1
        bot = Bot(token, f"11000000000000000{number:02d}", f"10000000000000000{number:02d}", name)
        self.bots[token] = bot
        return bot

    # -- what tests drive --------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        path: str,
        status: int,
        body: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer the next matching request with this failure instead of normally."""
        self.faults.append(Fault(method, path, status, body, headers or {}))

    async def dispatch(self, bot: Bot, event: str, data: dict[str, Any]) -> None:
        """Send one dispatch event on the bot's current gateway connection."""
        live = bot.sockets[-1] if bot.sockets else None
        socket = live if live is not None and not live.closed else await self.connected(bot)
        bot.sequence += 1
        await socket.send_str(_text({"op": 0, "t": event, "s": bot.sequence, "d": data}))

    async def interact(
        self, bot: Bot, interaction: dict[str, Any], seconds: float = 5
    ) -> dict[str, Any]:
        """Deliver an interaction and return the body of its callback."""
        future = self.expect_callback(interaction["id"])
        await self.dispatch(bot, "INTERACTION_CREATE", interaction)
        return await asyncio.wait_for(future, seconds)

    def expect_callback(self, interaction_id: str) -> asyncio.Future[dict[str, Any]]:
        """A future resolved with the callback body for this interaction."""
        return self.callbacks.setdefault(interaction_id, asyncio.get_running_loop().create_future())

    async def connected(self, bot: Bot, seconds: float = 5) -> web.WebSocketResponse:
        """The bot's live gateway socket, once it has identified or resumed."""
        await self.wait_until(lambda: bool(bot.sockets) and not bot.sockets[-1].closed, seconds)
        return bot.sockets[-1]

    async def reconnect(self, bot: Bot) -> None:
        """Ask the client to reconnect (op 7), as Discord does before moving a session."""
        socket = await self.connected(bot)
        resumes = bot.resumes
        await socket.send_str(_text({"op": 7, "d": None}))
        await self.wait_until(lambda: bot.resumes > resumes)

    async def wait_for(self, predicate: Callable[[Request], bool], seconds: float = 5) -> Request:
        """The first recorded request matching ``predicate``, waiting for it if needed."""
        found: list[Request] = []

        def check() -> bool:
            found[:] = [request for request in self.requests if predicate(request)][:1]
            return bool(found)

        await self.wait_until(check, seconds)
        return found[0]

    async def wait_until(self, condition: Callable[[], bool], seconds: float = 5) -> None:
        self._waiting += 1
        try:
            async with self._changed:
                await asyncio.wait_for(self._changed.wait_for(condition), seconds)
        finally:
            self._waiting -= 1

    def delete(self, message_id: str) -> None:
        """A member deletes a message: editing it now answers 404 Unknown Message."""
        del self.channel_messages[message_id]

    def posts_in(self, channel_id: str) -> list[dict[str, Any]]:
        """Messages in a channel as they read now, oldest first."""
        return [m for m in self.channel_messages.values() if m["channel_id"] == channel_id]

    def calls(self, method: str, pattern: str) -> list[Request]:
        """Recorded requests with this method whose path matches ``pattern``."""
        return [r for r in self.requests if r.method == method and re.fullmatch(pattern, r.path)]

    def private_replies(self) -> list[Request]:
        """What the bot said after answering an interaction, in order: edits of the response it
        deferred with, and followups."""
        return [request for request in self.requests if _private_reply(request)]

    async def private_reply(self, after: int = 0) -> Request:
        """The private reply at index ``after``, waiting for it; it must be ephemeral."""
        await self.wait_until(lambda: len(self.private_replies()) > after)
        request = self.private_replies()[after]
        assert self.ephemeral(request), request
        return request

    def ephemeral(self, request: Request) -> bool:
        """Whether a private reply is seen only by the member: a followup says so itself, an
        edit keeps what the deferred response said."""
        if request.method == "POST":
            return bool(request.body.get("flags", 0) & EPHEMERAL)
        original = self.originals.get(request.path.split("/")[3])
        return original is not None and bool(original["flags"] & EPHEMERAL)

    async def _notify(self) -> None:
        if self._waiting:
            async with self._changed:
                self._changed.notify_all()

    # -- gateway -----------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        await socket.send_str(_text({"op": 10, "d": {"heartbeat_interval": HEARTBEAT_MS}}))
        bot: Bot | None = None
        async for frame in socket:
            if frame.type != WSMsgType.TEXT:
                continue
            message = _loads(frame.data)
            op, data = message.get("op"), message.get("d")
            if op == 1:
                await socket.send_str(_text({"op": 11}))
            elif op == 2:
                bot = self.bots.get(data.get("token"))
                if bot is None:
                    await socket.close(code=4004, message=b"Authentication failed.")
                    break
                bot.identifies.append(data)
                bot.sessions += 1
                bot.sequence = 1
                bot.sockets.append(socket)
                await socket.send_str(_text(self._ready(bot, data)))
            elif op == 6:
                bot = self.bots.get(data.get("token"))
                if bot is None:
                    break
                bot.resumes += 1
                bot.sockets.append(socket)
                bot.sequence += 1
                await socket.send_str(_text({"op": 0, "t": "RESUMED", "s": bot.sequence, "d": {}}))
            await self._notify()
        if bot is not None and socket in bot.sockets:
            bot.sockets.remove(socket)
        await self._notify()
        return socket

    def _ready(self, bot: Bot, identify: dict[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = {
            "v": 10,
            "user": self._user(bot),
            "guilds": [],
            "session_id": f"session-{bot.sessions}",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": bot.application_id, "flags": 0},
        }
        if "shard" in identify:
            data["shard"] = identify["shard"]
        return {"op": 0, "t": "READY", "s": 1, "d": data}

    # -- REST --------------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            body = _loads(raw) if raw and request.content_type == "application/json" else raw
        recorded = Request(
            request.method, path, body, request.headers.get("Authorization"), dict(request.query)
        )
        fault = self._take_fault(request.method, path)
        if self.record:
            self.requests.append(recorded)
        await self._notify()
        if fault is not None:
            return _json(fault.body, fault.status, fault.headers)
        try:
            return await self._route(recorded)
        finally:
            await self._notify()

    def _take_fault(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.method == method and re.fullmatch(fault.path, path):
                self.faults.remove(fault)
                return fault
        return None

    async def _route(self, request: Request) -> web.Response:
        method, path = request.method, request.path
        if match := re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", path):
            return self._callback(match[1], match[2], request.body)
        if match := re.fullmatch(r"/webhooks/(\d+)/([^/]+)/messages/@original", path):
            return self._original(method, match[2], request.body)
        if match := re.fullmatch(r"/webhooks/(\d+)/([^/]+)", path):
            return _json(
                self._message(
                    CHANNEL_ID,
                    request.body if method != "GET" else {},
                    webhook=match[1],
                    bot=self._bot_by_app(match[1]),
                )
            )
        bot = self.bots.get((request.authorization or "").removeprefix("Bot "))
        if bot is None:
            return _json({"message": "401: Unauthorized", "code": 0}, 401)
        if path == "/users/@me":
            return _json(self._user(bot))
        if path == "/oauth2/applications/@me":
            return _json(self._application(bot))
        if path in ("/gateway", "/gateway/bot"):
            limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
            return _json({"url": self.gateway_url, "shards": 1, "session_start_limit": limit})
        if match := re.fullmatch(r"/applications/(\d+)(?:/guilds/(\d+))?/commands", path):
            return _json(
                [self._registered(command, match[1], match[2]) for command in request.body]
            )
        if match := re.fullmatch(r"/channels/(\d+)/messages", path):
            return _json(self._channel_post(match[1], request.body, bot))
        if re.fullmatch(r"/channels/(\d+)/messages/pins/(\d+)", path):
            return web.Response(status=204)
        if match := re.fullmatch(r"/channels/(\d+)/messages/(\d+)", path):
            return self._change(method, match[1], match[2], request.body)
        return _json({"message": "404: Not Found", "code": 0}, 404)

    def _callback(self, interaction_id: str, token: str, body: dict[str, Any]) -> web.Response:
        future = self.callbacks.setdefault(
            interaction_id, asyncio.get_running_loop().create_future()
        )
        if not future.done():
            future.set_result(body)
        kind = body["type"]
        if kind in (1, 6, 8, 9):
            return web.Response(status=204)
        data = body.get("data") or {}
        ephemeral = bool(data.get("flags", 0) & 64)
        message = self._message(CHANNEL_ID, data, bot=None)
        if kind in (4, 5):
            self.originals[token] = message
        answer = {
            "interaction": {
                "id": interaction_id,
                "type": 2,
                "response_message_id": message["id"],
                "response_message_loading": kind == 5,
                "response_message_ephemeral": ephemeral,
            },
            "resource": {"type": kind, "message": message},
        }
        return _json(answer)

    def _original(self, method: str, token: str, body: Any) -> web.Response:
        """GET, PATCH or DELETE the response an interaction was answered (or deferred) with:
        an edit keeps the message's id and ephemeral flag, as Discord's does."""
        message = self.originals.get(token)
        if message is None:
            return _json({"message": "Unknown Message", "code": 10008}, 404)
        if method == "DELETE":
            del self.originals[token]
            return web.Response(status=204)
        if method == "PATCH" and isinstance(body, dict):
            message.update(
                {key: body[key] for key in ("content", "embeds", "components") if key in body}
            )
            message["edited_timestamp"] = "2025-09-20T12:05:00+00:00"
        return _json(message)

    def _channel_post(self, channel_id: str, body: Any, bot: Bot) -> dict[str, Any]:
        """A new message; with ``enforce_nonce``, a nonce seen before returns that message."""
        nonce = body.get("nonce") if isinstance(body, dict) else None
        earlier = self._nonces.get((channel_id, str(nonce)))
        if nonce is not None and body.get("enforce_nonce") and earlier in self.channel_messages:
            return self.channel_messages[earlier]
        message = self._message(channel_id, body, bot=bot)
        if nonce is not None:
            message["nonce"] = nonce
            self._nonces[(channel_id, str(nonce))] = message["id"]
        self.channel_messages[message["id"]] = message
        return message

    def _change(self, method: str, channel_id: str, message_id: str, body: Any) -> web.Response:
        """PATCH edits a message, DELETE deletes it; either answers 404 once it is gone."""
        message = self.channel_messages.get(message_id)
        if message is None or message["channel_id"] != channel_id:
            return _json({"message": "Unknown Message", "code": 10008}, 404)
        if method == "DELETE":
            del self.channel_messages[message_id]
            return web.Response(status=204)
        if isinstance(body, dict):
            message.update(
                {key: body[key] for key in ("content", "embeds", "components") if key in body}
            )
        message["edited_timestamp"] = "2025-09-20T12:05:00+00:00"
        return _json(message)

    def _bot_by_app(self, application_id: str) -> Bot | None:
        return next(
            (bot for bot in self.bots.values() if bot.application_id == application_id), None
        )

    def _message(
        self, channel_id: str, body: Any, bot: Bot | None, webhook: str | None = None
    ) -> dict[str, Any]:
        body = body if isinstance(body, dict) else {}
        author = (
            self._user(bot)
            if bot
            else {
                "id": "1000000000000000001",
                "username": "optout-bot",
                "discriminator": "0",
                "avatar": None,
                "bot": True,
            }
        )
        message = {
            "id": str(next(self._ids)),
            "channel_id": channel_id,
            "guild_id": GUILD_ID,
            "type": 0,
            "content": body.get("content") or "",
            "author": author,
            "embeds": body.get("embeds") or [],
            "attachments": [],
            "mentions": [],
            "mention_roles": [],
            "pinned": False,
            "tts": False,
            "timestamp": "2025-09-20T12:00:00+00:00",
            "edited_timestamp": None,
            "flags": body.get("flags", 0),
            "components": body.get("components") or [],
        }
        if webhook:
            message["webhook_id"] = webhook
            message["application_id"] = webhook
        return message

    @staticmethod
    def _registered(
        command: dict[str, Any], application_id: str, guild_id: str | None
    ) -> dict[str, Any]:
        registered = {
            **command,
            "id": str(abs(hash(command["name"])) % 10**18 + 10**18),
            "application_id": application_id,
            "version": "1",
        }
        if guild_id:
            registered["guild_id"] = guild_id
        return registered

    @staticmethod
    def _user(bot: Bot | None) -> dict[str, Any]:
        assert bot is not None
        return {
            "id": bot.user_id,
            "username": bot.name,
            "discriminator": "0",
            "avatar": None,
            "bot": True,
            "global_name": None,
            "flags": 0,
        }

    def _application(self, bot: Bot) -> dict[str, Any]:
        return {
            "id": bot.application_id,
            "name": bot.name,
            "description": "",
            "icon": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "00" * 32,
            "owner": {
                "id": "1400000000000000009",
                "username": "owner",
                "discriminator": "0",
                "avatar": None,
            },
            "flags": 0,
        }


def _private_reply(request: Request) -> bool:
    if request.method == "PATCH":
        return bool(re.fullmatch(ORIGINAL, request.path))
    return request.method == "POST" and bool(re.fullmatch(FOLLOWUPS, request.path))


def _dumps(data: Any) -> bytes:
    """Compact UTF-8 JSON, as Discord sends it.

    orjson keeps the fake's own work small: it shares the machine with the clients it serves, and
    a benchmark should charge them for their work, not for the fake's (the standard library's
    encoder took about 50 µs to echo a full embed, ten times orjson's).
    """
    try:
        return orjson.dumps(data)
    except TypeError:
        # What Discord never sends but property tests do: integers past 64 bits, lone surrogates.
        return json.dumps(data).encode()


def _text(data: Any) -> str:
    return _dumps(data).decode()


def _loads(raw: str | bytes) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return json.loads(raw)  # escaped lone surrogates, which orjson refuses


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # discord.py compares the content type with == , so no charset parameter.
    return web.Response(
        body=_dumps(data),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


# -- interaction payloads ----------------------------------------------------------------------

_interaction_ids = itertools.count(1_500_000_000_000_000_000)


def interaction(
    bot: Bot,
    kind: int,
    data: dict[str, Any],
    *,
    permissions: int = EVERY_PERMISSION,
    app_permissions: int = EVERY_PERMISSION,
    guild: bool = True,
    channel_type: int = 0,
    message: dict[str, Any] | None = None,
    locale: str = "en-US",
) -> dict[str, Any]:
    """An INTERACTION_CREATE payload with every key discord.py requires."""
    number = next(_interaction_ids)
    channel = {
        "id": CHANNEL_ID,
        "type": channel_type,
        "name": "general",
        "position": 0,
        "permissions": str(permissions),
        "nsfw": False,
        "parent_id": None,
        "flags": 0,
    }
    user = {
        "id": MEMBER_ID,
        "username": "alice",
        "discriminator": "0",
        "global_name": "Alice",
        "avatar": None,
    }
    payload: dict[str, Any] = {
        "id": str(number),
        "application_id": bot.application_id,
        "type": kind,
        "token": f"itok-{number}",
        "version": 1,
        "channel_id": CHANNEL_ID,
        "channel": channel,
        "app_permissions": str(app_permissions),
        "locale": locale,
        "entitlements": [],
        "authorizing_integration_owners": {"0": GUILD_ID},
        "context": 0 if guild else 1,
        "attachment_size_limit": 10485760,
        "data": data,
    }
    if channel_type in (10, 11, 12):  # threads carry their parent and metadata
        channel.update(
            parent_id="1300000000000000002",
            owner_id=MEMBER_ID,
            member_count=1,
            message_count=0,
            thread_metadata={
                "archived": False,
                "auto_archive_duration": 1440,
                "locked": False,
                "archive_timestamp": "2025-09-20T12:00:00+00:00",
            },
        )
    if guild:
        channel["guild_id"] = GUILD_ID
        payload.update(
            guild_id=GUILD_ID,
            guild_locale="en-US",
            guild={"id": GUILD_ID, "locale": "en-US", "features": []},
            member={
                "user": user,
                "roles": [],
                "flags": 0,
                "joined_at": "2025-01-01T00:00:00+00:00",
                "permissions": str(permissions),
                "nick": None,
                "deaf": False,
                "mute": False,
            },
        )
    else:
        channel.update(type=1, recipients=[user])
        payload["user"] = user
    if message is not None:
        payload["message"] = message
    return payload


def slash(
    bot: Bot, name: str, options: dict[str, Any] | None = None, **settings: Any
) -> dict[str, Any]:
    """``/name option:value …`` as typed by a member."""
    kinds = {bool: 5, int: 4}
    wire = [
        {"name": key, "type": kinds.get(type(value), 3), "value": value}
        for key, value in (options or {}).items()
    ]
    return interaction(
        bot, 2, {"id": "1600000000000000001", "name": name, "type": 1, "options": wire}, **settings
    )


def autocomplete(bot: Bot, name: str, typed: str, **settings: Any) -> dict[str, Any]:
    """The member typing ``typed`` into the service option of ``/name``."""
    option = {"name": "service", "type": 3, "value": typed, "focused": True}
    return interaction(
        bot,
        4,
        {"id": "1600000000000000001", "name": name, "type": 1, "options": [option]},
        **settings,
    )


def click(bot: Bot, custom_id: str, message: dict[str, Any], **settings: Any) -> dict[str, Any]:
    """A click on the button ``custom_id`` of ``message``."""
    return interaction(
        bot, 3, {"custom_id": custom_id, "component_type": 2}, message=message, **settings
    )


def sent_message(body: dict[str, Any], message_id: str, ephemeral: bool) -> dict[str, Any]:
    """The message Discord delivers with a click on a message the bot sent as ``body``."""
    data = body.get("data", body)
    return {
        "id": message_id,
        "channel_id": CHANNEL_ID,
        "type": 20 if ephemeral else 0,
        "content": data.get("content") or "",
        "embeds": data.get("embeds") or [],
        "author": {
            "id": "1000000000000000001",
            "username": "optout-bot",
            "discriminator": "0",
            "avatar": None,
            "bot": True,
        },
        "attachments": [],
        "mentions": [],
        "mention_roles": [],
        "pinned": False,
        "tts": False,
        "timestamp": "2025-09-20T12:00:00+00:00",
        "edited_timestamp": None,
        "flags": 64 if ephemeral else 0,
        "components": data.get("components") or [],
    }


def custom_ids(body: dict[str, Any]) -> list[str]:
    """Every button id in a callback or message body."""
    data = body.get("data", body)
    return [
        component["custom_id"]
        for row in data.get("components") or []
        for component in row.get("components", [])
        if "custom_id" in component
    ]


# -- running the real adapter against the fake -------------------------------------------------


FakeT = TypeVar("FakeT", bound=FakeDiscord)


@contextlib.asynccontextmanager
async def running_fake(monkeypatch: Any, fake: FakeT | None = None) -> AsyncIterator[FakeT]:
    """``fake`` (a plain one by default) started; discord.py's process-wide endpoints are
    restored afterwards."""
    import discord

    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    gateway = discord.gateway.DiscordWebSocket
    monkeypatch.setattr(gateway, "DEFAULT_GATEWAY", gateway.DEFAULT_GATEWAY)
    fake = fake or cast(FakeT, FakeDiscord())
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


class FlakyDiscord(FakeDiscord):
    """The fake, where a channel post can be carried out and then answered late, or with a 500."""

    def __init__(self) -> None:
        super().__init__()
        # Seconds by which the next channel posts are answered late, in order.
        self.late: list[float] = []
        # Seconds by which the next pins are answered late, in order.
        self.late_pins: list[float] = []
        # How many of the next channel posts are answered 500 after being posted.
        self.failing_after_posting = 0
        self._stopping = asyncio.Event()

    async def stop(self) -> None:
        self._stopping.set()
        await super().stop()

    async def _route(self, request: Request) -> web.Response:
        answer = await super()._route(request)
        if request.method == "POST" and request.path == CHANNEL_POSTS:
            if self.failing_after_posting:
                self.failing_after_posting -= 1
                return web.json_response(SERVER_ERROR, status=500)
            if self.late:
                await self._stall(self.late.pop(0))
        elif request.method == "PUT" and re.fullmatch(PINS, request.path) and self.late_pins:
            await self._stall(self.late_pins.pop(0))
        return answer

    async def _stall(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)


class DiscordHarness:
    """Starts the bot through the composition root against a fake, and stops it cleanly."""

    def __init__(self, fake: FakeDiscord, state_file: Any, token: str = "fake-bot-token") -> None:
        self.fake = fake
        self.state_file = state_file
        self.bot = fake.bots.get(token) or fake.add_bot(token)
        self.adapter: Any = None
        self._task: asyncio.Task[None] | None = None

    def settings(self, **extra: str) -> Any:
        from bot.config import Settings

        environ = {
            "DISCORD_TOKEN": self.bot.token,
            "DISCORD_API_BASE": self.fake.api_base,
            "DISCORD_GATEWAY_URL": self.fake.gateway_url,
            "DISCORD_SYNC_STATE": str(self.state_file),
            **extra,
        }
        return Settings.from_environ(environ)

    async def start(self, assistant: Any, living: Any = None, **extra: str) -> Any:
        """Build the adapter as ``serve`` does and wait until its gateway session is up."""
        from bot.bootstrap import build_discord

        sessions = self.bot.sessions
        self.adapter = build_discord(self.settings(**extra), assistant, living=living)
        self._task = asyncio.create_task(self.adapter.run())
        await self.fake.wait_until(
            lambda: self.bot.sessions > sessions or bool(self._task and self._task.done())
        )
        if self._task.done():
            self._task.result()
        await self.fake.connected(self.bot)
        return self.adapter

    async def stop(self) -> None:
        """Close the client as a shutdown would."""
        if self.adapter is not None:
            await self.adapter.client.close()
        if self._task is not None:
            await asyncio.wait_for(self._task, 5)
        self.adapter = self._task = None


class BackgroundDiscord:
    """The fake and the bot on an event loop of their own, for synchronous property tests."""

    def __init__(self, state_file: Any, assistant: Any) -> None:
        self._state_file = state_file
        self._assistant = assistant
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self.fake = FakeDiscord()
        self.harness: DiscordHarness | None = None

    def __enter__(self) -> BackgroundDiscord:
        import discord

        gateway = discord.gateway.DiscordWebSocket
        self._saved = (discord.http.Route.BASE, gateway.DEFAULT_GATEWAY)
        self._thread.start()
        self.run(self.fake.start())
        self.harness = DiscordHarness(self.fake, self._state_file)
        self.run(self.harness.start(self._assistant))
        return self

    def __exit__(self, *exc_info: object) -> None:
        import discord

        if self.harness is not None:
            self.run(self.harness.stop())
        self.run(self.fake.stop())
        self.run(_cancel_remaining())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = self._saved

    @property
    def bot(self) -> Bot:
        assert self.harness is not None
        return self.harness.bot

    def run(self, coroutine: Any, seconds: float = 10) -> Any:
        """Run a coroutine on the background loop and return its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(seconds)

    def interact(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Deliver an interaction and return its callback body."""
        return self.run(self.fake.interact(self.bot, payload))

    def requests_for(self, payload: dict[str, Any], count: int) -> list[Request]:
        """Once ``count`` webhook requests carry this interaction's token, every one of them."""
        token = payload["token"]

        def mine() -> list[Request]:
            return [
                r for r in self.fake.requests if f"/{token}" in r.path and "/callback" not in r.path
            ]

        self.run(self.fake.wait_until(lambda: len(mine()) >= count))
        return mine()


async def _cancel_remaining() -> None:
    """Cancel what discord.py leaves behind, as ``asyncio.run`` would before closing a loop."""
    current = asyncio.current_task()
    remaining = [task for task in asyncio.all_tasks() if task is not current]
    for task in remaining:
        task.cancel()
    await asyncio.gather(*remaining, return_exceptions=True)
