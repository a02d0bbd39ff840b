"""Application-command descriptions Discord alone has come from the messages file, and the sync
fingerprint follows them, so an edited description is registered again."""

from __future__ import annotations

import dataclasses
from typing import Any

import discord
from discord import app_commands

from bot.platforms.discord.actions import PLATFORM
from bot.platforms.discord.commands import (
    ACTION_OPTION,
    SHARE_OPTION,
    build_commands,
    commands_fingerprint,
)
from tests.support import platform_words

WORDS = platform_words(PLATFORM)


async def _answer(interaction: discord.Interaction, command: str, options: Any) -> None:
    raise AssertionError("nothing is answered here")


async def _complete(interaction: discord.Interaction, typed: str) -> Any:
    return []


def _tree(words: Any) -> app_commands.CommandTree[Any]:
    tree: app_commands.CommandTree[Any] = app_commands.CommandTree(
        discord.Client(intents=discord.Intents.default())
    )
    for command in build_commands(_answer, _complete, words):
        tree.add_command(command)
    return tree


def _descriptions(tree: app_commands.CommandTree[Any], option: str) -> set[str]:
    return {
        entry["description"]
        for command in tree.get_commands()
        for entry in command.to_dict(tree).get("options", [])
        if entry["name"] == option
    }


def test_discord_only_options_are_described_in_the_messages_file_words() -> None:
    tree = _tree(WORDS)
    assert _descriptions(tree, SHARE_OPTION) == {WORDS.share_option_description}
    managing = _descriptions(tree, ACTION_OPTION)
    assert any(
        text.startswith("Manage deadline reminders in this channel: subscribe") for text in managing
    )


def test_an_edited_description_changes_the_sync_fingerprint() -> None:
    edited = dataclasses.replace(WORDS, share_option_description="Post it for the channel")
    assert _descriptions(_tree(edited), SHARE_OPTION) == {"Post it for the channel"}
    assert commands_fingerprint(_tree(edited)) != commands_fingerprint(_tree(WORDS))
    assert commands_fingerprint(_tree(WORDS)) == commands_fingerprint(_tree(WORDS))
