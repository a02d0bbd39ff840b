"""Prints of answers: what a posted answer said, reduced to digests (never its text).

A print ignores everything that depends only on when the answer was rendered: the countdowns
("in 12 days") and ``generated_at``. An answer whose content did not change keeps its print,
so a pinned message is not edited every day just because a countdown moved.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from bot.core.ports.answers import AnswerPrint
from bot.core.reply import Reply, Section
from bot.core.richtext import Command, Link, RichText, Span, Strong, Text, When

DIGEST_CHARS = 16
PART_CHARS = 8


@dataclass(frozen=True, slots=True)
class PartChange:
    """How two prints of one answer differ, named after the parts of the current answer."""

    changed: tuple[str, ...]
    removed: int

    def describe(self) -> str:
        """'Upcoming, Sources changed; 1 part removed'."""
        words = []
        if self.changed:
            words.append(", ".join(self.changed) + " changed")
        if self.removed:
            words.append(f"{self.removed} part{'s' if self.removed > 1 else ''} removed")
        return "; ".join(words) or "no visible change"


def fingerprint(reply: Reply) -> AnswerPrint:
    """The print of a reply: a digest of the whole and one per named part."""
    named = _named_parts(reply)
    whole = _digest("\x1e".join([reply.command, reply.tone, *(f"{n}\x1f{v}" for n, v in named)]))
    parts = tuple((_digest(name, PART_CHARS), _digest(value, PART_CHARS)) for name, value in named)
    return AnswerPrint(whole[:DIGEST_CHARS], parts)


def compare(old: AnswerPrint, reply: Reply) -> PartChange:
    """Which parts of ``reply`` differ from the answer printed as ``old``."""
    before = dict(old.parts)
    changed = []
    kept = set()
    for name, value in _named_parts(reply):
        key = _digest(name, PART_CHARS)
        kept.add(key)
        if before.get(key) != _digest(value, PART_CHARS):
            changed.append(name)
    return PartChange(tuple(changed), len(set(before) - kept))


def _named_parts(reply: Reply) -> list[tuple[str, str]]:
    parts = [("Title", reply.title)]
    if reply.notices:
        parts.append(("Notices", "\x1d".join(_text(notice) for notice in reply.notices)))
    parts.append(("Summary", _text(reply.summary)))
    for position, section in enumerate(reply.sections, start=1):
        if _labelled_lines(section):
            # A card's lines ("Next date: …") are parts of their own, named as they read.
            parts += [(_label(line), _text(line)) for line in section.paragraphs]
            continue
        name = section.title or f"Part {position}"
        body = [_text(paragraph) for paragraph in section.paragraphs]
        body += ["#" if section.numbered else "-"] + [_text(item) for item in section.items]
        parts.append((name, "\x1d".join(body)))
    if reply.links:
        parts.append(("Links", _text(reply.links)))
    if reply.attribution:
        parts.append(("Sources", _text(reply.attribution)))
    if reply.sources:
        parts.append(("Sources", _text(reply.sources)))
    if reply.verified:
        parts.append(("Last verified", reply.verified.isoformat()))
    return parts


def _labelled_lines(section: Section) -> bool:
    """An untitled section of paragraphs that each open with a label of their own."""
    lines = section.paragraphs
    return (
        section.title is None
        and not section.items
        and bool(lines)
        and all(line and isinstance(line[0], Strong) for line in lines)
    )


def _label(line: RichText) -> str:
    first = line[0]
    return first.text.rstrip(": ") if isinstance(first, Strong) else ""


def _text(text: RichText) -> str:
    return "".join(_span(span) for span in _commands_as_text(text))


def _commands_as_text(text: RichText) -> list[Span]:
    """Command references read as the words around them, so an answer printed before commands
    were spans keeps its print (and is not edited for nothing)."""
    spans: list[Span] = []
    joining = False
    for span in text:
        if isinstance(span, Command):
            previous = spans[-1] if spans else None
            if isinstance(previous, Text):
                spans[-1] = Text(previous.text + span.text)
            else:
                spans.append(Text(span.text))
            joining = True
        elif joining and isinstance(span, Text) and isinstance(spans[-1], Text):
            spans[-1] = Text(spans[-1].text + span.text)
            joining = False
        else:
            spans.append(span)
            joining = False
    return spans


def _span(span: Span) -> str:
    # The span kind is part of the print: text turning into a label is a visible change.
    if isinstance(span, When):
        return f"\x02When:{span.instant.isoformat()}:{span.precision}:{span.relative}\x03"
    if isinstance(span, Link):
        return f"\x02Link:{span.url}:{span.text}\x03"
    return f"\x02{type(span).__name__}:{span.text}\x03"


def _digest(text: str, chars: int = 64) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:chars]
