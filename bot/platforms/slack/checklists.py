"""Checklist cards on Slack: posting one for ``/optout checklist``, and its Mark done and Undo
buttons, through the core's sharing flow and checklist book."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.core.answers.checklist import picked
from bot.core.assistant import Assistant
from bot.core.living.access import LivingAccess
from bot.core.living.sharing import Sharing, describe
from bot.core.phrasing import fill
from bot.core.ports.publishing import Publisher, PublishError
from bot.core.reply import Reply
from bot.core.request import Request
from bot.core.richtext import RichText
from bot.platforms.slack import actions
from bot.platforms.slack.mrkdwn import DEFAULT_SLASHES, Slashes
from bot.platforms.slack.render import render_notice, render_reply
from bot.platforms.slack.sharing import PLATFORM_NAME, SlackSharingChannel, Target

log = logging.getLogger(__name__)

# Whether the person who clicked may manage the channel (the same rule as for reminders).
MayManageTarget = Callable[[Target], Awaitable[bool]]


class SlackChecklists:
    """Posts checklist cards and answers clicks on their items."""

    def __init__(
        self,
        assistant: Assistant,
        access: LivingAccess,
        may_manage: MayManageTarget,
        slashes: Slashes = DEFAULT_SLASHES,
    ) -> None:
        self._assistant = assistant
        self._access = access
        self._sharing = Sharing(access)
        self._may_manage = may_manage
        self._slashes = slashes

    async def post(self, target: Target, reply: Reply) -> None:
        """Post the card in the target's channel, and tell the person how it went."""
        words = self._assistant.phrases().workspace
        channel = target.channel_ref()
        if channel is not None and self._access.checklists() is None:
            return await self._tell(target, fill(words.unavailable))
        platform_words = self._assistant.phrases().platform(actions.PLATFORM)
        sharing = (
            SlackSharingChannel(target, channel, self._slashes, platform_words) if channel else None
        )
        outcome = await self._sharing.post_checklist(sharing, reply)
        if outcome.kind == "failed":
            return await self._notify(target, self._assistant.apology())
        if outcome.succeeded:
            return await self._tell(target, fill(words.posted))
        phrases = self._assistant.phrases()
        scope = actions.permission_words(phrases.platform(actions.PLATFORM), ())
        await self._notify(target, describe(outcome, phrases.sharing, PLATFORM_NAME, scope))

    async def pick(self, target: Target, selected: Any) -> None:
        """Post the checklist of the tools chosen in the picker, as if they had been typed."""
        words = self._assistant.phrases().workspace
        argument = picked(self._assistant.knowledge(), actions.read_pick(selected))
        if argument is None:
            return await self._tell(target, fill(words.picker_stale))
        reply = self._assistant.answer_now(Request("optout", f"checklist {argument}"))
        if reply is None or not reply.checklist:
            return await self._tell(target, fill(words.picker_stale))
        await self.post(target, reply)

    async def toggle(
        self, target: Target, message: Any, value: Any, publisher: Publisher | None
    ) -> None:
        """Mark the clicked item done or open again, if the person may, and show the card."""
        words = self._assistant.phrases().workspace
        check, stamp = actions.read_check(value), actions.message_ts(message)
        channel = target.channel_ref()
        if check is None or stamp is None or channel is None:
            unreadable = self._assistant.phrases().platform(actions.PLATFORM).button_unreadable
            return await self._notify(target, unreadable)
        book = self._access.checklists()
        if book is None:
            return await self._tell(target, fill(words.unavailable))
        toggled = await book.toggle(
            channel, stamp, *check, target.user, lambda: self._may_manage(target)
        )
        if toggled.kind == "not_allowed":
            return await self._tell(target, fill(words.not_allowed))
        if toggled.kind == "not_tracked" or toggled.card is None or toggled.message is None:
            return await self._tell(target, fill(words.not_tracked))
        if publisher is None:
            return  # not started yet: the card's edit stays queued for the worker
        try:
            await publisher.edit(toggled.message, toggled.card)
        except PublishError as error:
            # The edit stays queued (its generation is not shown yet): the worker retries it.
            log.warning("slack: a checklist card was not updated (%s)", type(error).__name__)
            return
        await book.shown(toggled.checklist_id, toggled.generation)

    async def _tell(self, target: Target, text: RichText) -> None:
        """The bot's own words, naming commands as this workspace types them."""
        notice = Reply(command="optout", title="", summary=text)
        for message in render_reply(notice, slashes=self._slashes):
            await target.respond(response_type="ephemeral", **message.payload())

    async def _notify(self, target: Target, text: str) -> None:
        notice = render_notice(text, target.bot_user_id).payload()
        await target.respond(response_type="ephemeral", **notice)
