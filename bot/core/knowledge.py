"""The knowledge base model: one validated record per service, and the base of every record.

Records are plain frozen dataclasses, cheap to build and to unpickle; the constraints on their
fields are markers (``constraints``) that the loader's validator applies when files are read.
Strings that may contain exact interface labels use the ``[Label]`` notation (see ``richtext``).
All English text sits in plain string fields so that a translation can later be laid over the
same structure, field by field. The bot's own phrases are records too, in ``bot.core.phrases``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from bot.core.constraints import (
    RECORD_CONFIG,
    Described,
    HttpsOnly,
    IanaZone,
    Length,
    Markup,
    Matching,
    OnOffWords,
)

Prose = Annotated[str, Length(1, 1500), Markup()]
ShortText = Annotated[str, Length(1, 200), Markup()]
# The longest sentence a short answer (a card) shows about what is at stake.
CARD_LINE_CHARS = 220
CardLine = Annotated[str, Length(1, CARD_LINE_CHARS), Markup()]
HttpsUrl = Annotated[str, Length(maximum=500), HttpsOnly()]
Identifier = Annotated[str, Matching(r"^[a-z0-9][a-z0-9-]{0,62}$")]
SourceRefs = Annotated[list[Identifier], Length(minimum=1)]
ClockTime = Annotated[str, Matching(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]

Category = Literal[
    "assistants", "social", "workplace", "developer", "creative", "publishing", "devices"
]
Surface = Literal[
    "all", "web", "desktop", "web-desktop", "ios", "android", "mobile", "admin", "email"
]
OptOutKind = Literal["setting", "form", "request", "admin", "none", "not-needed"]
DefaultState = Literal["on", "off", "varies", "not-applicable"]
SourceKind = Literal["vendor", "regulator", "news", "other"]
# A plan's default: "always" is used with no admin setting that turns it off.
PlanState = Literal["on", "off", "varies", "not-applicable", "always"]


class Record:
    """Base of every content record; each is also a frozen, keyword-only dataclass."""

    # How the loader's validator treats a record: unknown keys are errors, blanks are trimmed.
    __pydantic_config__ = RECORD_CONFIG


@dataclass(frozen=True, kw_only=True)
class TermsArchive(Record):
    """Where Open Terms Archive keeps the versions of the same document."""

    service: Annotated[
        ShortText, Described("The service's name in Open Terms Archive, e.g. Anthropic.")
    ]
    terms_type: Annotated[ShortText, Described("The archive's terms type, e.g. Privacy Policy.")]
    collection: Annotated[
        Identifier, Described("The collection whose <collection>-versions repository holds it.")
    ]


@dataclass(frozen=True, kw_only=True)
class Source(Record):
    """A page a fact was confirmed against."""

    id: Identifier
    url: HttpsUrl
    title: ShortText
    publisher: ShortText
    kind: SourceKind
    published: Annotated[date | None, Described("The date the page itself shows, if any.")] = None
    accessed: Annotated[date, Described("When the page was read to confirm the facts citing it.")]
    ota: Annotated[
        TermsArchive | None,
        Described("The same document in Open Terms Archive, read as a second signal of change."),
    ] = None


@dataclass(frozen=True, kw_only=True)
class Fact(Record):
    """One sourced statement."""

    text: Prose
    sources: SourceRefs


@dataclass(frozen=True, kw_only=True)
class Coverage(Record):
    """Who the policy reaches and who it does not."""

    covered: Annotated[list[ShortText], Length(minimum=1)]
    not_covered: list[ShortText] = field(default_factory=list)
    regions: ShortText | None = None
    sources: SourceRefs


@dataclass(frozen=True, kw_only=True)
class DefaultSetting(Record):
    """What happens if a user does nothing."""

    state: Annotated[DefaultState, OnOffWords()]
    text: Prose
    sources: SourceRefs


@dataclass(frozen=True, kw_only=True)
class OptOut(Record):
    """Whether a user can opt out at all, and how in one phrase."""

    kind: OptOutKind
    text: Prose
    sources: SourceRefs


@dataclass(frozen=True, kw_only=True)
class StepGroup(Record):
    """Numbered steps for one surface (web, iOS, Android, an admin console …)."""

    surface: Surface
    title: ShortText | None = None
    settings_url: HttpsUrl | None = None
    steps: Annotated[list[Prose], Length(1, 15)]
    sources: SourceRefs


@dataclass(frozen=True, kw_only=True)
class Check(Record):
    """How to confirm the current state of the setting."""

    text: Prose
    url: HttpsUrl | None = None
    sources: SourceRefs


@dataclass(frozen=True, kw_only=True)
class Retention(Record):
    """How long data is kept under a given condition."""

    condition: ShortText
    period: ShortText
    sources: SourceRefs


@dataclass(frozen=True, kw_only=True)
class Control(Record):
    """A related control: temporary chats, deleting history, an objection form …"""

    name: ShortText
    text: Prose
    url: HttpsUrl | None = None
    sources: SourceRefs


@dataclass(frozen=True, kw_only=True)
class Reschedule(Record):
    """An earlier date of a deadline that was later moved."""

    due: date
    announced: date | None = None
    note: Prose | None = None
    sources: SourceRefs


@dataclass(frozen=True, kw_only=True)
class Deadline(Record):
    """A dated event: a date by which to act, or the date a policy takes effect."""

    id: Identifier
    title: ShortText
    kind: Literal["deadline", "effective"]
    due: date
    time: ClockTime | None = None
    timezone: Annotated[str, IanaZone()] = "UTC"
    action: Annotated[Prose | None, Described("What to do before the date.")] = None
    after: Annotated[Prose | None, Described("What can still be done once it has passed.")] = None
    history: Annotated[list[Reschedule], Described("Earlier dates, oldest first.")] = field(
        default_factory=list
    )
    sources: SourceRefs

    @cached_property
    def instant(self) -> datetime:
        """The moment the event happens: start of day when no time is given."""
        clock = time.fromisoformat(self.time) if self.time else time(0, 0)
        return datetime.combine(self.due, clock, tzinfo=ZoneInfo(self.timezone))

    @cached_property
    def ends(self) -> datetime:
        """When the event counts as passed: the end of its day, or its exact time."""
        return self.instant if self.time else self.instant + timedelta(days=1)


@dataclass(frozen=True, kw_only=True)
class Change(Record):
    """A dated entry in a service's policy change log."""

    date: date
    summary: Prose
    sources: SourceRefs


@dataclass(frozen=True, kw_only=True)
class PlanDefault(Record):
    """What one plan of the organisation's subscription does until an admin changes it."""

    plan: Annotated[ShortText, Described("The plan, in the vendor's own name (Free, Business…).")]
    state: Annotated[PlanState, OnOffWords()]
    text: Prose | None = None
    sources: SourceRefs


@dataclass(frozen=True, kw_only=True)
class Organisation(Record):
    """The organisation's own control: who changes it, where, and what each plan does."""

    role: Annotated[ShortText, Described("Who can change it (the vendor's name for the role).")]
    action: Annotated[Prose, Described("What the admin does, in one sentence, labels quoted.")]
    settings_url: HttpsUrl | None = None
    steps: Annotated[list[Prose], Length(0, 15), Described("The admin console path.")] = field(
        default_factory=list
    )
    plans: Annotated[list[PlanDefault], Length(minimum=1)]
    cannot_turn_off: Annotated[
        list[Fact], Described("What an organisation cannot switch off, whatever its plan.")
    ] = field(default_factory=list)
    deadlines: Annotated[
        list[Identifier], Described("Ids of this service's dates that concern organisations.")
    ] = field(default_factory=list)
    sources: SourceRefs


@dataclass(frozen=True, kw_only=True)
class Service(Record):
    """Everything the bot knows about one service's AI-training opt-out."""

    id: Identifier
    name: ShortText
    category: Category
    aliases: list[ShortText] = field(default_factory=list)
    summary: Prose
    stake: Annotated[
        CardLine | None,
        Described(
            "One sentence for the short answer: what is at stake and for whom. Needed only when "
            "the summary's first sentence cannot say it (a history, or too long)."
        ),
    ] = None
    last_verified: date
    opt_out: OptOut
    applies_to: Coverage
    default: DefaultSetting
    steps: list[StepGroup] = field(default_factory=list)
    check: Check | None = None
    does_not: Annotated[list[Fact], Described("What opting out does not do.")] = field(
        default_factory=list
    )
    retention: list[Retention] = field(default_factory=list)
    related_controls: list[Control] = field(default_factory=list)
    disagreements: Annotated[
        list[Fact], Described("Where sources disagree; say what each says.")
    ] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    changes: Annotated[list[Change], Described("Policy change log, oldest first.")] = field(
        default_factory=list
    )
    related: list[Identifier] = field(default_factory=list)
    organisation: Annotated[
        Organisation | None, Described("For a workplace tool: the admin's control.")
    ] = None
    sources: Annotated[list[Source], Length(minimum=1)]
    no_vendor_source: Annotated[
        Prose | None, Described("Why no vendor page is cited, when none exists.")
    ] = None

    @cached_property
    def source_by_id(self) -> dict[str, Source]:
        """The service's sources keyed by id."""
        return {source.id: source for source in self.sources}
