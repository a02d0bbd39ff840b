"""Words of the answers themselves: section titles, the card, listings, page-change notices."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.knowledge import DefaultState, OptOutKind, Prose, Record, ShortText


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
