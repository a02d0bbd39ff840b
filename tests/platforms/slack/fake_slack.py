"""A small local Slack: the Web API, ``response_url`` endpoints and the Socket Mode WebSocket.

It also plays Slack's part towards the app: it signs slash commands and button clicks exactly as
Slack does (HMAC-SHA256 over ``v0:{timestamp}:{body}``) and posts them to the app over HTTP, or
pushes them as Socket Mode envelopes. Everything it receives is recorded; faults (Slack errors,
429 with Retry-After, answers that come too late) are scripted per Web API method. The real
slack-bolt talks to it over real sockets on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import WSMsgType, web

from bot.bootstrap import slack_options
from bot.config import Settings
from bot.core.assistant import Assistant
from bot.core.living.access import LivingAccess
from bot.platforms.slack.adapter import SlackAdapter

SIGNING_SECRET = "fake-signing-secret"
BOT_TOKEN = "xoxb-fake-bot-token"
APP_TOKEN = "xapp-1-fake-app-token"
TEAM_ID = "T0TEST"
CHANNEL_ID = "C0CHAN"
USER_ID = "U0ALICE"
BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"
# The trigger id every command and click carries; views.open accepts only it.
TRIGGER_ID = "1234.5678.abcd"
# What views.open accepts: https://api.slack.com/reference/surfaces/views
MAX_VIEW_BLOCKS = 100
MAX_VIEW_TITLE = 24


@dataclass
class Call:
    """One Web API call as the fake received it."""

    method: str
    params: dict[str, Any]
    authorization: str | None
    at: float = field(default_factory=time.monotonic)


@dataclass
class Fault:
    """A scripted answer for the next ``times`` calls of one Web API method."""

    error: str
    status: int = 200
    retry_after: int | None = None
    times: int = 1
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Answer:
    """The app's HTTP response to a request Slack sent it."""

    status: int
    body: Any
    seconds: float

    @property
    def text(self) -> str:
        """Everything the answer shows: the fallback text and every block, as one string."""
        return json.dumps(self.body, ensure_ascii=False)


class FakeSlack:
    """Slack's side of every exchange with the app, for one test or benchmark."""

    def __init__(self, signing_secret: str = SIGNING_SECRET) -> None:
        self.signing_secret = signing_secret
        self.calls: list[Call] = []
        self.responses: list[tuple[str, dict[str, Any]]] = []
        self.socket_acks: dict[str, dict[str, Any]] = {}
        self.faults: dict[str, list[Fault]] = {}
        # Seconds by which the next answers of a method are late, by method.
        self.delays: dict[str, list[float]] = {}
        # How many more calls of a method are carried out and then left unanswered, by method.
        self.drops: dict[str, int] = {}
        # Messages in channels as they read now, by (channel, ts); deleting one is a user's act.
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        # Users whose users.info says they are workspace admins.
        self.admins: set[str] = set()
        # Modals opened with views.open, as Slack shows them, in order.
        self.views: list[dict[str, Any]] = []
        self.app_url = ""
        self.port = 0
        self._stamps = itertools.count(1)
        self._ids = itertools.count(1)
        self._changed = asyncio.Event()
        self._stopping = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self._sockets: list[web.WebSocketResponse] = []

    @property
    def api_url(self) -> str:
        """The Web API base URL the app is pointed at."""
        return f"http://127.0.0.1:{self.port}/api/"

    async def start(self) -> None:
        """Serve on a free loopback port."""
        app = web.Application()
        app.router.add_post("/api/{method}", self._web_api)
        app.router.add_get("/api/{method}", self._web_api)
        app.router.add_post("/response/{name}", self._response_url)
        app.router.add_get("/link", self._socket_mode)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]
        self._client = aiohttp.ClientSession()

    async def stop(self) -> None:
        """Close sockets and the server; late answers still pending are given up."""
        self._stopping.set()
        for socket in self._sockets:
            await socket.close()
        if self._client:
            await self._client.close()
        if self._runner:
            await self._runner.cleanup()

    # -- what the app sent -------------------------------------------------------------------

    def fail(self, method: str, error: str, **details: Any) -> None:
        """Answer the next call(s) of ``method`` with a Slack error (or a 429)."""
        self.faults.setdefault(method, []).append(Fault(error, **details))

    def slow(self, method: str, seconds: float, times: int = 1) -> None:
        """Carry out the next call(s) of ``method`` but answer ``seconds`` late: a call the app
        gave up on may still have taken effect, as on the real Slack."""
        self.delays.setdefault(method, []).extend([seconds] * times)

    def drop(self, method: str, times: int = 1) -> None:
        """Carry out the next call(s) of ``method``, then close the connection unanswered: the
        app sees a dropped connection for a call that took effect."""
        self.drops[method] = self.drops.get(method, 0) + times

    def called(self, method: str) -> list[dict[str, Any]]:
        """Parameters of every call of ``method`` so far."""
        return [call.params for call in self.calls if call.method == method]

    def delete(self, channel: str, ts: str) -> None:
        """Someone deletes a message: later updates of it fail with message_not_found."""
        del self.messages[(channel, ts)]

    def posts_in(self, channel: str) -> list[dict[str, Any]]:
        """Messages in a channel as they read now, oldest first."""
        return [
            message for (where, _), message in sorted(self.messages.items()) if where == channel
        ]

    def responded(self, name: str) -> list[dict[str, Any]]:
        """Bodies posted to one ``response_url``."""
        return [body for path, body in self.responses if path == name]

    async def wait_for(self, condition: Callable[[], Any], within: float = 3.0) -> Any:
        """Wait until ``condition()`` is truthy, and return its value."""
        async with asyncio.timeout(within):
            while not (value := condition()):
                self._changed.clear()
                await self._changed.wait()
            return value

    # -- what Slack sends the app ------------------------------------------------------------

    async def command(self, command: str, text: str = "", **options: Any) -> Answer:
        """A signed slash command, posted to the app as Slack does."""
        return await self.post(urlencode(self.command_payload(command, text, **options)), **options)

    async def click(self, action_id: str, value: str, **options: Any) -> Answer:
        """A signed ``block_actions`` request for one button."""
        payload = self.click_payload(action_id, value, **options)
        return await self.post(urlencode({"payload": json.dumps(payload)}), **options)

    async def post(
        self,
        body: str,
        secret: str | None = None,
        timestamp: int | None = None,
        signed: bool = True,
        signed_as: str | None = None,
        **_: Any,
    ) -> Answer:
        """Post a form body to the app's request URL with Slack's signature headers."""
        assert self._client is not None
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if signed:
            headers["X-Slack-Request-Timestamp"] = stamp
            headers["X-Slack-Signature"] = self.sign(signed_as or body, stamp, secret)
        started = time.perf_counter()
        async with self._client.post(self.app_url, data=body.encode(), headers=headers) as reply:
            raw = await reply.read()
            seconds = time.perf_counter() - started
            content: Any = raw.decode()
            if reply.content_type == "application/json":
                content = json.loads(raw)
            return Answer(reply.status, content, seconds)

    def sign(self, body: str, stamp: str, secret: str | None = None) -> str:
        """Slack's request signature."""
        key = (secret or self.signing_secret).encode()
        digest = hmac.new(key, f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
        return f"v0={digest}"

    def command_payload(
        self,
        command: str,
        text: str = "",
        user: str = USER_ID,
        channel: str = CHANNEL_ID,
        response: str = "r1",
        **_: Any,
    ) -> dict[str, str]:
        """The fields of a slash-command request."""
        return {
            "token": "legacy-verification-token",
            "team_id": TEAM_ID,
            "team_domain": "fake",
            "channel_id": channel,
            "channel_name": "general",
            "user_id": user,
            "user_name": "alice",
            "command": command,
            "text": text,
            "api_app_id": "A0TEST",
            "is_enterprise_install": "false",
            "response_url": f"http://127.0.0.1:{self.port}/response/{response}",
            "trigger_id": TRIGGER_ID,
        }

    def click_payload(
        self,
        action_id: str,
        value: str,
        user: str = USER_ID,
        channel: str = CHANNEL_ID,
        response: str = "r2",
        **_: Any,
    ) -> dict[str, Any]:
        """A ``block_actions`` payload for a button on an ephemeral message."""
        return {
            "type": "block_actions",
            "api_app_id": "A0TEST",
            "token": "legacy-verification-token",
            "team": {"id": TEAM_ID, "domain": "fake"},
            "enterprise": None,
            "is_enterprise_install": False,
            "user": {"id": user, "username": "alice", "name": "alice", "team_id": TEAM_ID},
            "channel": {"id": channel, "name": "general"},
            "container": {
                "type": "message",
                "message_ts": "1700000000.000100",
                "channel_id": channel,
                "is_ephemeral": True,
            },
            "trigger_id": TRIGGER_ID,
            "response_url": f"http://127.0.0.1:{self.port}/response/{response}",
            "state": {"values": {}},
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": "optout_actions",
                    "text": {"type": "plain_text", "text": "Button"},
                    "value": value,
                    "action_ts": "1700000001.000200",
                }
            ],
        }

    async def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Send a Socket Mode envelope and return the app's acknowledgement."""
        socket = await self.wait_for(lambda: self._sockets and self._sockets[-1])
        envelope_id = f"env-{next(self._ids)}"
        await socket.send_json(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": True,
            }
        )
        return await self.wait_for(lambda: self.socket_acks.get(envelope_id))

    # -- the routes ----------------------------------------------------------------------------

    async def _web_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        # slack_sdk sends some methods' arguments in the query string, others in the body.
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.method == "POST":
            params.update(await request.post())
        authorization = request.headers.get("Authorization")
        self.calls.append(Call(method, params, authorization))
        self._changed.set()
        expected = "Bearer xapp-" if method == "apps.connections.open" else "Bearer xoxb-"
        if not (authorization or "").startswith(expected):
            return web.json_response({"ok": False, "error": "not_authed"})
        answer = self._scripted(method, params)
        if self.drops.get(method):
            self.drops[method] -= 1
            assert request.transport is not None
            request.transport.close()
        delays = self.delays.get(method)
        if delays:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), delays.pop(0))
        return answer

    def _scripted(self, method: str, params: dict[str, Any]) -> web.Response:
        queue = self.faults.get(method)
        if queue:
            fault = queue[0]
            fault.times -= 1
            if fault.times <= 0:
                queue.pop(0)
            headers = {}
            if fault.retry_after is not None:
                headers["Retry-After"] = str(fault.retry_after)
            body = {"ok": False, "error": fault.error, **fault.extra}
            return web.json_response(body, status=fault.status, headers=headers)
        return web.json_response(self._answer(method, params))

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://fake.slack.example/",
                "team": "Fake",
                "user": "optout-bot",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
            }
        if method == "chat.postMessage":
            stamp = f"1700000000.{next(self._stamps):06d}"
            message = {"type": "message", "ts": stamp, "bot_id": BOT_ID, **params}
            self.messages[(str(params.get("channel")), stamp)] = message
            return {"ok": True, "channel": params.get("channel"), "ts": stamp, "message": message}
        if method in ("chat.update", "chat.delete"):
            key = (str(params.get("channel")), str(params.get("ts")))
            if key not in self.messages:
                return {"ok": False, "error": "message_not_found"}
            if method == "chat.delete":
                del self.messages[key]
            else:
                self.messages[key].update(params)
            return {"ok": True, "channel": key[0], "ts": key[1]}
        if method == "conversations.history":
            return self._history(params)
        if method == "users.info":
            user = str(params.get("user"))
            return {"ok": True, "user": {"id": user, "is_admin": user in self.admins}}
        if method == "apps.connections.open":
            return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/link"}
        if method == "views.open":
            return self._open_view(params)
        return {"ok": True}

    def _open_view(self, params: dict[str, Any]) -> dict[str, Any]:
        """A modal for a click's trigger id; refused as Slack refuses a view it cannot show."""
        if params.get("trigger_id") != TRIGGER_ID:
            return {"ok": False, "error": "invalid_trigger_id"}
        view = params.get("view")
        view = json.loads(view) if isinstance(view, str) else view
        blocks = view.get("blocks", []) if isinstance(view, dict) else []
        ids = [block.get("block_id") for block in blocks if "block_id" in block]
        if (
            not isinstance(view, dict)
            or view.get("type") != "modal"
            or len(blocks) > MAX_VIEW_BLOCKS
            or len(view.get("title", {}).get("text", "")) > MAX_VIEW_TITLE
            or len(ids) != len(set(ids))
        ):
            return {"ok": False, "error": "invalid_arguments"}
        self.views.append(view)
        return {"ok": True, "view": {"id": f"V{next(self._ids):08d}", **view}}

    def _history(self, params: dict[str, Any]) -> dict[str, Any]:
        """Newest first, as Slack lists them; metadata only when asked for."""
        found = list(reversed(self.posts_in(str(params.get("channel")))))
        with_metadata = str(params.get("include_all_metadata")).lower() in ("1", "true")
        messages = [
            {key: value for key, value in message.items() if key != "metadata" or with_metadata}
            for message in found[: int(params.get("limit") or 100)]
        ]
        return {"ok": True, "messages": messages, "has_more": False}

    async def _response_url(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.responses.append((request.match_info["name"], body))
        self._changed.set()
        return web.Response(text="ok")

    async def _socket_mode(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await socket.send_json(
            {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0TEST"}}
        )
        self._sockets.append(socket)
        self._changed.set()
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                data = json.loads(message.data)
                if "envelope_id" in data:
                    ack = data.get("payload") or {"acknowledged": True}
                    self.socket_acks[data["envelope_id"]] = ack
                    self._changed.set()
        return socket


@asynccontextmanager
async def serve_slack(
    assistant: Assistant,
    http: bool = True,
    retries: int = 2,
    living: LivingAccess | None = None,
    **settings: Any,
) -> AsyncIterator[tuple[FakeSlack, SlackAdapter]]:
    """A fake Slack and the bot, built by the composition root and pointed at each other."""
    fake = FakeSlack()
    await fake.start()
    chosen = Settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET if http else None,
        slack_app_token=None if http else APP_TOKEN,
        slack_api_url=fake.api_url,
        slack_http=http,
        slack_host="127.0.0.1",
        slack_port=0,
        reload_seconds=0,
    )
    options = slack_options(replace(chosen, **settings))
    adapter = SlackAdapter(assistant, replace(options, rate_limit_retries=retries), living)
    try:
        await adapter.start()
        fake.app_url = f"http://127.0.0.1:{adapter.port}/slack/events"
        yield fake, adapter
    finally:
        await adapter.stop()
        await fake.stop()
