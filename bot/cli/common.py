"""What several command groups share: argument types and how problems are printed."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from bot.config import configured_platforms
from bot.config import startup_problems as settings_problems

# argparse's sub-parser collection (its class is private).
Commands = Any


def instant(text: str) -> datetime:
    """An ISO 8601 instant with its time zone, for ``--now``."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 instant: {text!r}") from None
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError("give a time zone, e.g. 2025-09-20T12:00:00Z")
    return value


def startup_problems(args: argparse.Namespace, environ: Mapping[str, str]) -> list[str]:
    """What the chosen platforms need and ``environ`` lacks."""
    platforms = args.platform or configured_platforms(environ)
    return settings_problems(environ, platforms, args.http, getattr(args, "content", None))


def print_problems(problems: Sequence[object], headline: str) -> None:
    """One line per problem, then a count, on standard error."""
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{headline}: {len(problems)} problem(s)", file=sys.stderr)
