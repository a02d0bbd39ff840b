"""The records of the messages file: the phrases of one language, and the languages."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.knowledge import Category, PlanState, Prose, Record, ShortText, Surface
from bot.core.phrases.answers import CardPhrases, ListingPhrases, SectionNames, SourcePhrases
from bot.core.phrases.living import LivingPhrases, SharingPhrases
from bot.core.phrases.platforms import PlatformPhrases
from bot.core.phrases.workspace import WorkspacePhrases


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
