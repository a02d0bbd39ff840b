"""Discord objects for rendered replies: embeds, the Share and Pin buttons, and a small memo.

The buttons are dynamic items: their ``custom_id`` names the command and service, so a click is
answered by whichever process receives it, also long after a restart.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol

import discord

from bot.core.phrases.platforms import PlatformPhrases
from bot.core.reply import Picker, Reply
from bot.platforms.discord import actions
from bot.platforms.discord.render import (
    ENGLISH,
    Embed,
    Message,
    render_reply,
    render_text,
    truncate,
)

if TYPE_CHECKING:
    from discord.types.embed import Embed as EmbedData

PRIVATE = "private"
PUBLIC = "public"
# Posted to be pinned at once: a card keeps its link and Full guide, with no Pin to offer.
PINNED = "pinned"
NO_BUTTONS = "none"
# The core answers the same question within a minute with the same reply object; rendering it
# once per object is what keeps a busy bot's cost per interaction close to a bare client's.
MEMO_SIZE = 1024


class ButtonHandler(Protocol):
    """Whatever answers a click (the adapter)."""

    async def on_button(
        self, interaction: discord.Interaction, action: str, command: str, service: str
    ) -> None: ...

    async def on_check(
        self, interaction: discord.Interaction, service: str, done: bool
    ) -> None: ...

    async def on_pick(self, interaction: discord.Interaction, values: list[str]) -> None: ...


class RenderedReplies:
    """Message arguments for replies, rendered once per reply object and button set."""

    def __init__(self, words: Callable[[], PlatformPhrases] = lambda: ENGLISH) -> None:
        # Discord's own phrases as the messages file currently has them (it may be reloaded).
        self._words = words
        self._memo: OrderedDict[
            tuple[int, int, str], tuple[Reply, PlatformPhrases, list[dict[str, Any]]]
        ] = OrderedDict()

    def reply(self, reply: Reply, buttons: str) -> list[dict[str, Any]]:
        """``send`` arguments for each message of the reply; buttons go on the first one."""
        words = self._words()
        key = (id(reply), id(words), buttons)
        found = self._memo.get(key)
        if found is not None and found[0] is reply and found[1] is words:
            return found[2]
        view = None if buttons == NO_BUTTONS else _view(reply, buttons, words)
        messages = [
            _fields(message, view if index == 0 else None)
            for index, message in enumerate(render_reply(reply, words))
        ]
        # Holding the reply and the words keeps their ids from being reused while the entry lives.
        self._memo[key] = (reply, words, messages)
        if len(self._memo) > MEMO_SIZE:
            self._memo.popitem(last=False)
        return messages

    def text(self, text: str) -> list[dict[str, Any]]:
        """``send`` arguments for the bot's own words."""
        return [_fields(message, None) for message in render_text(text)]


def _fields(message: Message, view: discord.ui.View | None) -> dict[str, Any]:
    fields: dict[str, Any] = {"embeds": [RenderedEmbed.of(embed) for embed in message.embeds]}
    if message.content is not None:
        fields["content"] = message.content
    if view is not None:
        fields["view"] = view
    return fields


def _view(reply: Reply, mode: str, words: PlatformPhrases) -> discord.ui.View | None:
    if reply.checklist:
        return RenderedView(
            CheckButton(
                actions.check_id(item.key, not item.done),
                truncate(item.button, actions.BUTTON_LABEL_LIMIT),
                done=item.done,
            )
            for item in reply.checklist
        )
    buttons = actions.buttons(reply, mode != PRIVATE, words, pinnable=mode != PINNED)
    items: list[discord.ui.Item[Any]] = []
    if reply.picker is not None:
        # A message holds five rows: the buttons (at most four) share one, the menus the rest,
        # so an answer with a picker keeps its buttons instead of losing them to a fifth menu.
        rows = actions.SELECT_ROW_LIMIT - (1 if buttons else 0)
        items += _menus(reply.picker, rows)
    items += [_item(button) for button in buttons]
    return RenderedView(items) if items else None


def _menus(picker: Picker, rows: int = actions.SELECT_ROW_LIMIT) -> list[PickSelect]:
    """The picker as select menus of at most 25 tools. The workplace tools fit one menu today;
    past 25 they are split in name order into one menu per 25 (a row each, ``rows`` at most),
    and a choice in one menu posts a checklist of the tools chosen there."""
    limit = actions.SELECT_OPTION_LIMIT
    pages = [
        picker.options[start : start + limit] for start in range(0, len(picker.options), limit)
    ]
    placeholder = truncate(picker.placeholder, actions.SELECT_PLACEHOLDER_LIMIT)
    menus = []
    for number, page in enumerate(pages[:rows]):
        options = [
            discord.SelectOption(
                label=truncate(option.label, actions.SELECT_TEXT_LIMIT), value=option.key
            )
            for option in page
        ]
        select = discord.ui.Select[Any](
            custom_id=actions.pick_id(number),
            placeholder=placeholder,
            min_values=1,
            max_values=min(picker.most, len(options)),
            options=options,
        )
        menus.append(PickSelect(select))
    return menus


def _item(button: actions.Button) -> discord.ui.Item[Any]:
    if button.url is not None:
        return discord.ui.Button(label=button.label, url=button.url)
    kinds = {actions.SHARE: ShareButton, actions.PIN: PinButton, actions.GUIDE: GuideButton}
    item: discord.ui.Item[Any] = kinds[button.action](button.custom_id, button.label)
    return item


class RenderedEmbed(discord.Embed):
    """An embed made from rendered JSON, never changed afterwards: its JSON is converted once.

    discord.py turns each embed back into JSON on every send, and one rendered reply is sent
    to everyone who asks the same question (about 5 µs each time for a full embed).
    """

    __slots__ = ("_json",)
    _json: EmbedData

    @classmethod
    def of(cls, data: Embed) -> RenderedEmbed:
        """The embed for one rendered embed's JSON."""
        embed = cls.from_dict(data)
        embed._json = discord.Embed.to_dict(embed)
        return embed

    def to_dict(self) -> EmbedData:
        return self._json


class RenderedView(discord.ui.View):
    """The buttons under one rendered reply, built once; their JSON is converted once as well."""

    def __init__(self, items: Iterable[discord.ui.Item[Any]]) -> None:
        super().__init__(timeout=None)
        for item in items:
            self.add_item(item)
        self._components = super().to_components()
        # Clicks reach the dynamic items registered on the client; the view only carries the
        # buttons to Discord. Stopped, it is not kept (discord.py would hold each private one 15
        # minutes).
        self.stop()

    def to_components(self) -> list[dict[str, Any]]:
        return self._components


class _ActionButton:
    action: str

    def __init__(self, custom_id: str, label: str) -> None:
        style = (
            discord.ButtonStyle.primary
            if self.action in (actions.SHARE, actions.GUIDE)
            else discord.ButtonStyle.secondary
        )
        button = discord.ui.Button(label=label, custom_id=custom_id, style=style)  # type: ignore[var-annotated]
        super().__init__(button)  # type: ignore[call-arg]

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: Any
    ) -> Any:
        return cls(item.custom_id or "", item.label or actions.action_label(cls.action, ENGLISH))

    async def callback(self, interaction: discord.Interaction) -> None:
        parsed = actions.parse_custom_id(self.custom_id)  # type: ignore[attr-defined]
        if parsed is not None:
            handler: ButtonHandler = interaction.client.adapter  # type: ignore[attr-defined]
            await handler.on_button(interaction, *parsed)


# discord.py types DynamicItem.from_custom_id against its own class; the mixin's is the same call.
class ShareButton(  # type: ignore[misc]
    _ActionButton, discord.ui.DynamicItem[discord.ui.Button[Any]], template=actions.SHARE_TEMPLATE
):
    """Share in channel: posts the answer in the channel as a normal bot message."""

    action = actions.SHARE


class PinButton(  # type: ignore[misc]
    _ActionButton, discord.ui.DynamicItem[discord.ui.Button[Any]], template=actions.PIN_TEMPLATE
):
    """Pin: posts the answer if it is private, then pins it."""

    action = actions.PIN


class GuideButton(  # type: ignore[misc]
    _ActionButton, discord.ui.DynamicItem[discord.ui.Button[Any]], template=actions.GUIDE_TEMPLATE
):
    """Full guide: the complete answer behind a card, privately, for whoever clicks."""

    action = actions.GUIDE


class CheckButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=actions.CHECK_TEMPLATE):
    """Mark done, or Undo, beside one item of a checklist card."""

    def __init__(self, custom_id: str, label: str, done: bool = False) -> None:
        style = discord.ButtonStyle.secondary if done else discord.ButtonStyle.success
        button = discord.ui.Button(label=label, custom_id=custom_id, style=style)  # type: ignore[var-annotated]
        super().__init__(button)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Any
    ) -> CheckButton:
        button: Any = item
        return cls(button.custom_id or "", button.label or "", done=match["done"] == "0")

    async def callback(self, interaction: discord.Interaction) -> None:
        parsed = actions.parse_check_id(self.custom_id)
        if parsed is not None:
            handler: ButtonHandler = interaction.client.adapter  # type: ignore[attr-defined]
            await handler.on_check(interaction, *parsed)


class PickSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=actions.PICK_TEMPLATE):
    """A menu of the tool picker: choosing posts the checklist of the tools chosen."""

    def __init__(self, select: discord.ui.Select[Any]) -> None:
        super().__init__(select)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Any
    ) -> PickSelect:
        # The menu as the message holds it; discord.py fills in the values chosen afterwards.
        select: Any = item
        return cls(select)

    async def callback(self, interaction: discord.Interaction) -> None:
        handler: ButtonHandler = interaction.client.adapter  # type: ignore[attr-defined]
        await handler.on_pick(interaction, list(self.item.values))
