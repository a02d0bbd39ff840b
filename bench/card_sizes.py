"""How big an answer looks in each platform: visible characters and rendered lines.

Prints the distribution over every bundled service for the card and the full guide, as Slack
and Discord receive them. Run with `.venv/bin/python bench/card_sizes.py`.

Lines are estimated as a reader sees them on a desktop client: every line of text wraps at the
width below (Slack's message pane, Discord's embed), a header, a field name, a footer and a row
of buttons take one line each. Visible characters are the text without markup, link targets or
tokens (a live date counts as the words the client shows for it).
"""

from __future__ import annotations

import statistics
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.content.loader import load_knowledge  # noqa: E402
from bot.core.assistant import Assistant  # noqa: E402
from bot.core.catalogue import GUIDE_VARIANT  # noqa: E402
from bot.core.clock import FixedClock  # noqa: E402
from bot.core.library import KnowledgeBase  # noqa: E402
from tests.platforms.sizes import discord_size, slack_size  # noqa: E402

AS_OF = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def sizes(knowledge: KnowledgeBase, full: bool) -> dict[str, dict[str, tuple[int, int, int]]]:
    """Every bundled service's size per platform."""
    assistant = Assistant(lambda: knowledge, FixedClock(AS_OF))
    found: dict[str, dict[str, tuple[int, int, int]]] = {"slack": {}, "discord": {}}
    for service in knowledge.services:
        reply = assistant.run("optout", service.id, detail=GUIDE_VARIANT if full else None)
        found["slack"][service.id] = slack_size(reply)
        found["discord"][service.id] = discord_size(reply)
    return found


def _report(title: str, figures: Iterable[tuple[int, int, int]]) -> str:
    rows = list(figures)
    chars = sorted(row[1] for row in rows)
    lines = sorted(row[2] for row in rows)
    split = sum(1 for row in rows if row[0] > 1)
    return (
        f"{title:28} chars median {statistics.median(chars):6.0f}  max {chars[-1]:5}   "
        f"lines median {statistics.median(lines):4.0f}  max {lines[-1]:3}   "
        f"answers in >1 message: {split}"
    )


def main(args: Any = None) -> None:
    knowledge = load_knowledge(ROOT / "content", AS_OF.date()).knowledge
    print(f"{len(knowledge.services)} bundled services, as at {AS_OF:%Y-%m-%d}")
    for full, label in ((False, "card"), (True, "full guide")):
        found = sizes(knowledge, full)
        for platform, figures in found.items():
            print(_report(f"{label} on {platform}", figures.values()))
            if not full:
                name, (_, chars, lines) = max(figures.items(), key=lambda item: item[1][2])
                print(f"{'':28} largest: {name} ({chars} chars, {lines} lines)")


if __name__ == "__main__":
    main()
