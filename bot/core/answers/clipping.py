"""Rich text shortened at a word boundary, for answers that must fit one message."""

from __future__ import annotations

from bot.core.richtext import RichText, Span, Text, When

ELLIPSIS = "…"
# A date span counts as about as long as it is shown ("12 Dec 2026").
DATE_CHARS = 12


def clip_words(text: RichText, limit: int) -> RichText:
    """Rich text cut to about ``limit`` characters at a word boundary, never inside a span
    other than plain text, with an ellipsis when anything was cut."""
    kept: list[Span] = []
    used = 0
    for span in text:
        size = len(span.text) if not isinstance(span, When) else DATE_CHARS
        if used + size <= limit:
            kept.append(span)
            used += size
            continue
        if isinstance(span, Text):
            room = span.text[: limit - used]
            cut = room.rfind(" ")
            if cut > 0:
                kept.append(Text(room[:cut].rstrip(" ,;:")))
        return (*kept, Text(ELLIPSIS))
    return tuple(kept)


def clip_plain(text: str, limit: int) -> str:
    """Plain words on one line, clipped at a word boundary."""
    clipped = clip_words((Text(" ".join(text.split())),), limit)
    return "".join(span.text for span in clipped if isinstance(span, Text))
