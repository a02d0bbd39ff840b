"""Application commands built from the core catalogue, and command sync that never runs blindly.

Discord rate-limits command registration per day, so the bot remembers a fingerprint of what it
last registered (in a small JSON file) and registers again only when that fingerprint changes.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
import os
import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import discord
from discord import app_commands

from bot.core.catalogue import CATALOGUE, CommandSpec, OptionSpec, fingerprint
from bot.core.phrases.platforms import PlatformPhrases
from bot.core.phrasing import fill_words
from bot.platforms.discord.render import truncate

log = logging.getLogger(__name__)

# Discord's limits for application commands and autocomplete.
COMMAND_DESCRIPTION_LIMIT = 100
OPTION_VALUE_LIMIT = 100
AUTOCOMPLETE_CHOICE_LIMIT = 25
CHOICE_NAME_LIMIT = 100
SHARE_OPTION = "share"
# A command's sub-actions (/deadline subscribe …) are the choices of one optional option, so the
# plain command keeps working as it always did.
ACTION_OPTION = "action"
# Another shape of the answer (the catalogue's variants): detail: full gives the guide.
DETAIL_OPTION = "detail"

Answer = Callable[[discord.Interaction, str, dict[str, Any]], Awaitable[None]]
Complete = Callable[[discord.Interaction, str], Awaitable[list[app_commands.Choice[str]]]]


def build_commands(
    answer: Answer, complete: Complete, words: PlatformPhrases
) -> list[app_commands.Command[Any, ..., None]]:
    """One application command per catalogue entry, its options typed and described; the
    options Discord alone has are described in Discord's ``words`` from the messages file."""
    return [_command(spec, answer, complete, words) for spec in CATALOGUE]


def _command(
    spec: CommandSpec, answer: Answer, complete: Complete, words: PlatformPhrases
) -> app_commands.Command[Any, ..., None]:
    async def callback(interaction: discord.Interaction, **options: Any) -> None:
        await answer(interaction, spec.name, options)

    # discord.py reads options from the callback's signature; this one is built from the catalogue.
    parameters = [
        inspect.Parameter(
            "interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction
        )
    ]
    parameters += [_parameter(option) for option in spec.options]
    descriptions = {option.name: option.description for option in spec.options}
    if spec.shareable:
        parameters.append(
            inspect.Parameter(
                SHARE_OPTION, inspect.Parameter.KEYWORD_ONLY, annotation=bool, default=False
            )
        )
        descriptions[SHARE_OPTION] = words.share_option_description
    if spec.subactions:
        parameters.append(
            inspect.Parameter(
                ACTION_OPTION, inspect.Parameter.KEYWORD_ONLY, annotation=str, default=None
            )
        )
        descriptions[ACTION_OPTION] = _action_description(spec, words)
    if spec.variants:
        parameters.append(
            inspect.Parameter(
                DETAIL_OPTION, inspect.Parameter.KEYWORD_ONLY, annotation=str, default=None
            )
        )
        descriptions[DETAIL_OPTION] = " / ".join(
            f"{shape.name}: {shape.description}" for shape in spec.variants
        )
    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    callback.__name__ = callback.__qualname__ = spec.name
    # The callback's parameters are built from the catalogue at run time (its __signature__),
    # which no static type can describe.
    command: app_commands.Command[Any, ..., None] = app_commands.Command(
        name=spec.name,
        description=truncate(spec.description, COMMAND_DESCRIPTION_LIMIT),
        callback=callback,
    )
    app_commands.describe(
        **{name: truncate(text, COMMAND_DESCRIPTION_LIMIT) for name, text in descriptions.items()}
    )(command)
    for option in spec.options:
        if option.kind == "service" and option.autocomplete:
            command.autocomplete(option.name)(complete)  # type: ignore[arg-type]
    if spec.subactions:
        # Members pick "subscribe: Post reminders …"; the callback receives "subscribe".
        choices = [
            app_commands.Choice(
                name=truncate(f"{sub.name}: {sub.description}", CHOICE_NAME_LIMIT), value=sub.name
            )
            for sub in spec.subactions
        ]
        app_commands.choices(**{ACTION_OPTION: choices})(command)
    if spec.variants:
        shapes = [
            app_commands.Choice(
                name=truncate(f"{shape.name}: {shape.description}", CHOICE_NAME_LIMIT),
                value=shape.name,
            )
            for shape in spec.variants
        ]
        app_commands.choices(**{DETAIL_OPTION: shapes})(command)
    return command


def _action_description(spec: CommandSpec, words: PlatformPhrases) -> str:
    """'Manage deadline reminders in this channel: subscribe / unsubscribe / subscriptions'."""
    names = " / ".join(sub.name for sub in spec.subactions)
    return fill_words(words.action_option_description, command=spec.name, actions=names)


def _parameter(option: OptionSpec) -> inspect.Parameter:
    annotation = app_commands.Range[str, 1, OPTION_VALUE_LIMIT]
    default = inspect.Parameter.empty if option.required else None
    return inspect.Parameter(
        option.name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
    )


def commands_fingerprint(tree: app_commands.CommandTree[Any]) -> str:
    """A digest of the catalogue and of exactly what would be registered on Discord."""
    payload = [command.to_dict(tree) for command in tree.get_commands()]
    encoded = json.dumps([fingerprint(), payload], sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()[:16]


class SyncState:
    """The fingerprint last registered per application and scope, kept in a small JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def last(self, scope: str) -> str | None:
        """The fingerprint registered for ``scope``, if any."""
        entry = self._read().get(scope)
        return entry.get("fingerprint") if isinstance(entry, dict) else None

    def record(self, scope: str, digest: str) -> None:
        """Remember that ``digest`` is now registered for ``scope`` (written atomically)."""
        entries = self._read()
        entries[scope] = {"fingerprint": digest, "synced_at": datetime.now(UTC).isoformat()}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".discord-sync-")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(entries, stream, indent=2, sort_keys=True)
        os.replace(temporary, self.path)

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            log.warning("command sync state at %s is unreadable; treating it as empty", self.path)
            return {}
        return data if isinstance(data, dict) else {}


def scope_of(application_id: int | None, guild_id: int | None) -> str:
    """The key a registration is remembered under: global or one guild, per application."""
    return f"{application_id}:guild:{guild_id}" if guild_id else f"{application_id}:global"


async def sync(
    tree: app_commands.CommandTree[Any], state: SyncState, guild_id: int | None = None
) -> int:
    """Register the commands now, globally or in one guild (instant, for testing)."""
    guild = discord.Object(id=guild_id) if guild_id else None
    if guild is not None:
        tree.copy_global_to(guild=guild)
    # Taken before the request, as discord.py takes its payload: what is recorded is what was sent.
    digest = commands_fingerprint(tree)
    registered = await tree.sync(guild=guild)
    state.record(scope_of(tree.client.application_id, guild_id), digest)
    return len(registered)


async def sync_if_changed(tree: app_commands.CommandTree[Any], state: SyncState) -> bool:
    """Register globally only when the commands differ from those last registered."""
    scope = scope_of(tree.client.application_id, None)
    current = commands_fingerprint(tree)
    if state.last(scope) == current:
        log.info("application commands unchanged (fingerprint %s); not syncing", current)
        return False
    count = await sync(tree, state)
    log.info("registered %d application commands (fingerprint %s)", count, current)
    return True
