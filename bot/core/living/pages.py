"""Showing an edited answer in the messages it was posted as: one rule for every platform.

An answer posted as several messages is edited message by message. When the new answer needs
fewer messages, the rest are deleted; when it needs more, the last message kept says where the
whole answer is, since a platform cannot insert messages between ones already posted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from bot.core.assistant import Assistant
from bot.core.phrasing import fill
from bot.core.ports.channels import ChannelRef, MessageRef
from bot.core.ports.publishing import MessageGoneError
from bot.core.reply import Reply
from bot.core.richtext import Command, RichText

Page = TypeVar("Page")


class PageEditor(Protocol[Page]):
    """What a platform does to one message of a posted answer."""

    async def update(self, channel: ChannelRef, message_id: str, page: Page) -> None:
        """Show ``page`` in the message."""
        ...

    async def delete(self, channel: ChannelRef, message_id: str) -> None:
        """Delete the message."""
        ...

    def with_note(self, page: Page, note: RichText) -> Page:
        """The page, ending with ``note``."""
        ...


def fit(pages: Sequence[Page], count: int, noted: Callable[[Page], Page]) -> list[Page]:
    """At most ``count`` pages; when some had to go, the last one kept is ``noted``."""
    if len(pages) <= count:
        return list(pages)
    kept = list(pages[:count])
    kept[-1] = noted(kept[-1])
    return kept


async def edit_in_place(
    message: MessageRef, pages: Sequence[Page], editor: PageEditor[Page], note: RichText
) -> None:
    """Show ``pages`` in the answer's messages; messages it no longer needs are deleted."""
    ids = message.message_ids
    kept = fit(pages, len(ids), lambda page: editor.with_note(page, note))
    for index, message_id in enumerate(ids):
        try:
            if index < len(kept):
                await editor.update(message.channel, message_id, kept[index])
            else:
                await editor.delete(message.channel, message_id)
        except MessageGoneError:
            # Only the first message stands for the answer; a later part may be gone.
            if index == 0:
                raise


def grew_note(assistant: Assistant, reply: Reply) -> RichText:
    """'This updated answer no longer fits here; /optout claude shows all of it.'"""
    answer = (Command(reply.command, reply.service_id or ""),)
    return fill(assistant.phrases().living.grew, answer=answer)
