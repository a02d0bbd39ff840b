"""A ``Reply`` as Slack Block Kit messages: pure data, split to Slack's limits in one place.

Layout: a header, notices, the summary, one section per reply section (numbered steps stay
numbered), a context line with the sources, the verified date and who shared the answer, and
the buttons last. Every message carries a plain ``text`` fallback for notifications.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.phrases.platforms import PlatformPhrases
from bot.core.phrasing import fill_words
from bot.core.reply import CheckItem, Picker, Reply, Section
from bot.core.richtext import RichText
from bot.platforms.slack.mrkdwn import (
    DEFAULT_SLASHES,
    Slashes,
    bold,
    escape,
    fallback,
    guard_line_start,
    literal,
    mrkdwn,
    plain_text,
    user_mention,
)

# Slack's documented limits (Block Kit reference); messages beyond them are rejected.
# Slack's own phrases when a caller has none from the messages file: the English defaults.
ENGLISH = PlatformPhrases()
MAX_BLOCKS_PER_MESSAGE = 50
MAX_SECTION_CHARS = 3000
MAX_HEADER_CHARS = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_CONTEXT_CHARS = 2000
MAX_ACTION_ELEMENTS = 25
MAX_BUTTON_LABEL_CHARS = 75
MAX_BUTTON_VALUE_CHARS = 2000
MAX_ACTION_ID_CHARS = 255
MAX_BUTTON_URL_CHARS = 3000
MAX_BLOCK_ID_CHARS = 255
# Views (modals): https://api.slack.com/reference/surfaces/views
MAX_MODAL_BLOCKS = 100
MAX_MODAL_TITLE_CHARS = 24
MAX_MODAL_BUTTON_CHARS = 24
# Slack cuts the fallback at 40 000 characters and advises staying under 4 000.
MAX_FALLBACK_CHARS = 3000
# About how many characters a line of the message pane holds on a desktop client.
READING_WIDTH = 100
ELLIPSIS = "…"
SOURCE_SEPARATOR = " · "
ACTIONS_BLOCK_ID = "optout_actions"
# The button beside each item of a checklist card; its value names the item and the new state.
CHECK_ACTION = "optout_check"
# The menu of workplace tools under a private ``/optout checklist``; choosing posts their card.
PICK_ACTION = "optout_pick"
PICKER_BLOCK_ID = "optout_picker"
# A multi_static_select holds at most 100 options, each text at most 75 characters, each value
# and its placeholder at most 150.
MAX_SELECT_OPTIONS = 100
MAX_OPTION_TEXT_CHARS = 75
MAX_OPTION_VALUE_CHARS = 150
MAX_PLACEHOLDER_CHARS = 150
CHECK_MARKS = {True: ":white_check_mark:", False: ":white_large_square:"}
# Warnings already open each notice with :warning:; an error says so before its summary.
TONE_MARKS = {"info": "", "warning": "", "error": ":x: "}

Block = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Button:
    """A button under a reply; ``value`` comes back to the app when it is clicked."""

    action_id: str
    label: str
    value: str = ""
    primary: bool = False
    # A link button opens this page; Slack still tells the app it was clicked.
    url: str | None = None


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """One message as Slack's APIs take it: ``text`` fallback and ``blocks``."""

    text: str
    blocks: tuple[Block, ...]

    def payload(self) -> dict[str, Any]:
        """The message as keyword arguments for ``chat.postMessage``, ``ack`` or ``respond``."""
        return {"text": self.text, "blocks": list(self.blocks)}


def render_reply(
    reply: Reply,
    actions: Sequence[Button] = (),
    shared_by: str | None = None,
    slashes: Slashes = DEFAULT_SLASHES,
    words: PlatformPhrases = ENGLISH,
) -> list[SlackMessage]:
    """The reply as one or more messages; ``shared_by`` is the id of the user who posted it,
    ``slashes`` how this workspace types the commands the reply names, ``words`` Slack's own
    phrases in the reader's language."""
    now = reply.generated_at
    blocks: list[Block] = []
    if reply.title:
        blocks.append(_header(reply.title))
    blocks.extend(_body(reply, slashes))
    for item in reply.checklist:
        blocks += _check_blocks(item, now, slashes)
    if reply.picker is not None:
        blocks.append(_picker(reply.picker))
    blocks += _context_blocks(_context(reply, shared_by, slashes, words))
    summary = fallback(reply.summary, now, slashes)
    first_text = f"{literal(reply.title)}: {summary}" if reply.title and summary else None
    return paginate(blocks, actions, first_text or literal(reply.title) or summary)


def render_modal(
    reply: Reply, close: str, slashes: Slashes = DEFAULT_SLASHES, words: PlatformPhrases = ENGLISH
) -> Block | None:
    """The whole reply as a modal view, or None when it needs more blocks than a view holds."""
    blocks = [*_body(reply, slashes), *_context_blocks(_context(reply, None, slashes, words))]
    if len(blocks) > MAX_MODAL_BLOCKS:
        return None
    title = " ".join((reply.title or close).split())
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": clip(plain_text(title), MAX_MODAL_TITLE_CHARS)},
        "close": {"type": "plain_text", "text": clip(plain_text(close), MAX_MODAL_BUTTON_CHARS)},
        "blocks": _identified(blocks),
    }


def _body(reply: Reply, slashes: Slashes) -> list[Block]:
    """Notices, the summary and the sections; what people must read in full is never folded
    behind Slack's 'see more'."""
    now = reply.generated_at
    blocks: list[Block] = []
    for notice in reply.notices:
        blocks += _sections(":warning: " + mrkdwn(notice, now, slashes))
    if reply.summary:
        summary = TONE_MARKS[reply.tone] + mrkdwn(reply.summary, now, slashes)
        blocks += _sections(summary, expand=True)
    for section in reply.sections:
        blocks += _sections(_section_text(section, now, slashes), expand=True)
    return blocks


def render_notice(
    text: str, bot_user_id: str | None = None, actions: Sequence[Button] = ()
) -> SlackMessage:
    """A message from the adapter itself; ``{bot}`` in ``text`` becomes a mention of the app."""
    shown = literal(text).replace("{bot}", user_mention(bot_user_id) or "the app")
    plain = literal(text).replace("{bot}", "the app")
    return paginate(_sections(shown), actions, plain)[0]


def note_blocks(note: RichText, slashes: Slashes = DEFAULT_SLASHES) -> list[Block]:
    """A note of the bot's own under an answer (it may name commands), as section blocks."""
    return _sections(mrkdwn(note, None, slashes))


def paginate(blocks: Sequence[Block], actions: Sequence[Button], text: str) -> list[SlackMessage]:
    """Blocks spread over as many messages as Slack's block limit needs; buttons go in the last."""
    footer = [_actions(actions)] if actions else []
    pages: list[list[Block]] = [[]]
    for block in blocks:
        if len(pages[-1]) == MAX_BLOCKS_PER_MESSAGE:
            pages.append([])
        pages[-1].append(block)
    if footer and len(pages[-1]) + len(footer) > MAX_BLOCKS_PER_MESSAGE:
        pages.append([pages[-1].pop()])
    pages[-1] += footer
    first = clip(text or ELLIPSIS, MAX_FALLBACK_CHARS)
    total = len(pages)
    return [
        SlackMessage(
            first if number == 1 else f"{clip(first, 200)} ({number}/{total})",
            tuple(_identified(page)),
        )
        for number, page in enumerate(pages, start=1)
    ]


def with_blocks(message: SlackMessage, blocks: Sequence[Block]) -> SlackMessage:
    """The message with ``blocks`` added at its end, every block id still unique in it."""
    kept = [*message.blocks[: MAX_BLOCKS_PER_MESSAGE - len(blocks)], *blocks]
    return SlackMessage(message.text, tuple(_identified(kept)))


def _identified(blocks: Sequence[Block]) -> list[Block]:
    """Blocks with a block id each, unique within the message (Slack rejects repeats, and a
    click reports the id of the block it came from)."""
    reserved = {block["block_id"] for block in blocks if "block_id" in block}
    seen: set[str] = set()
    named = []
    for index, block in enumerate(blocks):
        block_id = block.get("block_id")
        if block_id is None or block_id in seen:
            block_id = f"b{index}"
            while block_id in reserved or block_id in seen:
                block_id += "_"
            block = {**block, "block_id": block_id}
        seen.add(block_id)
        named.append(block)
    return named


def split_text(text: str, limit: int, separator: str = "\n") -> list[str]:
    """Text in pieces of at most ``limit`` characters, cut between parts, never inside a token."""
    chunks: list[str] = []
    current: str | None = None
    for part in text.split(separator):
        for piece in _cut(part, limit):
            candidate = piece if current is None else current + separator + piece
            if len(candidate) <= limit:
                current = candidate
            else:
                if current is not None:
                    chunks.append(current)
                current = piece
    if current is not None:
        chunks.append(current)
    return chunks or [""]


def clip(text: str, limit: int) -> str:
    """Text shortened to ``limit`` characters with an ellipsis, never inside a token or entity."""
    if len(text) <= limit:
        return text
    return text[: _safe_cut(text, limit - len(ELLIPSIS))] + ELLIPSIS


def _cut(line: str, limit: int) -> list[str]:
    pieces = []
    while len(line) > limit:
        cut = _safe_cut(line, limit)
        space = line.rfind(" ", 0, cut)
        if space > limit // 2 and not _inside_token(line, space):
            cut = space + 1
        pieces.append(line[:cut])
        line = guard_line_start(line[cut:])
    pieces.append(line)
    return pieces


def _safe_cut(text: str, limit: int) -> int:
    """The largest cut at or before ``limit`` outside any ``<…>`` token and ``&…;`` entity."""
    cut = limit
    if _inside_token(text, cut):
        cut = text.rfind("<", 0, cut)
    ampersand = text.rfind("&", max(0, cut - 5), cut)
    if ampersand != -1 and text.find(";", ampersand, cut) == -1:
        cut = ampersand
    return cut if cut > 0 else limit


def _inside_token(text: str, position: int) -> bool:
    opening = text.rfind("<", 0, position)
    return opening != -1 and text.find(">", opening, position) == -1


def check_value(key: str, done: bool) -> str:
    """The value of an item's button: which item, and whether a click marks it done."""
    return json.dumps({"s": key, "d": int(done)}, separators=(",", ":"))


def _picker(picker: Picker) -> Block:
    """The tools as one multi-select menu. Workplace tools are far fewer than Slack's 100
    options; past that the menu shows the first 100 by name and typing still names the rest."""
    options = [
        {
            "text": {
                "type": "plain_text",
                "text": clip(plain_text(option.label), MAX_OPTION_TEXT_CHARS),
            },
            "value": option.key,
        }
        for option in picker.options[:MAX_SELECT_OPTIONS]
        if len(option.key) <= MAX_OPTION_VALUE_CHARS
    ]
    placeholder = clip(plain_text(picker.placeholder), MAX_PLACEHOLDER_CHARS)
    menu: Block = {
        "type": "multi_static_select",
        "action_id": PICK_ACTION,
        "placeholder": {"type": "plain_text", "text": placeholder},
        "options": options,
        "max_selected_items": min(picker.most, len(options)),
    }
    # Block Kit takes a multi-select as a section's accessory (and in inputs), not beside buttons.
    text = {"type": "mrkdwn", "text": bold(picker.placeholder)}
    return {"type": "section", "block_id": PICKER_BLOCK_ID, "text": text, "accessory": menu}


def _check_blocks(item: CheckItem, now: datetime | None, slashes: Slashes) -> list[Block]:
    """One item: its line with the button beside it, then who marked it or why it reopened."""
    text = clip(f"{CHECK_MARKS[item.done]} {mrkdwn(item.text, now, slashes)}", MAX_SECTION_CHARS)
    button: Block = {
        "type": "button",
        "action_id": CHECK_ACTION,
        "text": {
            "type": "plain_text",
            "text": clip(plain_text(item.button), MAX_BUTTON_LABEL_CHARS),
        },
        "value": check_value(item.key, not item.done),
    }
    if not item.done:
        button["style"] = "primary"
    blocks: list[Block] = [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": text, "verbatim": True},
            "accessory": button,
        }
    ]
    if item.status:
        blocks += _context_blocks([clip(mrkdwn(item.status, now, slashes), MAX_CONTEXT_CHARS)])
    return blocks


def _header(title: str) -> Block:
    text = plain_text(" ".join(title.split()))
    return {"type": "header", "text": {"type": "plain_text", "text": clip(text, MAX_HEADER_CHARS)}}


def _sections(text: str, expand: bool = False) -> list[Block]:
    blocks: list[Block] = []
    for chunk in split_text(text, MAX_SECTION_CHARS):
        if chunk.strip():
            block: Block = {"type": "section", "text": {"type": "mrkdwn", "text": chunk}}
            block["text"]["verbatim"] = True
            if expand:
                block["expand"] = True
            blocks.append(block)
    return blocks


def _section_text(section: Section, now: datetime | None, slashes: Slashes) -> str:
    lines = [bold(section.title)] if section.title else []
    lines += [guard_line_start(mrkdwn(paragraph, now, slashes)) for paragraph in section.paragraphs]
    for number, item in enumerate(section.items, start=1):
        marker = f"{number}." if section.numbered else "•"
        lines.append(f"{marker} {mrkdwn(item, now, slashes)}")
    return "\n".join(lines)


def _context(
    reply: Reply, shared_by: str | None, slashes: Slashes, words: PlatformPhrases
) -> list[str]:
    now = reply.generated_at
    elements: list[str] = []
    if reply.attribution:
        elements.append(clip(mrkdwn(reply.attribution, now, slashes), MAX_CONTEXT_CHARS))
    if reply.sources:
        links = SOURCE_SEPARATOR.join(mrkdwn((source,), now) for source in reply.sources)
        line = fill_words(words.sources, sources=links)
        elements += split_text(line, MAX_CONTEXT_CHARS, SOURCE_SEPARATOR)
    if reply.verified:
        verified = reply.verified
        day = escape(f"{verified.day} {verified:%b %Y}")
        elements.append(fill_words(words.verified, date=day))
    mention = user_mention(shared_by)
    if mention:
        elements.append(fill_words(words.shared_by, person=mention))
    return elements


def _context_blocks(elements: list[str]) -> list[Block]:
    return [
        {
            "type": "context",
            "elements": [
                {"type": "mrkdwn", "text": text, "verbatim": True}
                for text in elements[start : start + MAX_CONTEXT_ELEMENTS]
            ],
        }
        for start in range(0, len(elements), MAX_CONTEXT_ELEMENTS)
    ]


def _actions(buttons: Sequence[Button]) -> Block:
    elements = []
    for button in buttons[:MAX_ACTION_ELEMENTS]:
        too_long = len(button.value) > MAX_BUTTON_VALUE_CHARS
        too_long |= len(button.url or "") > MAX_BUTTON_URL_CHARS
        if too_long or len(button.action_id) > MAX_ACTION_ID_CHARS:
            raise ValueError(f"button {button.action_id[:40]!r} exceeds Slack's limits")
        label = clip(plain_text(button.label), MAX_BUTTON_LABEL_CHARS)
        element: Block = {
            "type": "button",
            "action_id": button.action_id,
            "text": {"type": "plain_text", "text": label},
        }
        if button.value:
            element["value"] = button.value
        if button.url:
            element["url"] = button.url
        if button.primary:
            element["style"] = "primary"
        elements.append(element)
    return {"type": "actions", "block_id": ACTIONS_BLOCK_ID, "elements": elements}
