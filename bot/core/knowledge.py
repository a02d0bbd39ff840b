"""The knowledge base model: one validated record per service, plus the bot's own phrases.

Records are plain frozen dataclasses, cheap to build and to unpickle; the constraints on their
fields are markers (``constraints``) that the loader's validator applies when files are read.
Strings that may contain exact interface labels use the ``[Label]`` notation (see ``richtext``).
All English text sits in plain string fields so that a translation can later be laid over the
same structure, field by field.
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


@dataclass(frozen=True, kw_only=True)
class SectionNames(Record):
    """Titles of the parts of an opt-out answer; a title left out keeps its English default."""

    covered: ShortText = "Who this covers"
    not_covered: ShortText = "Not covered"
    default: ShortText = "If you do nothing"
    direct_link: ShortText = "Direct link"
    check: ShortText = "Check your current setting"
    does_not: ShortText = "What opting out does not do"
    retention: ShortText = "How long data is kept"
    related_controls: ShortText = "Related controls"
    disagreements: ShortText = "Where sources disagree"
    dates: ShortText = "Dates"
    organisation: ShortText = "For organisations"
    admin_role: ShortText = "Who can change it"
    plan_defaults: ShortText = "Organisation defaults by plan"
    cannot_turn_off: ShortText = "Cannot be turned off"


@dataclass(frozen=True, kw_only=True)
class LivingPhrases(Record):
    """Phrases of living answers: update lines, reminders and subscriptions.

    Every field has an English default, so a messages file needs a ``living`` block only to
    change one. ``{deadline}`` names the command; each platform spells it as typed there.
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
    paused: Prose = (
        "Reminders are paused: the bot cannot save changes right now. Its operators have been "
        "told; try again later."
    )
    grew: Prose = "This updated answer no longer fits here; {answer} shows all of it."


@dataclass(frozen=True, kw_only=True)
class ListingPhrases(Record):
    """What a listing says about the entries it leaves out to stay one message.

    ``{count}`` is how many are left out, ``{guide}`` the command that shows a service's guide.
    """

    deadlines_more: ShortText = "{count} more: {deadline} <service>"
    deadlines_more_for: ShortText = "{count} more in the full guide: {guide}"
    changes_more: ShortText = "{count} more: {changes} <service>"
    changes_more_for: ShortText = "{count} older changes are not shown here."


@dataclass(frozen=True, kw_only=True)
class CardPhrases(Record):
    """Words of the short answer (the card) and of the buttons under it.

    ``{surfaces}`` are the surface names of the steps the card leaves to the guide, ``{count}``
    how many sources the card's sources line does not name, ``{days}`` how old an entry is
    before the card warns that it may be out of date, ``{date}`` when a cited page was last
    seen changing. ``clipped`` ends an action the card had to shorten to stay one message.
    """

    action_labels: dict[OptOutKind, ShortText] = field(
        default_factory=lambda: {
            "setting": "What to do",
            "form": "What to do",
            "request": "What to do",
            "admin": "What to do",
            "none": "No opt-out exists",
            "not-needed": "Nothing to do",
        }
    )
    default_states: dict[DefaultState, ShortText] = field(
        default_factory=lambda: {
            "on": "your data is used for training",
            "off": "your data is not used for training",
            "varies": "it depends on a choice; see the guide",
            "not-applicable": "your data is not used for training",
        }
    )
    next_date: ShortText = "Next date"
    latest_date: ShortText = "Latest date"
    organisations: ShortText = "Organisations"
    in_guide: ShortText = "details in the guide"
    other_surfaces: ShortText = "Also in the guide: steps for {surfaces}."
    sources: ShortText = "Sources"
    more_sources: ShortText = "and {count} more"
    verified: ShortText = "Last verified"
    guide_button: ShortText = "Full guide"
    settings_button: ShortText = "Open settings"
    close_button: ShortText = "Close"
    upcoming_choice: ShortText = "{service} · {date}"
    page_changed: ShortText = "A cited page changed on {date}; the guide says which."
    stale: ShortText = "Last verified over {days} days ago: the settings may have changed."
    clipped: ShortText = "(full guide)"


@dataclass(frozen=True, kw_only=True)
class WorkspacePhrases(Record):
    """Phrases of ``/optout workspace`` and of the team checklist.

    Every field has an English default, so a messages file needs a ``workspace`` block only to
    change one. ``{person}`` is the member who marked an item, as each platform mentions them.
    """

    title: ShortText = "Workplace tools: what an admin can switch off"
    intro: Prose = (
        "{count} tools an organisation may pay for, grouped by what needs doing. {optout} <tool> "
        "shows the full steps; {optout} checklist <tool> <tool> posts a checklist the team can "
        "tick."
    )
    group_turn_off: ShortText = "Turn off"
    group_check_plan: ShortText = "Check your plan"
    group_no_switch: ShortText = "No admin switch"
    group_nothing: ShortText = "Nothing to switch off"
    admin: ShortText = "Admin settings"
    default: ShortText = "Default"
    next_date: ShortText = "Next date"
    state_words: dict[PlanState, ShortText] = field(
        default_factory=lambda: {
            "on": "on",
            "off": "off",
            "varies": "varies",
            "not-applicable": "not used",
            "always": "always on",
        }
    )
    checklist_title: ShortText = "Team checklist: AI-training settings"
    checklist_intro: Prose = (
        "One line per tool, with the admin's action. People who can manage this channel mark "
        "items done; an item opens again when its tool's settings or dates change."
    )
    checklist_usage: Prose = (
        "Name the tools to put on the checklist, e.g. {optout} checklist slack zoom, or "
        "{optout} checklist all for every workplace tool. {optout} workspace lists them."
    )
    picker_intro: Prose = (
        "Choose the tools to put on the team checklist; it is posted in this channel. You can "
        "also name them: {optout} checklist slack zoom."
    )
    picker_placeholder: ShortText = "Choose workplace tools"
    picker_stale: Prose = (
        "That choice no longer matches the workplace tools I know. Run {optout} checklist again "
        "for a fresh list."
    )
    checklist_not_workplace: Prose = (
        "{services} has no organisation settings on record; {optout} workspace lists the tools "
        "a checklist can hold."
    )
    checklist_too_long: Prose = "A checklist holds at most {count} tools; the rest were left out."
    mark_done: ShortText = "Mark done"
    undo: ShortText = "Undo"
    marked: ShortText = "Done: marked by {person} on {date}"
    reopened: ShortText = "Open again since {date}: {what} changed"
    part_names: dict[str, ShortText] = field(
        default_factory=lambda: {
            "action": "the admin action",
            "plans": "the plan defaults",
            "limits": "what cannot be turned off",
            "dates": "the dates",
        }
    )
    posted: ShortText = "Checklist posted in this channel."
    not_allowed: Prose = (
        "Only people who can manage this channel can tick this checklist. Ask one of them."
    )
    unavailable: Prose = (
        "Checklists are not available right now: this bot is running without its database."
    )
    not_tracked: Prose = (
        "I no longer keep this checklist; post a fresh one with {optout} checklist <tools>."
    )
    reminder_open: ShortText = "Still open on this channel's checklist"


@dataclass(frozen=True, kw_only=True)
class SourcePhrases(Record):
    """Notices on an answer whose cited page changed after the entry was last verified.

    ``{publisher}`` is who publishes the page, ``{page}`` its title (linked), ``{date}`` when the
    bot first noticed, ``{labels}`` the labels the page no longer shows. Every field has an
    English default, so a messages file needs a ``sources`` block only to change one.
    """

    changed: Prose = (
        "{publisher}'s page {page} changed on {date}, after this entry was last checked: "
        "confirm the steps there."
    )
    moved: Prose = (
        "{publisher}'s page {page} moved elsewhere on {date}, after this entry was last "
        "checked: confirm the steps at its new address."
    )
    gone: Prose = (
        "{publisher}'s page {page} is no longer online (noticed {date}): this entry may be out "
        "of date."
    )
    label_missing: Prose = (
        "The page this answer cites no longer shows {labels} (noticed {date}): confirm the "
        "steps there."
    )


@dataclass(frozen=True, kw_only=True)
class SharingPhrases(Record):
    """What the bot tells the person who shared an answer in a channel (or pinned it): one
    phrase per outcome of ``bot.core.living.sharing``.

    ``{platform}`` is the platform's name, ``{permissions}`` the permissions the bot lacks as
    the platform names them, ``{bot}`` the bot as it is mentioned there.
    """

    shared: ShortText
    pinned: ShortText
    already_pinned: ShortText
    outside_channel: Prose
    no_permission_post: Prose
    no_permission_pin: Prose
    not_member: Prose
    archived: Prose
    restricted: Prose
    channel_gone: Prose
    not_pinnable: Prose
    pin_limit: Prose
    rate_limited: Prose
    post_unconfirmed: Prose
    pin_unconfirmed: Prose


@dataclass(frozen=True, kw_only=True)
class PlatformPhrases(Record):
    """What one chat platform's own controls and problems say: button labels, command option
    descriptions, missing permissions and the platform's own failures.

    Kept by platform under ``platforms`` in a messages file; each platform package reads the
    entry under its own key, so the core never names one. Every field has an English default.
    ``{platform}`` is the platform's name, ``{permissions}`` permissions as the platform names
    them (see ``permission``), ``{names}`` those names joined, ``{share}`` the Share button's
    label, ``{command}`` a command's name and ``{actions}`` its sub-actions, ``{date}`` a day,
    ``{person}`` a member as the platform mentions them, ``{number}`` and ``{count}`` a part of
    an answer posted as several messages.
    """

    share_button: ShortText = "Share in channel"
    pin_button: ShortText = "Pin"
    button_unreadable: Prose = (
        "I could not read that button; it may come from an older version of me. Run the "
        "command again."
    )
    too_slow: Prose = "{platform} did not answer in time. Please try again in a moment."
    # The platform's own names for the permissions the bot checks, keyed as the platform's API
    # spells them; a permission missing here is shown by its API name.
    permission_names: dict[str, ShortText] = field(default_factory=dict, hash=False)
    permission: ShortText = "the {names} permission"
    permissions: ShortText = "the {names} permissions"
    some_permission: ShortText = "a permission"
    names_and: ShortText = "{names} and {last}"
    permission_how_to: Prose = "An admin can grant it to me."
    permissions_how_to: Prose = "An admin can grant them to me."
    pin_not_allowed: Prose = (
        "Only members with {permissions} in this channel can pin answers. Ask a moderator, or "
        "use {share}."
    )
    post_not_allowed: Prose = (
        "You don't have {permissions} in this channel, so I won't post there for you."
    )
    share_option_description: ShortText = (
        "Share the answer in this channel for everyone (default: only you see it)"
    )
    action_option_description: ShortText = "Manage {command} reminders in this channel: {actions}"
    verified: ShortText = "Last verified {date}"
    sources: ShortText = "Sources: {sources}"
    shared_by: ShortText = "Shared by {person}"
    part: ShortText = "Part {number} of {count}"
    welcome: Prose = "Try /optout claude, /deadline or /help."


@dataclass(frozen=True, kw_only=True)
class Phrases(Record):
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
    reminders_need_channel: Prose
    apology: Prose
    category_names: dict[Category, ShortText]
    surface_names: dict[Surface, ShortText]
    section_names: SectionNames = field(default_factory=SectionNames)
    plan_states: dict[PlanState, ShortText] = field(
        default_factory=lambda: {
            "always": "used, and no admin setting turns it off",
            "on": "used unless an admin turns it off",
            "off": "not used unless an admin turns it on",
            "varies": "depends on the setting chosen",
            "not-applicable": "not used for training",
        }
    )
    sharing: SharingPhrases
    living: LivingPhrases = field(default_factory=LivingPhrases)
    card: CardPhrases = field(default_factory=CardPhrases)
    listing: ListingPhrases = field(default_factory=ListingPhrases)
    workspace: WorkspacePhrases = field(default_factory=WorkspacePhrases)
    sources: SourcePhrases = field(default_factory=SourcePhrases)
    platforms: dict[str, PlatformPhrases] = field(default_factory=dict)

    def platform(self, key: str) -> PlatformPhrases:
        """The phrases of the platform that calls itself ``key``; English defaults for one the
        messages file does not list."""
        return self.platforms.get(key) or PlatformPhrases()


@dataclass(frozen=True, kw_only=True)
class Messages(Record):
    """Phrases by locale; English is required and is the fallback."""

    en: Phrases
    # A second language lands as another optional field here plus a file of its own.

    def for_locale(self, locale: str | None) -> Phrases:
        """The phrases for a locale, falling back to English."""
        return self.en
