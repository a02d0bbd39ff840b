"""The Slack adapter: slash commands and buttons through slack-bolt, answers from the core.

Answers travel in the acknowledgement itself: the core answers in microseconds (and repeated
questions come from a cache), and with ``process_before_response`` the acknowledgement leaves as
soon as the listener returns, where bolt's default mode polls for it every 10 ms. Over HTTP, a
command whose answer is ready is acknowledged by the Request URL through :meth:`ready_answer`,
the same decision the bolt listener makes. Work that calls Slack (sharing, pinning, the rest of
a long answer) runs afterwards in tasks this adapter owns.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Coroutine, Mapping, Sequence
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.assistant import Assistant
from bot.core.living.access import LivingAccess
from bot.core.living.sharing import Sharing
from bot.ops import observe
from bot.platforms.slack import actions
from bot.platforms.slack.answers import SlashCommands
from bot.platforms.slack.app import Listener, SlackOptions, build_app, open_session
from bot.platforms.slack.checklists import SlackChecklists
from bot.platforms.slack.guide import SlackGuide
from bot.platforms.slack.publisher import SlackLiving, SlackPublisher
from bot.platforms.slack.render import CHECK_ACTION, PICK_ACTION, SlackMessage, render_notice
from bot.platforms.slack.response_url import ResponseUrls
from bot.platforms.slack.sharing import SlackSharing, Target

log = logging.getLogger(__name__)

STOP_GRACE_SECONDS = 5.0


class SlackAdapter:
    """Serves the catalogue's slash commands and the Share and Pin buttons."""

    def __init__(
        self, assistant: Assistant, options: SlackOptions, living: LivingAccess | None = None
    ) -> None:
        self.assistant = assistant
        # Replies name commands as this workspace types them (/optout-help, a renamed /optout …).
        self._commands = SlashCommands(assistant, options.commands)
        self._living = SlackLiving(assistant, options.subscription_managers, options.commands)
        access = living or LivingAccess()
        self._sharing = SlackSharing(assistant, Sharing(access), options.commands)
        self._guide = SlackGuide(assistant, options.commands)
        self._checklists = SlackChecklists(
            assistant, access, self._living.may_manage, options.commands
        )
        self._options = options
        self._response_urls = ResponseUrls(options.api_url)
        self._ready = asyncio.Event()
        self.publisher: SlackPublisher | None = None
        self._names = {slash: name for name, slash in options.commands.items()}
        self.observer = observe.Observer()
        self._tasks: set[asyncio.Task[None]] = set()
        self._session: aiohttp.ClientSession | None = None
        self._listener: Listener | None = None

    @property
    def port(self) -> int | None:
        """The port of the HTTP server, once it listens (HTTP mode only)."""
        return self._listener.port if self._listener else None

    async def run(self) -> None:
        """Serve until cancelled."""
        await self.start()
        try:
            await asyncio.Event().wait()
        finally:
            await self.stop()

    async def start(self) -> None:
        """Check the token, then listen over HTTP or connect over Socket Mode."""
        options = self._options
        self._session = open_session(options)
        app = self._build_app(self._session)
        await app.client.auth_test()  # a wrong token fails here, at start-up
        log.info("slack: signed in")
        self.publisher = self._living.publisher(
            options.bot_token, options.api_url, self._session, options.api_timeout
        )
        self._listener = Listener(app, options, self.ready_answer)
        await self._listener.start()
        self._ready.set()

    async def ready_publisher(self) -> SlackPublisher:
        """The publisher living answers post and edit through, once the adapter has started."""
        await self._ready.wait()
        assert self.publisher is not None
        return self.publisher

    async def connected(self) -> bool:
        """Whether Slack can reach the bot: the HTTP server listens, or the socket is open."""
        return self._listener is not None and await self._listener.connected()

    async def stop(self) -> None:
        """Stop taking requests, let follow-ups finish briefly, close connections."""
        if self._listener:
            await self._listener.stop()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=STOP_GRACE_SECONDS)
        if self._session:
            await self._session.close()

    def _build_app(self, session: aiohttp.ClientSession) -> AsyncApp:
        app = build_app(self._options, session)
        for slash in self._options.commands.values():
            app.command(slash)(self._on_command)
        app.action(actions.SHARE_ACTION)(self._on_button)
        app.action(actions.PIN_ACTION)(self._on_button)
        app.action(actions.GUIDE_ACTION)(self._on_guide)
        app.action(re.compile(f"^{actions.LINK_ACTION}"))(self._on_link)
        app.action(CHECK_ACTION)(self._on_check)
        app.action(PICK_ACTION)(self._on_pick)
        app.error(self._on_error)
        return app

    def ready_answer(self, fields: Mapping[str, str]) -> str | None:
        """The acknowledgement body of a slash command answered privately at once, or None when
        it needs bolt: work after the acknowledgement, a command of another app, or a failure
        (bolt's run of the same command then logs it and apologises)."""
        name = self._names.get(fields.get("command", ""))
        if name is None:
            return None
        try:
            command = self._commands.prepare(name, fields.get("text", ""))
        except Exception:
            return None
        if command.ack is None:
            return None
        with self.observer.scope("slack", name):
            observe.replied(command.ack.reply)
        return command.ack.ack_body

    @observe.observed("slack", lambda self, **kw: self._name(kw["command"]))
    async def _on_command(
        self,
        ack: Any,
        command: dict[str, Any],
        client: AsyncWebClient,
        context: Any,
    ) -> BoltResponse | None:
        name = self._name(command)
        prepared = self._commands.prepare(name, str(command.get("text") or ""))
        reply = prepared.reply
        if reply is not None:
            observe.replied(reply)
        if prepared.ack is not None:
            # The answer is the acknowledgement. Returning the response prepared with the cached
            # answer (bolt takes it with process_before_response) spares ack() serialising the
            # same blocks again on every request.
            return BoltResponse(status=200, body=prepared.ack.ack_body, headers=_JSON)
        target = self._target(command.get("channel_id"), command.get("user_id"), client, context)
        if reply is None:
            # It waits on the database: acknowledge within Slack's 3 seconds, answer after.
            await ack()
            self._spawn(target, self._living.answer(target, prepared.request))
        elif reply.checklist:
            # A checklist card goes to the channel, posted after the acknowledgement.
            await ack()
            self._spawn(target, self._checklists.post(target, reply))
        elif prepared.private is None:
            # The share word on an answer that can be shared: it is posted in the channel.
            await ack()
            button = actions.ButtonRequest(name, reply.service_id or "")
            self._spawn(target, self._sharing.share(target, button))
        else:
            # Longer than one message: the first is the ack, the rest follow privately.
            messages = prepared.private.messages
            await ack(response_type="ephemeral", **messages[0].payload())
            self._spawn(target, self._sharing.respond_all(target, messages[1:]))
        return None

    @observe.observed("slack", lambda self, **kw: _button_name(kw["action"]))
    async def _on_button(
        self,
        ack: Any,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        context: Any,
    ) -> None:
        await ack()
        target = self._clicked(body, client, context)
        request = actions.read_button(action.get("value"))
        pin = action.get("action_id") == actions.PIN_ACTION
        if pin and request and request.message_ts:
            self._spawn(target, self._sharing.pin(target, request.message_ts))
        else:
            self._spawn(target, self._sharing.share(target, request, from_button=True, pin=pin))

    @observe.observed("slack", lambda self, **kw: "guide-button")
    async def _on_guide(
        self,
        ack: Any,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        context: Any,
    ) -> None:
        # The trigger id lives three seconds: the modal opens before anything else waits.
        await ack()
        target = self._clicked(body, client, context)
        request = actions.read_button(action.get("value"))
        self._spawn(target, self._guide.show(target, request, _text(body.get("trigger_id"))))

    async def _on_link(self, ack: Any) -> None:
        """A link button opened its page in the browser; Slack only needs to hear back."""
        await ack()

    @observe.observed("slack", lambda self, **kw: "check-button")
    async def _on_check(
        self,
        ack: Any,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        context: Any,
    ) -> None:
        await ack()
        target = self._clicked(body, client, context)
        message = _field(body, "message", "ts") or _field(body, "container", "message_ts")
        work = self._checklists.toggle(target, message, action.get("value"), self.publisher)
        self._spawn(target, work)

    @observe.observed("slack", lambda self, **kw: "checklist-picker")
    async def _on_pick(
        self,
        ack: Any,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        context: Any,
    ) -> None:
        await ack()
        target = self._clicked(body, client, context)
        self._spawn(target, self._checklists.pick(target, action.get("selected_options")))

    def _clicked(self, body: dict[str, Any], client: AsyncWebClient, context: Any) -> Target:
        """Where a button or menu was used, and by whom."""
        channel = _field(body, "channel", "id") or _field(body, "container", "channel_id")
        return self._target(channel, _field(body, "user", "id"), client, context)

    def _target(self, channel: Any, user: Any, client: AsyncWebClient, context: Any) -> Target:
        return Target(
            client,
            self._respond(context),
            actions.channel_id(channel),
            _text(user),
            context.bot_user_id,
            _text(context.team_id),
        )

    def _respond(self, context: Any) -> AsyncRespond:
        """The request's ``respond``, posting only to Slack's hosts."""
        respond = self._response_urls.guard(context.respond)
        assert respond is not None  # bolt builds one for every request
        return respond

    def _name(self, command: dict[str, Any]) -> str:
        return self._names.get(command.get("command", ""), "help")

    async def _on_error(
        self, error: Exception, body: dict[str, Any], respond: AsyncRespond | None
    ) -> BoltResponse:
        log.error("slack: listener failed", exc_info=error)
        respond = self._response_urls.guard(respond)
        if "command" in body:
            apology = {"response_type": "ephemeral", **self._apology_notice().payload()}
            return BoltResponse(status=200, body=json.dumps(apology), headers=_JSON)
        if respond is not None and respond.response_url:
            self._spawn_apology(respond)
        return BoltResponse(status=200, body="")

    def _spawn(self, target: Target, work: Coroutine[Any, Any, Any]) -> None:
        self._track(asyncio.create_task(self._guarded(target.respond, work)))

    def _spawn_apology(self, respond: AsyncRespond) -> None:
        notice = self._apology_notice()
        reply = respond(response_type="ephemeral", **notice.payload())
        self._track(asyncio.create_task(self._guarded(respond, reply)))

    def _track(self, task: asyncio.Task[None]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _guarded(self, respond: AsyncRespond, work: Coroutine[Any, Any, Any]) -> None:
        """Run follow-up work; a bug is logged once and answered with the apology."""
        try:
            await work
        except Exception:
            log.exception("slack: follow-up failed")
            try:
                await respond(response_type="ephemeral", **self._apology_notice().payload())
            except Exception:
                log.exception("slack: could not deliver the apology")

    def _apology_notice(self) -> SlackMessage:
        return render_notice(self.assistant.apology())


def _button_name(action: dict[str, Any]) -> str:
    return "pin-button" if action.get("action_id") == actions.PIN_ACTION else "share-button"


def _field(body: dict[str, Any], outer: str, inner: str) -> Any:
    part = body.get(outer)
    return part.get(inner) if isinstance(part, dict) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


_JSON: dict[str, str | Sequence[str]] = {"content-type": "application/json;charset=utf-8"}
