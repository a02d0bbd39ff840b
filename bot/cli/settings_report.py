"""``optout-bot check-config``: the effective configuration, by setting name, secrets hidden."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from urllib.parse import urlsplit, urlunsplit

from bot.config import Settings

HIDDEN = "<set, hidden>"
UNSET = "<not set>"

# Every environment variable the settings read, and how its effective value is shown.
SETTINGS: dict[str, Callable[[Settings], object]] = {
    "OPTOUT_CONTENT_DIR": lambda s: s.content_dir,
    "OPTOUT_CACHE_DIR": lambda s: s.cache_dir or "off",
    "OPTOUT_RELOAD_SECONDS": lambda s: s.reload_seconds or "0 (off)",
    "OPTOUT_TIMEZONE": lambda s: s.timezone or "this machine's",
    "LOG_LEVEL": lambda s: s.log_level,
    "LOG_FORMAT": lambda s: s.log_format,
    "OPTOUT_HEALTH_PORT": lambda s: "off" if s.health_port is None else s.health_port,
    "OPTOUT_HEALTH_HOST": lambda s: s.health_host,
    "OPTOUT_SHUTDOWN_SECONDS": lambda s: s.shutdown_seconds,
    "DATABASE_URL": lambda s: redacted_url(s.database_url) if s.database_url else "off",
    "REMINDER_OFFSETS": lambda s: ",".join(str(days) for days in s.reminder_offsets),
    "REMINDER_HOUR": lambda s: s.reminder_hour,
    "REMINDER_GRACE_HOURS": lambda s: s.reminder_grace_hours,
    "LIVING_TICK_SECONDS": lambda s: s.living_tick_seconds,
    "LIVING_RETENTION_DAYS": lambda s: s.living_retention_days,
    "SLACK_LIVING_RATE": lambda s: s.slack_living_rate,
    "DISCORD_LIVING_RATE": lambda s: s.discord_living_rate,
    # User ids are nobody's business in a printout that may end up in a ticket.
    "SLACK_SUBSCRIPTION_MANAGERS": lambda s: f"{len(s.slack_subscription_managers)} user id(s)",
    "SLACK_BOT_TOKEN": lambda s: _secret(s.slack_bot_token),
    "SLACK_APP_TOKEN": lambda s: _secret(s.slack_app_token),
    "SLACK_SIGNING_SECRET": lambda s: _secret(s.slack_signing_secret),
    "SLACK_COMMANDS": lambda s: (
        ",".join(f"{k}={v}" for k, v in s.slack_commands.items()) or "the defaults"
    ),
    "SLACK_HOST": lambda s: s.slack_host,
    "SLACK_PORT": lambda s: s.slack_port,
    "SLACK_API_URL": lambda s: s.slack_api_url or "Slack's own",
    "SLACK_API_TIMEOUT": lambda s: s.slack_api_timeout,
    "DISCORD_TOKEN": lambda s: _secret(s.discord_token),
    "DISCORD_APPLICATION_ID": lambda s: s.discord_application_id or "read from the token",
    "DISCORD_SHARD_COUNT": lambda s: s.discord_shard_count or "Discord decides",
    "DISCORD_SHARD_IDS": lambda s: ",".join(map(str, s.discord_shard_ids or ())) or "all",
    "DISCORD_SYNC_STATE": lambda s: s.discord_sync_state,
    "DISCORD_API_BASE": lambda s: s.discord_api_base or "Discord's own",
    "DISCORD_GATEWAY_URL": lambda s: s.discord_gateway_url or "Discord's own",
    "DISCORD_API_TIMEOUT": lambda s: s.discord_api_timeout,
}


def report(settings: Settings, platforms: list[str]) -> list[str]:
    """``NAME=value`` for every setting, then the platforms that would run."""
    lines = [f"{name}={show(settings)}" for name, show in SETTINGS.items()]
    lines.append(f"# platforms: {', '.join(platforms)}")
    return lines


def redacted_url(url: str) -> str:
    """The URL with its password replaced by ``***``."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        netloc = parts.netloc.rsplit("@", 1)
        user = (parts.username or "") + ":***"
        return urlunsplit(parts._replace(netloc=f"{user}@{netloc[-1]}"))
    except ValueError:
        return "<unreadable URL, hidden>"


def secret_fields() -> set[str]:
    """The names of the Settings fields that hold secrets (hidden from repr)."""
    return {item.name for item in fields(Settings) if not item.repr}


def _secret(value: str | None) -> str:
    return HIDDEN if value else UNSET
