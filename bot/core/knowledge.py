"""The knowledge base model: one validated record per service, plus the bot's own phrases.

Strings that may contain exact interface labels use the ``[Label]`` notation (see ``richtext``).
All English text sits in plain string fields so that a translation can later be laid over the
same structure, field by field.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import Annotated, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.core.richtext import MarkupError, parse_labels

_HTTPS_URL = re.compile(r"^https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:[0-9]{1,5})?(/[^\s<>\"]*)?$")
# Raw platform mention syntax must never reach a channel through content.
_MENTION = re.compile(r"@(everyone|here|channel)\b|<[@#!]|<t:\d", re.IGNORECASE)


def _checked_markup(value: str) -> str:
    try:
        parse_labels(value)
    except MarkupError as error:
        raise ValueError(str(error)) from None
    if _MENTION.search(value):
        raise ValueError("contains mention syntax (@everyone, @here, <@…>, <!…>); rephrase it")
    return value


def _checked_url(value: str) -> str:
    if not _HTTPS_URL.match(value):
        raise ValueError("must be a well-formed https:// URL")
    return value


Prose = Annotated[str, Field(min_length=1, max_length=1500), AfterValidator(_checked_markup)]
ShortText = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_checked_markup)]
HttpsUrl = Annotated[str, Field(max_length=500), AfterValidator(_checked_url)]
Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
SourceRefs = Annotated[list[Identifier], Field(min_length=1)]

Category = Literal[
    "assistants", "social", "workplace", "developer", "creative", "publishing", "devices"
]
Surface = Literal[
    "all", "web", "desktop", "web-desktop", "ios", "android", "mobile", "admin", "email"
]
SourceKind = Literal["vendor", "regulator", "news", "other"]


PhrasesT = TypeVar("PhrasesT", bound="Strict")


class Strict(BaseModel):
    """Base for content records: unknown keys are errors and records never change."""

    # Validators are built on first use: a knowledge base read from the cache never needs them.
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True
    )


class Source(Strict):
    """A page a fact was confirmed against."""

    id: Identifier
    url: HttpsUrl
    title: ShortText
    publisher: ShortText
    kind: SourceKind
    published: date | None = Field(None, description="The date the page itself shows, if any.")
    accessed: date = Field(description="When the page was read to confirm the facts citing it.")


class Fact(Strict):
    """One sourced statement."""

    text: Prose
    sources: SourceRefs


class Coverage(Strict):
    """Who the policy reaches and who it does not."""

    covered: list[ShortText] = Field(min_length=1)
    not_covered: list[ShortText] = []
    regions: ShortText | None = None
    sources: SourceRefs


class DefaultSetting(Strict):
    """What happens if a user does nothing."""

    state: Literal["on", "off", "varies", "not-applicable"]
    text: Prose
    sources: SourceRefs

    @field_validator("state", mode="before")
    @classmethod
    def _yaml_booleans(cls, value: object) -> object:
        # YAML 1.1 reads a bare `on`/`off` as a boolean; authors mean the words.
        if isinstance(value, bool):
            return "on" if value else "off"
        return value


class OptOut(Strict):
    """Whether a user can opt out at all, and how in one phrase."""

    kind: Literal["setting", "form", "request", "admin", "none", "not-needed"]
    text: Prose
    sources: SourceRefs


class StepGroup(Strict):
    """Numbered steps for one surface (web, iOS, Android, an admin console …)."""

    surface: Surface
    title: ShortText | None = None
    settings_url: HttpsUrl | None = None
    steps: list[Prose] = Field(min_length=1, max_length=15)
    sources: SourceRefs


class Check(Strict):
    """How to confirm the current state of the setting."""

    text: Prose
    url: HttpsUrl | None = None
    sources: SourceRefs


class Retention(Strict):
    """How long data is kept under a given condition."""

    condition: ShortText
    period: ShortText
    sources: SourceRefs


class Control(Strict):
    """A related control: temporary chats, deleting history, an objection form …"""

    name: ShortText
    text: Prose
    url: HttpsUrl | None = None
    sources: SourceRefs


class Reschedule(Strict):
    """An earlier date of a deadline that was later moved."""

    due: date
    announced: date | None = None
    note: Prose | None = None
    sources: SourceRefs


class Deadline(Strict):
    """A dated event: a date by which to act, or the date a policy takes effect."""

    id: Identifier
    title: ShortText
    kind: Literal["deadline", "effective"]
    due: date
    time: str | None = Field(None, pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
    timezone: str = "UTC"
    action: Prose | None = Field(None, description="What to do before the date.")
    after: Prose | None = Field(None, description="What can still be done once it has passed.")
    history: list[Reschedule] = Field([], description="Earlier dates, oldest first.")
    sources: SourceRefs

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r}") from None
        return value

    @model_validator(mode="after")
    def _history_in_order(self) -> Deadline:
        dues = [entry.due for entry in self.history]
        announced = [entry.announced for entry in self.history if entry.announced]
        if announced != sorted(announced):
            raise ValueError("history must be ordered oldest first")
        if self.due in dues:
            raise ValueError("history repeats the current date; list only earlier dates")
        return self

    @cached_property
    def instant(self) -> datetime:
        """The moment the event happens: start of day when no time is given."""
        clock = time.fromisoformat(self.time) if self.time else time(0, 0)
        return datetime.combine(self.due, clock, tzinfo=ZoneInfo(self.timezone))

    @cached_property
    def ends(self) -> datetime:
        """When the event counts as passed: the end of its day, or its exact time."""
        return self.instant if self.time else self.instant + timedelta(days=1)


class Change(Strict):
    """A dated entry in a service's policy change log."""

    date: date
    summary: Prose
    sources: SourceRefs


class Service(Strict):
    """Everything the bot knows about one service's AI-training opt-out."""

    id: Identifier
    name: ShortText
    category: Category
    aliases: list[ShortText] = []
    summary: Prose
    last_verified: date
    opt_out: OptOut
    applies_to: Coverage
    default: DefaultSetting
    steps: list[StepGroup] = []
    check: Check | None = None
    does_not: list[Fact] = Field([], description="What opting out does not do.")
    retention: list[Retention] = []
    related_controls: list[Control] = []
    disagreements: list[Fact] = Field([], description="Where sources disagree; say what each says.")
    deadlines: list[Deadline] = []
    changes: list[Change] = Field([], description="Policy change log, oldest first.")
    related: list[Identifier] = []
    sources: list[Source] = Field(min_length=1)
    no_vendor_source: Prose | None = Field(
        None, description="Why no vendor page is cited, when none exists."
    )

    @cached_property
    def source_by_id(self) -> dict[str, Source]:
        """The service's sources keyed by id."""
        return {source.id: source for source in self.sources}


class LivingPhrases(Strict):
    """Phrases of living answers: update lines, reminders and subscriptions.

    Every field has an English default, so a messages file needs a ``living`` block only to
    change one. ``{deadline}`` is spelled as the platform types the command.
    """

    updated: ShortText = "Updated {date}: {change}"
    updated_unexplained: ShortText = "details revised"
    reminder_title: ShortText = "Reminder: {service}"
    added_title: ShortText = "New date: {service}"
    moved_title: ShortText = "Date moved: {service}"
    late: Prose = "This reminder is late: it was due {date}, while I was offline."
    reminder_footer: Prose = "Reminders in this channel: {deadline} subscriptions"
    all_services: ShortText = "every service"
    subscribed: Prose = (
        "This channel will get reminders for {scope} {offsets}, and a note when a date is "
        "added or moved."
    )
    subscriptions_intro: Prose = "Reminders come {offsets}, for:"
    already_subscribed: Prose = "This channel is already subscribed to {scope}."
    nothing_upcoming: Prose = "No dates are coming up right now; new ones will be announced here."
    unsubscribed: Prose = "This channel no longer gets reminders for {scope}."
    not_subscribed: Prose = "This channel is not subscribed to {scope}."
    covered_by_all: Prose = (
        "This channel gets reminders for every service; {deadline} unsubscribe all stops them."
    )
    subscriptions_title: ShortText = "Deadline reminders in this channel"
    no_subscriptions: Prose = (
        "This channel gets no deadline reminders. Subscribe with {deadline} subscribe <service> "
        "or {deadline} subscribe all."
    )
    not_allowed: Prose = (
        "Only people who can manage this channel can change its reminders. Ask one of them, or "
        "see the current ones with {deadline} subscriptions."
    )
    unavailable: Prose = (
        "Reminders are not available right now: this bot is running without its database."
    )


class Phrases(Strict):
    """The bot's own fixed phrases in one language; placeholders use ``{name}``."""

    help_title: ShortText
    help_intro: Prose
    help_footer: Prose
    list_title: ShortText
    list_intro: Prose
    not_found: Prose
    did_you_mean: ShortText
    no_suggestions: Prose
    unknown_command: Prose
    extra_words: Prose
    empty_input: Prose
    stale_entry: Prose
    no_deadlines: Prose
    no_deadlines_for: Prose
    deadlines_title: ShortText
    deadlines_intro: Prose
    deadlines_for_title: ShortText
    deadlines_upcoming: ShortText
    deadlines_passed: ShortText
    deadlines_older: Prose
    changes_title: ShortText
    changes_for_title: ShortText
    no_changes: Prose
    no_opt_out: ShortText
    apology: Prose
    category_names: dict[Category, ShortText]
    surface_names: dict[Surface, ShortText]
    section_names: dict[str, ShortText]
    living: LivingPhrases = Field(default_factory=LivingPhrases)

    def with_commands(self, slashes: dict[str, str]) -> Phrases:
        """These phrases with ``{optout}``-style placeholders spelled as typed on a platform."""
        return _spelled(self, slashes)


def _spelled(record: PhrasesT, slashes: dict[str, str]) -> PhrasesT:
    updates: dict[str, object] = {}
    for field_name, value in record:
        if isinstance(value, Strict):
            updates[field_name] = _spelled(value, slashes)
        elif isinstance(value, str) and "{" in value:
            for name, slash in slashes.items():
                value = value.replace("{" + name + "}", slash)
            updates[field_name] = value
    return record.model_copy(update=updates)


class Messages(Strict):
    """Phrases by locale; English is required and is the fallback."""

    en: Phrases
    # A second language lands as another optional field here plus a file of its own.

    def for_locale(self, locale: str | None) -> Phrases:
        """The phrases for a locale, falling back to English."""
        return self.en
