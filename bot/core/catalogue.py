"""The one command catalogue: every adapter registers exactly these commands and options."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

OptionKind = Literal["service", "text"]


@dataclass(frozen=True, slots=True)
class OptionSpec:
    """One argument of a command."""

    name: str
    description: str
    kind: OptionKind = "service"
    required: bool = False
    autocomplete: bool = True


@dataclass(frozen=True, slots=True)
class SubactionSpec:
    """A second verb of a command, typed as its first word (``/deadline subscribe claude``)."""

    name: str
    description: str
    usage: str
    option: OptionSpec | None = None
    # Changes channel settings: the front door asks whether the person may manage the channel.
    manages_channel: bool = False
    # Answered from the store (it waits on it); False: from the knowledge base alone, at once.
    stored: bool = True


@dataclass(frozen=True, slots=True)
class VariantSpec:
    """Another shape of a command's answer, typed as its last word (``/optout claude full``)."""

    name: str
    description: str


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """A command as users see it on every platform."""

    name: str
    description: str
    usage: str
    examples: tuple[str, ...]
    options: tuple[OptionSpec, ...] = ()
    # Answers that a channel may want to keep (and pin) can be shared publicly.
    shareable: bool = False
    subactions: tuple[SubactionSpec, ...] = ()
    variants: tuple[VariantSpec, ...] = ()


# The variant that shows the complete answer: what a card's Full guide button opens.
GUIDE_VARIANT = "full"
SERVICE_OPTION = OptionSpec("service", "A service, e.g. claude, chatgpt, linkedin")

DEADLINE_SUBACTIONS = (
    SubactionSpec(
        name="subscribe",
        description="Post reminders of upcoming deadlines in this channel",
        usage="/deadline subscribe [service|all]",
        option=OptionSpec("service", "A service, or all (the default)"),
        manages_channel=True,
    ),
    SubactionSpec(
        name="unsubscribe",
        description="Stop deadline reminders in this channel",
        usage="/deadline unsubscribe [service|all]",
        option=OptionSpec("service", "A service, or all (the default)"),
        manages_channel=True,
    ),
    SubactionSpec(
        name="subscriptions",
        description="Which deadline reminders this channel gets",
        usage="/deadline subscriptions",
    ),
)

OPTOUT_SUBACTIONS = (
    SubactionSpec(
        name="workspace",
        description="The workplace tools' admin settings, grouped by what needs doing",
        usage="/optout workspace",
        stored=False,
    ),
    SubactionSpec(
        name="checklist",
        description="Post a checklist of workplace tools that the team can tick",
        usage="/optout checklist <service> [service…]",
        option=OptionSpec("service", "Workplace tools, e.g. slack zoom, or all", kind="text"),
        stored=False,
    ),
)

CATALOGUE: tuple[CommandSpec, ...] = (
    CommandSpec(
        name="optout",
        description="How to stop a service from training AI on your data",
        usage="/optout [service] [full]",
        examples=("/optout claude", "/optout chatgpt full", "/optout"),
        options=(SERVICE_OPTION,),
        shareable=True,
        subactions=OPTOUT_SUBACTIONS,
        variants=(
            VariantSpec(
                GUIDE_VARIANT, "The complete guide: every surface, caveat, date and source"
            ),
        ),
    ),
    CommandSpec(
        name="deadline",
        description="Upcoming and recent AI-training deadlines, with countdowns",
        usage="/deadline [service]",
        examples=("/deadline", "/deadline linkedin"),
        options=(SERVICE_OPTION,),
        shareable=True,
        subactions=DEADLINE_SUBACTIONS,
    ),
    CommandSpec(
        name="changes",
        description="Recent changes to AI-training policies, newest first",
        usage="/changes [service]",
        examples=("/changes", "/changes gemini"),
        options=(SERVICE_OPTION,),
        shareable=True,
    ),
    CommandSpec(
        name="help",
        description="What this bot can do, with examples",
        usage="/help",
        examples=("/help",),
    ),
)

COMMANDS: dict[str, CommandSpec] = {spec.name: spec for spec in CATALOGUE}


def subaction(spec: CommandSpec, name: str | None) -> SubactionSpec | None:
    """The sub-action of ``spec`` called ``name`` (any case), if it has one."""
    wanted = (name or "").casefold()
    return next((sub for sub in spec.subactions if sub.name == wanted), None)


def variant(spec: CommandSpec, name: str | None) -> VariantSpec | None:
    """The variant of ``spec`` called ``name`` (any case), if it has one."""
    wanted = (name or "").casefold()
    return next((shape for shape in spec.variants if shape.name == wanted), None)


def fingerprint(catalogue: tuple[CommandSpec, ...] = CATALOGUE) -> str:
    """A stable digest of the catalogue; platforms re-register commands only when it changes."""
    import hashlib
    import json

    encoded = json.dumps([asdict(spec) for spec in catalogue], sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()[:16]
