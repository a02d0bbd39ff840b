"""Countdowns in words, shared by every renderer so all platforms say the same thing."""

from __future__ import annotations

from datetime import datetime

from bot.core.richtext import When


def days_until(when: When, now: datetime) -> int:
    """Whole calendar days from ``now`` to the event, counted in the event's own time zone."""
    local_now = now.astimezone(when.instant.tzinfo)
    return (when.instant.date() - local_now.date()).days


def describe_relative(when: When, now: datetime) -> str:
    """'today', 'tomorrow', 'in 12 days', 'yesterday', '3 days ago', or hours for timed events."""
    if when.precision == "minute":
        seconds = (when.instant - now).total_seconds()
        if abs(seconds) < 36 * 3600:
            hours = round(abs(seconds) / 3600)
            if hours == 0:
                return "now"
            unit = "hour" if hours == 1 else "hours"
            return f"in {hours} {unit}" if seconds > 0 else f"{hours} {unit} ago"
    days = days_until(when, now)
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    if days > 0:
        return f"in {days} days"
    return f"{-days} days ago"


def format_day(instant: datetime) -> str:
    """A calendar date in the form '8 Oct 2025'."""
    return f"{instant.day} {instant:%b %Y}"
