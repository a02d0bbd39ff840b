"""Listings (``/deadline``, ``/changes``) that stay one message whatever the content says.

Each entry's own words are clipped to a known length, at most ``MAX_ENTRIES`` are shown, and
only as many as fit ``LISTING_COST``; the rest are counted with a phrase saying where they are.
The cost of rich text is the most characters Discord's renderer can make of it: markup escaped,
a link's address spelled out, a date as a live token with its countdown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.richtext import Command, Link, Person, RichText, Span, When

MAX_ENTRIES = 10
# Discord holds 6,000 characters of embeds in one message; the title, the section names and
# the footer take the rest. Slack's 50 blocks of 3,000 characters hold more.
LISTING_COST = 3600
# Clipped lengths: a service's name, a publisher, a title, what to do about a date, a change.
NAME_CHARS = 60
PUBLISHER_CHARS = 40
TITLE_CHARS = 200
ENTRY_TEXT_CHARS = 300
CHANGE_CHARS = 500
SUMMARY_CHARS = 700
# A date moved many times shows its first date and its latest ones.
HISTORY_DATES = 4
# Costs are counted as Discord counts its 6,000 characters, the tighter of the two limits: a
# markup character costs its escape, a mention sign its zero-width break, a line break the
# escape of the next line's start, and each span one more for its own. Slack's longer date
# tokens fit many times over in its blocks.
_ESCAPED = frozenset("\\*_~`|[]<>@\n")
_URL_ESCAPED = frozenset(" ()<>&")
URL_ESCAPE_EXTRA = 2
# '<t:1767225600:F> (<t:1767225600:R>)'
WHEN_COST = 40
# A command spelled as typed, or a mention.
NAMED_COST = 40


@dataclass(frozen=True, slots=True)
class Shown:
    """The entries a listing shows, and how many it leaves out."""

    entries: tuple[RichText, ...]
    left_out: int


def cost(text: RichText) -> int:
    """The most characters Discord counts for this rich text once rendered."""
    return sum(_span_cost(span) for span in text)


def shown(entries: Sequence[RichText], room: int = LISTING_COST) -> Shown:
    """The first entries, in order, that fit ``room`` and ``MAX_ENTRIES``."""
    kept: list[RichText] = []
    used = 0
    for entry in entries[:MAX_ENTRIES]:
        # A line break and a list marker between entries.
        needed = cost(entry) + 4
        if used + needed > room:
            break
        kept.append(entry)
        used += needed
    return Shown(tuple(kept), len(entries) - len(kept))


def _span_cost(span: Span) -> int:
    if isinstance(span, When):
        return WHEN_COST
    if isinstance(span, Command | Person):
        return NAMED_COST
    if isinstance(span, Link):
        url = len(span.url) + URL_ESCAPE_EXTRA * sum(1 for c in span.url if c in _URL_ESCAPED)
        return _text_cost(span.text) + url + 4
    return _text_cost(span.text)


def _text_cost(text: str) -> int:
    # Discord counts UTF-16 code units: a character outside the BMP counts twice.
    units = len(text.encode("utf-16-le")) // 2
    return units + 1 + sum(1 for char in text if char in _ESCAPED)
