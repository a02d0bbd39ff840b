"""The Full guide button on Slack: the complete answer in a modal for whoever clicks.

A modal needs the click's trigger id (valid for three seconds) and holds 100 blocks; where it
cannot open, the guide comes as private messages in the conversation instead.
"""

from __future__ import annotations

import logging

from bot.core.assistant import Assistant
from bot.core.catalogue import GUIDE_VARIANT
from bot.core.ports.publishing import PublishError
from bot.platforms.slack import actions
from bot.platforms.slack.errors import slack_call
from bot.platforms.slack.mrkdwn import DEFAULT_SLASHES, Slashes
from bot.platforms.slack.render import render_modal, render_notice, render_reply
from bot.platforms.slack.sharing import Target

log = logging.getLogger(__name__)


class SlackGuide:
    """Opens the complete answer behind a card."""

    def __init__(self, assistant: Assistant, slashes: Slashes = DEFAULT_SLASHES) -> None:
        self._assistant = assistant
        self._slashes = slashes

    async def show(
        self, target: Target, request: actions.ButtonRequest | None, trigger_id: str | None
    ) -> None:
        """The guide in a modal, else as private messages; never an error for the reader."""
        words = self._assistant.phrases().platform(actions.PLATFORM)
        if request is None or not request.command:
            notice = render_notice(words.button_unreadable, target.bot_user_id)
            await target.respond(response_type="ephemeral", **notice.payload())
            return
        reply = self._assistant.run(request.command, request.argument, detail=GUIDE_VARIANT)
        close = self._assistant.phrases().card.close_button
        view = render_modal(reply, close, self._slashes, words)
        if view is not None and trigger_id:
            try:
                await slack_call(target.client.views_open(trigger_id=trigger_id, view=view))
                return
            except PublishError as error:
                # An expired trigger or a refused view: the messages below still reach them.
                log.warning("slack: views.open failed (%s); sending the guide privately", error)
        buttons = actions.answer_buttons(reply, words)
        for message in render_reply(reply, buttons, slashes=self._slashes, words=words):
            await target.respond(
                response_type="ephemeral", replace_original=False, **message.payload()
            )
