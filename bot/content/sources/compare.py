"""What changed between the accepted text of a page and its current text, as a short excerpt."""

from __future__ import annotations

import difflib

CONTEXT_LINES = 1
MAX_EXCERPT_LINES = 24


def excerpt(accepted: str, current: str) -> tuple[str, ...]:
    """A few lines around each change: ``- `` removed, ``+ `` added, ``  `` context.

    Lines are the normalised lines of each text; hunks are separated by ``…`` and the excerpt
    stops after ``MAX_EXCERPT_LINES`` lines, saying how many more there were.
    """
    before, after = accepted.split("\n"), current.split("\n")
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    lines: list[str] = []
    for group in matcher.get_grouped_opcodes(CONTEXT_LINES):
        if lines:
            lines.append("…")
        for tag, a_start, a_end, b_start, b_end in group:
            if tag == "equal":
                lines.extend(f"  {line}" for line in before[a_start:a_end])
                continue
            lines.extend(f"- {line}" for line in before[a_start:a_end])
            lines.extend(f"+ {line}" for line in after[b_start:b_end])
    if len(lines) > MAX_EXCERPT_LINES:
        hidden = len(lines) - MAX_EXCERPT_LINES
        lines = [*lines[:MAX_EXCERPT_LINES], f"… and {hidden} more line(s)"]
    return tuple(lines)
