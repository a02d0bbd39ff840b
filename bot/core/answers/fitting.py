"""The card's budget, and the card cut to it: optional lines go first, then the action is clipped.

A card must stay one short message whatever its content says, so its size is estimated from
the content before it is rendered: every line wraps at the narrowest reading width of the
platforms (each platform's ``READING_WIDTH``; a test holds this one to the smallest of them),
and each kind of span counts as the most characters any platform shows for it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from bot.core.answers.clipping import clip_words
from bot.core.richtext import Command, Label, RichText, Span, Strong, Text, When

CARD_MAX_LINES = 15
CARD_MAX_CHARS = 1200
# Discord's embed wraps at about 70 characters, Slack's message pane at about 100.
READING_WIDTH = 70
# A date with its countdown ('8 October 2025 00:00 (in 12 days)'), and without one.
COUNTDOWN_CHARS = 40
DATE_CHARS = 22
# A command is spelled as typed in the workspace ('/optout-staging').
COMMAND_CHARS = 24
# A warning sign and a space before a notice, ' · Last verified 28 Sep 2026' after the sources.
NOTICE_MARK_CHARS = 3
VERIFIED_CHARS = 28
# One row of buttons; Share and Pin are labelled by each platform.
BUTTON_ROWS = 1
SHARE_AND_PIN_CHARS = 30
# Shortest stretch of the action worth showing before its clipped tail.
MIN_ACTION_CHARS = 40


def shown_chars(text: RichText) -> int:
    """The most visible characters any platform shows for this rich text."""
    return sum(_span_chars(span) for span in text)


def shown_lines(text: RichText) -> int:
    """Rendered lines of one line of rich text at the narrowest reading width."""
    return max(1, math.ceil(shown_chars(text) / READING_WIDTH))


def one_line(text: RichText) -> RichText:
    """The text with its line breaks made spaces, so each card line stays one line."""
    return tuple(
        replace(span, text=span.text.replace("\n", " "))
        if isinstance(span, Text | Label | Strong) and "\n" in span.text
        else span
        for span in text
    )


@dataclass(frozen=True, slots=True)
class CardDraft:
    """Everything a card shows, before it is cut to its budget."""

    title: str
    notices: tuple[RichText, ...]
    summary: RichText
    # The action's bold label, then its words; the action is never dropped, only clipped.
    action_label: RichText
    action: RichText
    # Optional, in the order they go when the card is too long.
    organisation: RichText
    surfaces: RichText
    # Always shown whole: the default and the date.
    facts: tuple[RichText, ...]
    credit: RichText
    buttons: tuple[str, ...]


def fit(draft: CardDraft, clipped_tail: RichText) -> tuple[RichText, ...]:
    """The card's body lines within budget: the organisations line goes first, then the other
    surfaces, then the action is clipped at a word boundary and ends with ``clipped_tail``."""
    organisation = (draft.organisation,) if draft.organisation else ()
    for surfaces, extra in (
        (draft.surfaces, organisation),
        (draft.surfaces, ()),
        ((), ()),
    ):
        action = (*draft.action_label, *draft.action, *surfaces)
        body = (action, *draft.facts, *extra)
        if _fits(draft, body):
            return body
    lines_left, chars_left = _room(draft, draft.facts)
    room = min(lines_left * READING_WIDTH, chars_left)
    room -= shown_chars(draft.action_label) + shown_chars(clipped_tail) + 2
    action = clip_words(draft.action, max(room, MIN_ACTION_CHARS))
    return ((*draft.action_label, *action, Text(" "), *clipped_tail), *draft.facts)


def size(draft: CardDraft, body: tuple[RichText, ...]) -> tuple[int, int]:
    """(lines, visible characters) the card would take with this body."""
    title = (Text(draft.title),)
    credit = (*draft.credit, Text(" " * VERIFIED_CHARS))
    notices = tuple((Text(" " * NOTICE_MARK_CHARS), *notice) for notice in draft.notices)
    parts = (title, *notices, draft.summary, *body, credit)
    lines = sum(shown_lines(part) for part in parts) + BUTTON_ROWS
    buttons = sum(len(label) for label in draft.buttons) + SHARE_AND_PIN_CHARS
    return lines, sum(shown_chars(part) for part in parts) + buttons


def _fits(draft: CardDraft, body: tuple[RichText, ...]) -> bool:
    lines, chars = size(draft, body)
    return lines <= CARD_MAX_LINES and chars <= CARD_MAX_CHARS


def _room(draft: CardDraft, facts: tuple[RichText, ...]) -> tuple[int, int]:
    """Lines and characters left for the action line once everything else is placed."""
    lines, chars = size(draft, facts)
    return CARD_MAX_LINES - lines, CARD_MAX_CHARS - chars


def _span_chars(span: Span) -> int:
    if isinstance(span, When):
        return COUNTDOWN_CHARS if span.relative else DATE_CHARS
    if isinstance(span, Command):
        return COMMAND_CHARS
    return len(span.text)
