"""Words of the workplace-tools overview and of the team checklist."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.knowledge import PlanState, Prose, Record, ShortText


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
    # Under the workspace view where no menu can be shown (the console).
    picker_hint: Prose = (
        "To post a checklist of the tools your team uses, type {optout} checklist with their "
        "names, e.g. {optout} checklist slack zoom."
    )
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
