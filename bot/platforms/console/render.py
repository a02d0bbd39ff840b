"""A ``Reply`` as plain terminal text: labels in quotes, links spelled out, dates in one zone."""

from __future__ import annotations

import unicodedata
from datetime import datetime, tzinfo
from functools import lru_cache

from bot.core.catalogue import GUIDE_VARIANT
from bot.core.reply import Reply, Section
from bot.core.richtext import Command, Label, Link, Person, RichText, Strong, Text, UserText, When
from bot.core.timing import describe_relative, format_day

INDENT = "  "
# A checklist item as a terminal shows it: done, or still open.
CHECK_BOXES = {True: "[x]", False: "[ ]"}


@lru_cache(maxsize=1024)
def render_text(reply: Reply, zone: tzinfo) -> str:
    """The whole reply as lines of plain text, dates shown in ``zone``."""
    now = reply.generated_at
    lines: list[str] = []
    if reply.title:
        lines += [reply.title, "=" * min(len(reply.title), 72)]
    for notice in reply.notices:
        lines.append(f"! {inline(notice, zone, now)}")
    if reply.summary:
        lines.append(inline(reply.summary, zone, now))
    for section in reply.sections:
        lines.append("")
        lines += _section(section, zone, now)
    if reply.checklist:
        lines.append("")
        lines += _checklist(reply, zone, now)
    if reply.picker is not None and reply.picker.hint:
        # A terminal has no menus: the picker becomes the line that says what to type instead.
        lines += ["", inline(reply.picker.hint, zone, now)]
    if reply.links or reply.guide:
        lines.append("")
    lines += [f"{link.text}: {link.url}" for link in reply.links]
    if reply.guide is not None:
        guide = Command(reply.command, f"{reply.service_id or ''} {GUIDE_VARIANT}".strip())
        lines.append(f"{reply.guide}: {guide.text}")
    if reply.attribution:
        lines += ["", inline(reply.attribution, zone, now)]
    if reply.sources:
        lines += ["", "Sources"]
        lines += [f"{INDENT}- {inline((link,), zone, now)}" for link in reply.sources]
    if reply.verified:
        lines += ["", f"Last verified: {reply.verified.day} {reply.verified:%b %Y}"]
    return "\n".join(lines)


def _section(section: Section, zone: tzinfo, now: datetime | None) -> list[str]:
    lines = [section.title] if section.title else []
    indent = INDENT if section.title else ""
    lines += [indent + inline(paragraph, zone, now) for paragraph in section.paragraphs]
    for number, item in enumerate(section.items, start=1):
        marker = f"{number}." if section.numbered else "-"
        lines.append(f"{indent}{marker} {inline(item, zone, now)}")
    return lines


def _checklist(reply: Reply, zone: tzinfo, now: datetime | None) -> list[str]:
    lines = []
    for item in reply.checklist:
        lines.append(f"{CHECK_BOXES[item.done]} {inline(item.text, zone, now)}")
        if item.status:
            lines.append(f"{INDENT}  {inline(item.status, zone, now)}")
    return lines


def inline(text: RichText, zone: tzinfo, now: datetime | None) -> str:
    """One run of rich text as plain text."""
    parts: list[str] = []
    for span in text:
        if isinstance(span, Label):
            parts.append(f"“{span.text}”")
        elif isinstance(span, Link):
            parts.append(span.url if span.text == span.url else f"{span.text} <{span.url}>")
        elif isinstance(span, When):
            parts.append(_when(span, zone, now))
        elif isinstance(span, UserText):
            parts.append(_printable(span.text))
        elif isinstance(span, Text | Strong | Command | Person):
            parts.append(span.text)
    return "".join(parts)


def _when(span: When, zone: tzinfo, now: datetime | None) -> str:
    if span.precision == "day":
        shown = format_day(span.instant)
    elif span.precision == "local-day":
        shown = format_day(span.instant.astimezone(zone))
    else:
        local = span.instant.astimezone(zone)
        shown = f"{format_day(local)} {local:%H:%M} {local.tzname() or ''}".rstrip()
    if span.relative and now is not None:
        shown += f" ({describe_relative(span, now)})"
    return shown


def _printable(text: str) -> str:
    """Echoed user text without control characters that could move the cursor or recolour."""
    return "".join(char for char in text if not unicodedata.category(char).startswith("C"))
