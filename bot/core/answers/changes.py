"""``/changes``: the policy change log, newest first, across services or for one."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.answers import listing
from bot.core.answers.citing import labelled
from bot.core.answers.clipping import clip_plain, clip_words
from bot.core.knowledge import CARD_LINE_CHARS, Change, Service
from bot.core.library import KnowledgeBase
from bot.core.phrases.messages import Phrases
from bot.core.phrasing import fill
from bot.core.reply import Reply, Section
from bot.core.richtext import Link, RichText, Strong, Text, When
from bot.core.rules import first_sentence


def answer(
    knowledge: KnowledgeBase, phrases: Phrases, service: Service | None, now: datetime
) -> Reply:
    """The most recent changes, each with its date and source."""
    services = (service,) if service else knowledge.services
    entries = [(change, owner) for owner in services for change in owner.changes]
    entries.sort(key=lambda entry: (entry[0].date, entry[1].id), reverse=True)
    if service:
        title = phrases.changes_for_title.format(service=service.name)
    else:
        title = phrases.changes_title
    summary = (Text(phrases.no_changes),) if not entries else ()
    kept = listing.shown([_item(change, owner, service is None) for change, owner in entries])
    sections = [Section(None, items=kept.entries)] if kept.entries else []
    if kept.left_out:
        more = phrases.listing.changes_more_for if service else phrases.listing.changes_more
        sections.append(Section(None, (fill(more, count=str(kept.left_out)),)))
    return Reply(
        command="changes",
        title=title,
        summary=summary,
        sections=tuple(sections),
        verified=service.last_verified if service else None,
        service_id=service.id if service else None,
        generated_at=now,
        shareable=True,
    )


def _item(change: Change, owner: Service, show_name: bool) -> RichText:
    day = datetime(change.date.year, change.date.month, change.date.day, tzinfo=UTC)
    head: RichText = (When(day, "day"), Text(" — "))
    if show_name:
        head = (*head, Strong(clip_plain(owner.name, listing.NAME_CHARS)), Text(": "))
    source = owner.source_by_id.get(change.sources[0])
    tail: RichText = ()
    if source:
        publisher = clip_plain(source.publisher, listing.PUBLISHER_CHARS)
        tail = (Text(" ("), Link(source.url, publisher), Text(")"))
    summary = clip_words(labelled(change.summary), listing.CHANGE_CHARS)
    if show_name:
        # Across services one sentence each keeps the list one message on every platform;
        # /changes <service> shows each change in full.
        summary = clip_words(labelled(first_sentence(change.summary)), CARD_LINE_CHARS)
    return (*head, *summary, *tail)
