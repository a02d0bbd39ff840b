"""``/optout <service>``: the short answer, a card to read and pin; the guide is one click away.

The card says what is at stake, what to do and where, what happens by default, the date that
matters, and where the facts come from, in one message on every platform. Everything else is in
the guide (``/optout <service> full``), which its button shows privately.
"""

from __future__ import annotations

from datetime import datetime

from bot.core.answers import optout
from bot.core.answers.citing import labelled
from bot.core.answers.clipping import clip_plain, clip_words
from bot.core.answers.fitting import CardDraft, fit, one_line
from bot.core.knowledge import CARD_LINE_CHARS, Deadline, Service
from bot.core.library import KnowledgeBase
from bot.core.phrases.answers import CardPhrases
from bot.core.phrases.messages import Phrases
from bot.core.phrasing import fill
from bot.core.reply import Reply, Section
from bot.core.richtext import DatePrecision, Link, RichText, Span, Strong, Text, When
from bot.core.rules import STALE_AFTER, first_sentence, is_stale
from bot.core.signals import SourceSignals, unverified

# The organisations line quotes the admin's action up to this many characters.
ORGANISATION_ACTION_CHARS = 80
# The sources line names this many publishers, each clipped to so many characters, then
# counts the rest.
NAMED_PUBLISHERS = 2
PUBLISHER_CHARS = 40
# A card's title fits one line; a date's title leaves room for the date on its line.
TITLE_CHARS = 60
DATE_TITLE_CHARS = 80


def answer(
    knowledge: KnowledgeBase, phrases: Phrases, service: Service | None, now: datetime
) -> Reply:
    """The card about one service, or the list of every service."""
    if service is None:
        return optout.answer_list(knowledge, phrases, now)
    return card(service, phrases, now)


def card(
    service: Service, phrases: Phrases, now: datetime, page_changed: datetime | None = None
) -> Reply:
    """The short answer about one service: one message on every platform. ``page_changed``:
    when the source checks last saw a cited page change since the entry was verified."""
    words = phrases.card
    notices = _notices(service, words, now, page_changed)
    label = words.action_labels[service.opt_out.kind]
    draft = CardDraft(
        title=clip_plain(service.name, TITLE_CHARS),
        notices=notices,
        summary=stake(service),
        action_label=(Strong(f"{label}:"), Text(" ")),
        action=one_line(labelled(service.opt_out.text)),
        # A warning matters more than the organisations' line, which the guide also has.
        organisation=() if notices else _organisation(service, words),
        surfaces=_other_surfaces(service, phrases),
        facts=(
            _labelled_line(phrases.section_names.default, (Text(_default(service, words)),)),
            *_date_line(service, words, now),
        ),
        credit=attribution(service, words),
        buttons=(words.settings_button, words.guide_button),
    )
    lines = fit(draft, (Text(words.clipped),))
    return Reply(
        command="optout",
        title=draft.title,
        summary=draft.summary,
        sections=(Section(None, lines),),
        verified=service.last_verified,
        service_id=service.id,
        generated_at=now,
        tone="warning" if notices else "info",
        shareable=True,
        notices=notices,
        links=settings_links(service, words),
        attribution=draft.credit,
        guide=words.guide_button,
    )


def with_source_notices(
    reply: Reply, service: Service, signals: SourceSignals, phrases: Phrases
) -> Reply:
    """The card as the source checks leave it: one short warning line when a cited page
    changed after the entry was verified; the guide names each page."""
    found = unverified(service, signals)
    if not found:
        return reply
    assert reply.generated_at is not None  # a card is always dated
    latest = max(signal.changed_at for signal in found)
    return card(service, phrases, reply.generated_at, page_changed=latest)


def _notices(
    service: Service, words: CardPhrases, now: datetime, page_changed: datetime | None
) -> tuple[RichText, ...]:
    """At most one line: a changed page says more than the entry's age."""
    if page_changed is not None:
        return (fill(words.page_changed, date=(When(page_changed, "local-day"),)),)
    if is_stale(service, now.date()):
        return (fill(words.stale, days=str(STALE_AFTER.days)),)
    return ()


def stake(service: Service) -> RichText:
    """What is at stake and for whom: the entry's own line, else its summary's first sentence."""
    # Validation holds both to the card's length; clipping is for content loaded without it.
    line = service.stake or first_sentence(service.summary)
    return clip_words(one_line(labelled(line)), CARD_LINE_CHARS)


def settings_links(service: Service, words: CardPhrases) -> tuple[Link, ...]:
    """The page where the setting is: the main surface's, else any surface's, else the check's."""
    urls = [group.settings_url for group in service.steps if group.settings_url]
    if service.check and service.check.url:
        urls.append(service.check.url)
    if service.opt_out.kind == "admin" and service.organisation:
        urls.insert(0, service.organisation.settings_url or "")
    url = next((url for url in urls if url), None)
    return (Link(url, words.settings_button),) if url else ()


def attribution(service: Service, words: CardPhrases) -> RichText:
    """'Sources: Anthropic, The Verge, WIRED and 6 more': the vendor first, linked to the page
    the opt-out cites, then the other publishers."""
    cited = [service.source_by_id[ref] for ref in service.opt_out.sources]
    vendors = [source for source in cited + service.sources if source.kind == "vendor"]
    vendor_names = {source.publisher for source in vendors}
    spans: list[Span] = [Text(f"{words.sources}: ")]
    named = 0
    if vendors:
        spans.append(Link(vendors[0].url, clip_plain(vendors[0].publisher, PUBLISHER_CHARS)))
        named = 1
    others = list(
        dict.fromkeys(
            source.publisher
            for source in sorted(service.sources, key=lambda source: source.kind != "news")
            if source.kind != "vendor" and source.publisher not in vendor_names
        )
    )
    shown = others[: NAMED_PUBLISHERS - named]
    for publisher in shown:
        spans.append(Text(", " if len(spans) > 1 else ""))
        spans.append(Text(clip_plain(publisher, PUBLISHER_CHARS)))
    rest = len(others) - len(shown)
    if rest > 0:
        spans.append(Text(" " + words.more_sources.replace("{count}", str(rest))))
    return tuple(spans)


def _labelled_line(label: str, text: RichText) -> RichText:
    return (Strong(f"{label}:"), Text(" "), *text)


def _other_surfaces(service: Service, phrases: Phrases) -> RichText:
    """The main surface is the first step group; the others are named, left to the guide."""
    others = list(dict.fromkeys(group.surface for group in service.steps[1:]))
    others = [surface for surface in others if surface != service.steps[0].surface]
    if not others:
        return ()
    names = ", ".join(phrases.surface_names[surface] for surface in others)
    return (Text(" " + phrases.card.other_surfaces.replace("{surfaces}", names)),)


def _default(service: Service, words: CardPhrases) -> str:
    return words.default_states[service.default.state]


def _date_line(service: Service, words: CardPhrases, now: datetime) -> list[RichText]:
    """The next date still to come, else the latest one passed; its countdown stays live."""
    upcoming = [deadline for deadline in service.deadlines if deadline.ends > now]
    if upcoming:
        chosen, label = min(upcoming, key=lambda deadline: deadline.instant), words.next_date
    elif service.deadlines:
        chosen = max(service.deadlines, key=lambda deadline: deadline.instant)
        label = words.latest_date
    else:
        return []
    return [_labelled_line(label, _dated(chosen))]


def _dated(deadline: Deadline) -> RichText:
    precision: DatePrecision = "minute" if deadline.time else "day"
    return (
        When(deadline.instant, precision, relative=True),
        Text(" — "),
        *clip_words(one_line(labelled(deadline.title)), DATE_TITLE_CHARS),
    )


def _organisation(service: Service, words: CardPhrases) -> RichText:
    organisation = service.organisation
    if organisation is None or service.opt_out.kind == "admin":
        # Where the opt-out is the admin's, the card's action line already says it.
        return ()
    action = first_sentence(organisation.action)
    text = (
        *clip_words(one_line(labelled(organisation.role)), ORGANISATION_ACTION_CHARS),
        Text(": "),
        *clip_words(one_line(labelled(action)), ORGANISATION_ACTION_CHARS),
        Text(f" ({words.in_guide})"),
    )
    return _labelled_line(words.organisations, text)
