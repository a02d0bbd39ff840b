"""Words of living answers: update lines, reminders, subscriptions and sharing."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.knowledge import Prose, Record, ShortText


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
