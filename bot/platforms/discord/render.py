"""A ``Reply`` as Discord messages: embeds as plain JSON-ready data, split to fit Discord's limits.

Every limit Discord enforces on a message is a named constant here, and ``split_text`` is the one
place where text too long for a limit is divided. Text is escaped for Discord markdown and every
mention-like sequence is neutralised, so nothing rendered here can ping or inject markup.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from bot.core.phrases.platforms import PlatformPhrases
from bot.core.phrasing import fill_words
from bot.core.reply import CheckItem, Reply, Section
from bot.core.richtext import (
    Command,
    Label,
    Link,
    Person,
    RichText,
    Strong,
    Text,
    UserText,
    When,
)
from bot.core.timing import format_day

# Discord's limits, https://discord.com/developers/docs/resources/message#embed-object-embed-limits
# Discord's own phrases when a caller has none from the messages file: the English defaults.
ENGLISH = PlatformPhrases()
EMBED_TITLE_LIMIT = 256
EMBED_DESCRIPTION_LIMIT = 4096
EMBED_FIELD_COUNT_LIMIT = 25
EMBED_FIELD_NAME_LIMIT = 256
EMBED_FIELD_VALUE_LIMIT = 1024
EMBED_FOOTER_LIMIT = 2048
# Counted over title, description, field names and values and footer of all embeds in a message.
MESSAGE_EMBED_TOTAL_LIMIT = 6000
MESSAGE_CONTENT_LIMIT = 2000
# A snowflake is a 64-bit integer: at most 20 decimal digits.
SNOWFLAKE_DIGITS = 20

# About how many characters a line of an embed holds on a desktop client before it wraps.
READING_WIDTH = 70
# Our footers are short; this much of each message's budget is kept free for one.
FOOTER_RESERVE = 120
COLOURS = {"info": 0x5865F2, "warning": 0xF0B232, "error": 0xED4245}
SOURCES_TITLE = "Sources"
CONTINUED = " (continued)"
# Discord rejects empty field names; an untitled section gets an invisible one.
BLANK = "\u200b"
NOTICE_MARK = "⚠️ "
CHECK_MARKS = {True: "✅", False: "⬜"}
STATUS_INDENT = "\u2003↳ "

Embed = dict[str, Any]

_MARKDOWN = re.compile(r"([\\*_~`|\[\]])")
# Block markup only counts at the start of a line: headings, quotes, lists, subtext.
_BLOCK_AFTER_NEWLINE = re.compile(r"(\n[ \t]*(?:\d+(?=[.)]))?)([#>.)-])")
_BLOCK_AT_START = re.compile(r"\A([ \t]*(?:\d+(?=[.)]))?)([#>.)-])")
# '@everyone', '@here', '<@id>', '<@!id>', '<@&id>', '<#id>', '</cmd:id>', '<t:…>', '<:emoji:id>'.
_MENTION_START = re.compile(r"@(?=everyone|here|[!&]?\d)|<(?=[@#:/]|a:|t:)", re.IGNORECASE)
_URL_UNSAFE = str.maketrans({" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E"})


@dataclass(frozen=True, slots=True)
class Message:
    """One Discord message: text content, embeds, or both, as the REST API's JSON fields."""

    content: str | None = None
    embeds: tuple[Embed, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """The message as it would appear in a create-message body."""
        body: dict[str, Any] = {}
        if self.content is not None:
            body["content"] = self.content
        if self.embeds:
            body["embeds"] = list(self.embeds)
        return body


def render_reply(reply: Reply, words: PlatformPhrases = ENGLISH) -> list[Message]:
    """The reply as one or more messages of one embed each, in reading order; ``words`` are
    Discord's own phrases (footers)."""
    now = reply.generated_at
    intro = [NOTICE_MARK + inline(notice, now, at_line_start=False) for notice in reply.notices]
    if reply.summary:
        intro.append(inline(reply.summary, now))
    if reply.checklist:
        intro.append("\n".join(_check_lines(reply.checklist, now)))
    fields: list[tuple[str, str]] = []
    for section in reply.sections:
        body = "\n".join(_section_lines(section, now))
        if not body:
            continue
        if section.title is None and not fields:
            intro.append(body)
        else:
            fields.append((escape(section.title, True) if section.title else BLANK, body))
    if reply.sources:
        links = [f"- {inline((link,), now, at_line_start=False)}" for link in reply.sources]
        fields.append((SOURCES_TITLE, "\n".join(links)))
    if reply.attribution:
        # A card's small print is one line under its body: sources, then the verified date.
        credit = " · ".join([inline(reply.attribution, now), *_verified(reply, words)])
        if fields:
            fields.append((BLANK, credit))
        elif intro:
            intro[-1] += "\n" + credit
        else:
            intro.append(credit)
    # A card reads as one block, each line opening with its bold label; longer answers keep a
    # blank line between their parts.
    gap = "\n" if reply.guide is not None else "\n\n"
    return _pack(reply, gap.join(intro), fields, words)


def render_text(text: str) -> list[Message]:
    """The bot's own plain-text words (confirmations, permission problems) as messages."""
    return [Message(content=chunk) for chunk in split_text(text, MESSAGE_CONTENT_LIMIT)]


def inline(text: RichText, now: datetime | None, at_line_start: bool = True) -> str:
    """One run of rich text as Discord markdown."""
    parts: list[str] = []
    for position, span in enumerate(text):
        line_start = at_line_start and position == 0
        if isinstance(span, UserText):
            parts.append(neutralise(_printable(span.text), line_start))
        elif isinstance(span, Label | Strong):
            parts.append(_bold(span.text))
        elif isinstance(span, Link):
            parts.append(_link(span))
        elif isinstance(span, When):
            parts.append(_when(span, now))
        elif isinstance(span, Command):
            # Application commands keep their catalogue names on Discord.
            parts.append(_bold(span.text) if span.strong else escape(span.text, line_start))
        elif isinstance(span, Person):
            parts.append(_mention(span))
        elif isinstance(span, Text):
            parts.append(escape(span.text, line_start))
    return "".join(parts)


def _mention(person: Person) -> str:
    """A member's mention; it never pings, since every send disallows mentions."""
    if person.user_id.isdigit() and len(person.user_id) <= SNOWFLAKE_DIGITS:
        return f"<@{person.user_id}>"
    return escape(person.text, False)


@lru_cache(maxsize=16384)
def escape(text: str, line_start: bool) -> str:
    """Text with Discord markdown and mentions made literal (cached: content strings repeat)."""
    return neutralise(text, line_start)


def neutralise(text: str, line_start: bool) -> str:
    """Escape markdown and line-start markers; break every mention with a zero-width space."""
    escaped = _MARKDOWN.sub(r"\\\1", text)
    escaped = _BLOCK_AFTER_NEWLINE.sub(r"\1\\\2", escaped)
    if line_start:
        escaped = _BLOCK_AT_START.sub(r"\1\\\2", escaped)
    return _MENTION_START.sub(lambda match: match.group(0) + BLANK, escaped)


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most ``limit`` characters, cut at line breaks, else spaces, else anywhere."""
    if size(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for line in _fitting_lines(text, limit):
        candidate = f"{current}\n{line}" if current else line
        if size(candidate) <= limit:
            current = candidate
        else:
            pieces.append(current)
            current = line
    if current:
        pieces.append(current)
    return pieces


def size(text: str) -> int:
    """Length as Discord counts it (UTF-16 code units, so an emoji outside the BMP counts twice)."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def truncate(text: str, limit: int) -> str:
    """Text cut to ``limit`` characters with an ellipsis, for places that cannot be split."""
    if size(text) <= limit:
        return text
    text = text[: limit - 1]
    while size(text) > limit - 1:
        text = text[:-1]
    return text + "…"


def _fitting_lines(text: str, limit: int) -> list[str]:
    lines: list[str] = []
    for line in text.split("\n"):
        while size(line) > limit:
            cut = line.rfind(" ", 0, limit)
            if cut <= 0:
                cut = limit
                while size(line[:cut]) > limit:
                    cut -= 1
            lines.append(line[:cut])
            line = line[cut:].lstrip(" ")
        lines.append(line)
    return lines


def _section_lines(section: Section, now: datetime | None) -> list[str]:
    lines = [inline(paragraph, now) for paragraph in section.paragraphs]
    for number, item in enumerate(section.items, start=1):
        marker = f"{number}." if section.numbered else "-"
        lines.append(f"{marker} {inline(item, now, at_line_start=False)}")
    return lines


def _check_lines(items: tuple[CheckItem, ...], now: datetime | None) -> list[str]:
    lines = []
    for item in items:
        lines.append(f"{CHECK_MARKS[item.done]} {inline(item.text, now, at_line_start=False)}")
        if item.status:
            lines.append(f"{STATUS_INDENT}{inline(item.status, now, at_line_start=False)}")
    return lines


def _bold(text: str) -> str:
    """Bold markers hug the words; surrounding spaces stay outside them."""
    words = text.strip()
    if not words:
        return text
    start = text.index(words[0])
    return f"{text[:start]}**{escape(words, False)}**{text[start + len(words) :]}"


def _link(span: Link) -> str:
    url = span.url.translate(_URL_UNSAFE)
    if span.text == span.url:
        return url
    return f"[{escape(span.text, False)}]({url})"


def _when(span: When, now: datetime | None) -> str:
    """Exact instants in each reader's zone, with Discord's own countdown, so a pinned answer
    never shows one that was true only when it was posted. A calendar date stays as written:
    Discord's ``D`` style would shift it a day for readers west of its zone. A local day (when
    the bot noticed something) is an instant, so ``D`` shows it in each reader's zone."""
    stamp = int(span.instant.timestamp())
    if span.precision == "local-day":
        return f"<t:{stamp}:D>"
    shown = f"<t:{stamp}:F>" if span.precision == "minute" else format_day(span.instant)
    return f"{shown} (<t:{stamp}:R>)" if span.relative else shown


def _printable(text: str) -> str:
    return "".join(char for char in text if not unicodedata.category(char).startswith("C"))


def _pack(
    reply: Reply, description: str, fields: list[tuple[str, str]], words: PlatformPhrases
) -> list[Message]:
    """Fill embeds in reading order; a new message starts wherever a limit would be crossed."""
    title = truncate(escape(reply.title, True), EMBED_TITLE_LIMIT) if reply.title else ""
    parts: list[tuple[str | None, str]] = [
        (None, chunk) for chunk in split_text(description, EMBED_DESCRIPTION_LIMIT) if chunk
    ]
    for name, value in fields:
        continued = name if name == BLANK else name + CONTINUED
        for index, chunk in enumerate(split_text(value, EMBED_FIELD_VALUE_LIMIT)):
            parts.append((truncate(continued if index else name, EMBED_FIELD_NAME_LIMIT), chunk))
    embeds: list[Embed] = []
    embed: Embed | None = None
    used = 0
    for heading, text in parts:
        needed = size(text) + (size(heading) if heading is not None else 0)
        if embed is None or not _fits(embed, heading, used + needed):
            embed = {"type": "rich", "color": COLOURS[reply.tone]}
            if title and not embeds:
                embed["title"] = title
            embeds.append(embed)
            used = size(title) if title and len(embeds) == 1 else 0
        if heading is None:
            embed["description"] = text
        else:
            embed.setdefault("fields", []).append({"name": heading, "value": text, "inline": False})
        used += needed
    if not embeds:
        embeds.append({"type": "rich", "color": COLOURS[reply.tone], "title": title or BLANK})
    _add_footers(embeds, reply, words)
    return [Message(embeds=(embed,)) for embed in embeds]


def _fits(embed: Embed, name: str | None, total: int) -> bool:
    if total + FOOTER_RESERVE > MESSAGE_EMBED_TOTAL_LIMIT:
        return False
    if name is None:
        return "description" not in embed and "fields" not in embed
    return len(embed.get("fields", ())) < EMBED_FIELD_COUNT_LIMIT


def _verified(reply: Reply, words: PlatformPhrases) -> list[str]:
    day = reply.verified
    return [fill_words(words.verified, date=f"{day.day} {day:%b %Y}")] if day else []


def _add_footers(embeds: list[Embed], reply: Reply, words: PlatformPhrases) -> None:
    # A card says when it was verified in its small print already.
    verified = [] if reply.attribution else _verified(reply, words)
    count = str(len(embeds))
    for number, embed in enumerate(embeds, start=1):
        parts = [fill_words(words.part, number=str(number), count=count)] if len(embeds) > 1 else []
        parts += verified
        if parts:
            embed["footer"] = {"text": truncate(" · ".join(parts), EMBED_FOOTER_LIMIT)}
