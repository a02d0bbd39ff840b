"""Settings, read from the environment in exactly one place."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.content_loader import DEFAULT_CONTENT

PLATFORMS = ("console", "discord", "slack")


class ConfigError(ValueError):
    """One or more settings are invalid; ``problems`` lists every one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Settings:
    """Every setting the bot reads, with its default."""

    content_dir: Path = DEFAULT_CONTENT
    timezone: str | None = None
    reload_seconds: float = 2.0
    log_level: str = "INFO"
    discord_token: str | None = field(default=None, repr=False)
    slack_bot_token: str | None = field(default=None, repr=False)
    slack_app_token: str | None = field(default=None, repr=False)
    slack_signing_secret: str | None = field(default=None, repr=False)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from environment variables; raises ``ConfigError`` listing every problem."""
        env = os.environ if environ is None else environ
        problems: list[str] = []
        timezone = env.get("OPTOUT_TIMEZONE") or None
        if timezone:
            try:
                ZoneInfo(timezone)
            except (ZoneInfoNotFoundError, ValueError):
                problems.append(f"OPTOUT_TIMEZONE: unknown IANA time zone {timezone!r}")
        reload_seconds = 2.0
        raw_reload = env.get("OPTOUT_RELOAD_SECONDS")
        if raw_reload:
            try:
                reload_seconds = float(raw_reload)
                if reload_seconds < 0:
                    raise ValueError
            except ValueError:
                problems.append("OPTOUT_RELOAD_SECONDS: must be a number of seconds, 0 to disable")
        log_level = env.get("LOG_LEVEL", "INFO").upper()
        if log_level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            problems.append("LOG_LEVEL: must be DEBUG, INFO, WARNING or ERROR")
        if problems:
            raise ConfigError(problems)
        return cls(
            content_dir=Path(env.get("OPTOUT_CONTENT_DIR") or DEFAULT_CONTENT),
            timezone=timezone,
            reload_seconds=reload_seconds,
            log_level=log_level,
            discord_token=env.get("DISCORD_TOKEN") or None,
            slack_bot_token=env.get("SLACK_BOT_TOKEN") or None,
            slack_app_token=env.get("SLACK_APP_TOKEN") or None,
            slack_signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
        )

    def configured_platforms(self) -> list[str]:
        """Platforms whose credentials are set; the console when none are."""
        platforms = []
        if self.discord_token:
            platforms.append("discord")
        if self.slack_bot_token and (self.slack_app_token or self.slack_signing_secret):
            platforms.append("slack")
        return platforms or ["console"]
