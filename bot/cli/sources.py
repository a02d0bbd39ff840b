"""``optout-bot sources check`` and ``sources accept``: are the cited pages still saying the same?

Exit codes of ``check``: 0 nothing needs a look, 1 a source changed, moved, is gone or lost a
label, 2 the check itself could not run (invalid content, unreadable baseline, no page reached).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, Never, TypeVar

from bot.cli.common import Commands, print_problems
from bot.config import Settings

if TYPE_CHECKING:
    from tqdm import tqdm

    from bot.content.sources import Acceptance, HttpFetcher, SourceReport, TermsArchiveReader
    from bot.core.library import KnowledgeBase

T = TypeVar("T")


def register(commands: Commands) -> None:
    """Add ``sources check`` and ``sources accept``."""
    group = commands.add_parser("sources", help="check the pages the knowledge base cites")
    actions = group.add_subparsers(required=True, metavar="ACTION")
    check_command = actions.add_parser(
        "check", help="compare every cited page with its accepted baseline"
    )
    _common(check_command)
    check_command.add_argument("--json", action="store_true", help="one JSON record per source")
    check_command.set_defaults(handler=check)
    accept_command = actions.add_parser(
        "accept", help="record the current state of the cited pages as their baseline"
    )
    _common(accept_command)
    accept_command.set_defaults(handler=accept)


def _common(command: argparse.ArgumentParser) -> None:
    # No defaults read from the sources package here: importing it loads the HTTP client, and
    # every command (a one-shot `ask` too) builds this parser. The fetcher fills them in.
    command.add_argument("--content", type=Path, help="knowledge base directory")
    command.add_argument("--service", help="only this service's sources (its id)")
    command.add_argument(
        "--timeout", type=float, help="seconds per request (default: the fetcher's own limit)"
    )
    command.add_argument(
        "--ota-base",
        help="where Open Terms Archive's <collection>-versions repositories are read from "
        "(default: GitHub's raw file host)",
    )


def check(args: argparse.Namespace, settings: Settings) -> int:
    """Print what changed since the baselines were accepted."""
    from bot.content.sources import render_text

    reports = _run(_check, args, settings.content_dir)
    if reports is None:
        return 2
    if args.json:
        print(json.dumps([report.as_json() for report in reports], indent=2, ensure_ascii=False))
    else:
        print(render_text(reports))
    if reports and all(report.status == "unreachable" for report in reports):
        print("sources: no cited page could be reached; is the network up?", file=sys.stderr)
        return 2
    return 1 if any(report.needs_a_look for report in reports) else 0


def accept(args: argparse.Namespace, settings: Settings) -> int:
    """Record what the cited pages say now; review the diff of content/sources before committing."""
    outcomes = _run(_accept, args, settings.content_dir)
    if outcomes is None:
        return 2
    for outcome in outcomes:
        verdict = "recorded" if outcome.recorded else "NOT recorded"
        note = f" ({outcome.note})" if outcome.note else ""
        print(f"{outcome.service_id}/{outcome.source_id}: {verdict}{note}")
    kept = sum(1 for outcome in outcomes if not outcome.recorded)
    from bot.content.sources.baseline import BASELINE_FOLDER

    folder = settings.content_dir / BASELINE_FOLDER
    print(f"{len(outcomes) - kept} recorded, {kept} not recorded, in {folder}")
    return 1 if kept else 0


def _run(
    work: Callable[[argparse.Namespace, Path, KnowledgeBase], Coroutine[Any, Any, T]],
    args: argparse.Namespace,
    content: Path,
) -> T | None:
    """What ``work`` makes of the knowledge base in ``content``; None, once the reason is
    printed, when the content is invalid, a baseline unreadable or the service unknown."""
    import asyncio

    from bot.content.sources import BaselineError, UnknownServiceError

    knowledge = _knowledge(content)
    if knowledge is None:
        return None
    try:
        return asyncio.run(work(args, content, knowledge))
    except (BaselineError, UnknownServiceError) as error:
        print(f"sources: {_reason(error)}", file=sys.stderr)
        return None


async def _check(
    args: argparse.Namespace, content: Path, knowledge: KnowledgeBase
) -> list[SourceReport]:
    from bot.content.sources import (
        FileBaselineStore,
        check_sources,
    )
    from bot.content.sources.baseline import BASELINE_FOLDER
    from bot.content.sources.check import select

    total = sum(len(service.sources) for service in select(knowledge, args.service))
    with _progress(total) as bar:
        async with _fetcher(args) as fetcher:
            return await check_sources(
                knowledge,
                FileBaselineStore(content / BASELINE_FOLDER),
                fetcher,
                args.service,
                terms_archive=_terms_archive(fetcher, args),
                progress=bar.update,
            )


async def _accept(
    args: argparse.Namespace, content: Path, knowledge: KnowledgeBase
) -> list[Acceptance]:
    from bot.content.sources import (
        FileBaselineStore,
        accept_sources,
    )
    from bot.content.sources.baseline import BASELINE_FOLDER
    from bot.core.clock import SystemClock

    async with _fetcher(args) as fetcher:
        return await accept_sources(
            knowledge,
            FileBaselineStore(content / BASELINE_FOLDER),
            fetcher,
            SystemClock().now().date(),
            args.service,
            terms_archive=_terms_archive(fetcher, args),
        )


def _fetcher(args: argparse.Namespace) -> HttpFetcher:
    from bot.content.sources import HttpFetcher
    from bot.content.sources.fetch import TIMEOUT_SECONDS

    return HttpFetcher(timeout=args.timeout or TIMEOUT_SECONDS)


def _terms_archive(fetcher: HttpFetcher, args: argparse.Namespace) -> TermsArchiveReader:
    from bot.content.sources import TermsArchiveReader
    from bot.content.sources.terms_archive import TERMS_ARCHIVE_BASE

    return TermsArchiveReader(fetcher, args.ota_base or TERMS_ARCHIVE_BASE)


def _progress(total: int) -> tqdm[Never]:
    from tqdm import tqdm

    # A bar only for a person watching a terminal; logs and CI get the report alone.
    return tqdm(
        total=total, unit="page", file=sys.stderr, disable=not sys.stderr.isatty(), leave=False
    )


def _knowledge(directory: Path) -> KnowledgeBase | None:
    from bot.content.loader import ContentError, load_knowledge
    from bot.core.clock import SystemClock

    try:
        return load_knowledge(directory, SystemClock().now().date()).knowledge
    except ContentError as error:
        print_problems(error.problems, f"{directory}: invalid")
        return None


def _reason(error: Exception) -> str:
    if type(error).__name__ == "UnknownServiceError":
        return f"no service with id {error.args[0]!r}"
    return str(error)
