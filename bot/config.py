"""Settings, read from the environment in exactly one place."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.content.reader import DEFAULT_MAX_FILE_BYTES
from bot.core.catalogue import COMMANDS
from bot.platforms.slack.manifest import SLASH_COMMAND, slash_commands

# A group of Settings fields, parsed together and passed on by keyword; Settings' own
# constructor checks the names and types.
SettingsGroup = dict[str, Any]
PLATFORMS = ("console", "discord", "slack")
LOG_FORMATS = ("text", "json")
# A SQLite file under ./data: living answers work with nothing to install.
DEFAULT_DATABASE_URL = "sqlite:///data/optout.db"
_DATABASE_SCHEMES = (
    "sqlite://",
    "sqlite+aiosqlite://",
    "postgresql://",
    "postgres://",
    "postgresql+asyncpg://",
)
# The knowledge base bundled with the package (baked into the container image as well).
DEFAULT_CONTENT = Path(__file__).resolve().parent.parent / "content"


class ConfigError(ValueError):
    """One or more settings are invalid; ``problems`` lists every one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Settings:
    """Every setting the bot reads, with its default."""

    content_dir: Path = DEFAULT_CONTENT
    cache_dir: Path | None = None
    # The largest content file that is read at all (bytes); larger ones are refused.
    content_max_bytes: int = DEFAULT_MAX_FILE_BYTES
    timezone: str | None = None
    reload_seconds: float = 2.0
    log_level: str = "INFO"
    discord_token: str | None = field(default=None, repr=False)
    discord_api_base: str | None = None
    discord_gateway_url: str | None = None
    discord_shard_count: int | None = None
    discord_shard_ids: tuple[int, ...] | None = None
    discord_sync_state: Path = Path("data/discord-commands.json")
    discord_application_id: int | None = None
    slack_bot_token: str | None = field(default=None, repr=False)
    slack_app_token: str | None = field(default=None, repr=False)
    slack_signing_secret: str | None = field(default=None, repr=False)
    slack_api_url: str | None = None
    slack_commands: Mapping[str, str] = field(default_factory=dict)
    slack_http: bool = False
    slack_host: str = "0.0.0.0"
    slack_port: int = 3000
    # Seconds a call to a platform's API may take (Slack: every Web API call; Discord: every
    # post, pin and edit).
    slack_api_timeout: float = 30.0
    discord_api_timeout: float = 30.0
    # Living answers (docs/living-answers.md); None when DATABASE_URL=off.
    database_url: str | None = field(default=DEFAULT_DATABASE_URL, repr=False)
    reminder_offsets: tuple[int, ...] = (14, 3, 1, 0)
    reminder_hour: int = 9
    reminder_grace_hours: float = 48.0
    living_tick_seconds: float = 30.0
    living_retention_days: int = 365
    slack_living_rate: float = 0.8
    discord_living_rate: float = 2.0
    slack_subscription_managers: frozenset[str] = frozenset()
    # Operations (docs/operations.md): the health and metrics endpoint is off unless a port is set.
    health_port: int | None = None
    health_host: str = "0.0.0.0"
    log_format: str = "text"
    shutdown_seconds: float = 8.0
    # Every HTTP listener (Slack's request URL, the health endpoint): docs/operations.md, Limits.
    http_request_seconds: float = 10.0
    http_idle_seconds: float = 30.0
    http_max_connections: int = 512
    slack_max_body_bytes: int = 256 * 1024

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
        slack_commands = _slack_commands(env.get("SLACK_COMMANDS", ""), problems)
        slack_port = _port(env.get("SLACK_PORT"), problems)
        slack_api_url = env.get("SLACK_API_URL") or None
        if slack_api_url and not slack_api_url.startswith(("http://", "https://")):
            problems.append("SLACK_API_URL: must be an http:// or https:// URL")
        discord = _discord_settings(env, problems)
        timeouts = _api_timeouts(env, problems)
        living = _living_settings(env, problems)
        operations = _operations_settings(env, problems)
        max_bytes = _whole_number(env, "OPTOUT_CONTENT_MAX_BYTES", problems, minimum=1)
        listening = _listening_settings(env, problems)
        if problems:
            raise ConfigError(problems)
        return cls(
            **discord,
            **timeouts,
            **living,
            **operations,
            **listening,
            content_dir=Path(env.get("OPTOUT_CONTENT_DIR") or DEFAULT_CONTENT),
            cache_dir=_cache_dir(env),
            content_max_bytes=max_bytes or DEFAULT_MAX_FILE_BYTES,
            timezone=timezone,
            reload_seconds=reload_seconds,
            log_level=log_level,
            discord_token=env.get("DISCORD_TOKEN") or None,
            slack_bot_token=env.get("SLACK_BOT_TOKEN") or None,
            slack_app_token=env.get("SLACK_APP_TOKEN") or None,
            slack_signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
            slack_api_url=slack_api_url,
            slack_commands=slack_commands,
            slack_host=env.get("SLACK_HOST") or "0.0.0.0",
            slack_port=slack_port,
        )

    def configured_platforms(self) -> list[str]:
        """Platforms whose credentials are set; the console when none are."""
        return configured_platforms(
            {
                "DISCORD_TOKEN": self.discord_token or "",
                "SLACK_BOT_TOKEN": self.slack_bot_token or "",
                "SLACK_APP_TOKEN": self.slack_app_token or "",
                "SLACK_SIGNING_SECRET": self.slack_signing_secret or "",
            }
        )

    def secrets(self) -> list[str]:
        """Every secret value set (tokens, the database password), for log scrubbing."""
        values = [
            self.discord_token,
            self.slack_bot_token,
            self.slack_app_token,
            self.slack_signing_secret,
            _url_password(self.database_url),
        ]
        return [value for value in values if value]


def configured_platforms(env: Mapping[str, str]) -> list[str]:
    """Platforms whose credentials are set in ``env``; the console when none are."""
    platforms = []
    if env.get("DISCORD_TOKEN"):
        platforms.append("discord")
    slack_entry = env.get("SLACK_APP_TOKEN") or env.get("SLACK_SIGNING_SECRET")
    if env.get("SLACK_BOT_TOKEN") and slack_entry:
        platforms.append("slack")
    return platforms or ["console"]


def startup_problems(
    env: Mapping[str, str],
    platforms: Sequence[str],
    slack_http: bool = False,
    content_dir: Path | None = None,
) -> list[str]:
    """What the chosen platforms need and ``env`` lacks (tokens, the signing secret, content)."""
    problems = []
    if "discord" in platforms and not env.get("DISCORD_TOKEN"):
        problems.append("DISCORD_TOKEN: Discord needs the bot token (Developer Portal → Bot)")
    if "slack" in platforms:
        if not env.get("SLACK_BOT_TOKEN"):
            problems.append("SLACK_BOT_TOKEN: Slack needs the bot token (xoxb-…)")
        http = slack_http or not env.get("SLACK_APP_TOKEN")
        if http and not env.get("SLACK_SIGNING_SECRET"):
            problems.append(
                "SLACK_SIGNING_SECRET: HTTP mode needs it (or set SLACK_APP_TOKEN for Socket Mode)"
            )
    content = content_dir or Path(env.get("OPTOUT_CONTENT_DIR") or DEFAULT_CONTENT)
    if not (content / "messages.yaml").is_file() or not (content / "services").is_dir():
        problems.append(
            f"OPTOUT_CONTENT_DIR: {content} is not a knowledge base "
            "(it needs messages.yaml and services/)"
        )
    return problems


def _url_password(url: str | None) -> str | None:
    if not url:
        return None
    from urllib.parse import urlsplit

    try:
        return urlsplit(url).password
    except ValueError:
        return None


def _operations_settings(env: Mapping[str, str], problems: list[str]) -> SettingsGroup:
    """The health endpoint's address, the log format, and how long a graceful stop may take."""
    chosen: dict[str, object] = {}
    raw_port = env.get("OPTOUT_HEALTH_PORT", "").strip()
    if raw_port and raw_port.lower() != "off":
        if raw_port.isdecimal() and int(raw_port) <= 65535:
            chosen["health_port"] = int(raw_port)
        else:
            problems.append("OPTOUT_HEALTH_PORT: must be a port number (0-65535) or off")
    chosen["health_host"] = env.get("OPTOUT_HEALTH_HOST") or "0.0.0.0"
    log_format = (env.get("LOG_FORMAT") or "text").lower()
    if log_format not in LOG_FORMATS:
        problems.append(f"LOG_FORMAT: must be {' or '.join(LOG_FORMATS)}")
    chosen["log_format"] = log_format if log_format in LOG_FORMATS else "text"
    grace = _number(env, "OPTOUT_SHUTDOWN_SECONDS", problems, positive=True)
    if grace is not None:
        chosen["shutdown_seconds"] = grace
    return chosen


# name, field, lowest, highest: see docs/operations.md, Limits, for why each range.
_LISTENING_LIMITS: tuple[tuple[str, str, int, int], ...] = (
    ("OPTOUT_HTTP_REQUEST_SECONDS", "http_request_seconds", 1, 300),
    ("OPTOUT_HTTP_IDLE_SECONDS", "http_idle_seconds", 1, 3600),
    ("OPTOUT_HTTP_MAX_CONNECTIONS", "http_max_connections", 16, 65536),
    ("SLACK_MAX_BODY_BYTES", "slack_max_body_bytes", 16 * 1024, 8 * 1024 * 1024),
)


def _listening_settings(env: Mapping[str, str], problems: list[str]) -> SettingsGroup:
    """Limits of the HTTP listeners: request and idle timeouts, connections, body size."""
    chosen: dict[str, object] = {}
    for name, key, lowest, highest in _LISTENING_LIMITS:
        raw = (env.get(name) or "").strip()
        if not raw:
            continue
        whole = key.endswith(("connections", "bytes"))
        try:
            value: float = int(raw) if whole else float(raw)
        except ValueError:
            value = float("nan")  # compares false with every bound: reported below
        if lowest <= value <= highest:
            chosen[key] = value
        else:
            kind = "whole number" if whole else "number"
            problems.append(f"{name}: must be a {kind} from {lowest} to {highest}")
    return chosen


def _api_timeouts(env: Mapping[str, str], problems: list[str]) -> SettingsGroup:
    """SLACK_API_TIMEOUT and DISCORD_API_TIMEOUT: how long a stalled platform may hold a call."""
    chosen: dict[str, object] = {}
    for name, key in (
        ("SLACK_API_TIMEOUT", "slack_api_timeout"),
        ("DISCORD_API_TIMEOUT", "discord_api_timeout"),
    ):
        seconds = _number(env, name, problems, positive=True)
        if seconds is not None and seconds == float("inf"):
            problems.append(f"{name}: must be a finite number of seconds")
        elif seconds is not None:
            chosen[key] = seconds
    return chosen


def _cache_dir(env: Mapping[str, str]) -> Path | None:
    """Where the parsed knowledge base is cached: OPTOUT_CACHE_DIR, 'off' to disable."""
    chosen = env.get("OPTOUT_CACHE_DIR")
    if chosen:
        return None if chosen.lower() == "off" else Path(chosen)
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "optout-bot"


def _slack_commands(raw: str, problems: list[str]) -> dict[str, str]:
    """SLACK_COMMANDS, e.g. 'optout=/ai-optout,help=/ai-help': renames of slash commands."""
    chosen: dict[str, str] = {}
    for entry in filter(None, (part.strip() for part in raw.split(","))):
        name, _, slash = (piece.strip() for piece in entry.partition("="))
        if name not in COMMANDS:
            problems.append(f"SLACK_COMMANDS: {name!r} is not a command ({', '.join(COMMANDS)})")
        elif not SLASH_COMMAND.fullmatch(slash):
            problems.append(
                f"SLACK_COMMANDS: {slash!r} for {name} must look like /name "
                "(lowercase letters, digits, - or _, at most 32 characters)"
            )
        else:
            chosen[name] = slash
    names = list(slash_commands(chosen).values())
    for slash in sorted({slash for slash in names if names.count(slash) > 1}):
        problems.append(f"SLACK_COMMANDS: {slash} is used for more than one command")
    return chosen


def _port(raw: str | None, problems: list[str]) -> int:
    if not raw:
        return 3000
    if raw.isdecimal() and 0 <= int(raw) <= 65535:
        return int(raw)
    problems.append("SLACK_PORT: must be a TCP port number (0 to 65535)")
    return 3000


def _discord_settings(env: Mapping[str, str], problems: list[str]) -> SettingsGroup:
    """DISCORD_* settings: endpoints, the shard range this process runs, and the sync state file."""
    chosen: dict[str, object] = {}
    for name, key in (
        ("DISCORD_API_BASE", "discord_api_base"),
        ("DISCORD_GATEWAY_URL", "discord_gateway_url"),
    ):
        value = env.get(name) or None
        schemes = ("http://", "https://") if key == "discord_api_base" else ("ws://", "wss://")
        if value and not value.startswith(schemes):
            problems.append(f"{name}: must start with {' or '.join(schemes)}")
        chosen[key] = value
    count = _whole_number(env, "DISCORD_SHARD_COUNT", problems, minimum=1)
    application_id = _whole_number(env, "DISCORD_APPLICATION_ID", problems, minimum=1)
    ids = _shard_ids(env.get("DISCORD_SHARD_IDS", ""), count, problems)
    chosen.update(
        discord_shard_count=count, discord_shard_ids=ids, discord_application_id=application_id
    )
    if env.get("DISCORD_SYNC_STATE"):
        chosen["discord_sync_state"] = Path(env["DISCORD_SYNC_STATE"])
    return chosen


def _whole_number(
    env: Mapping[str, str], name: str, problems: list[str], minimum: int
) -> int | None:
    raw = env.get(name)
    if not raw:
        return None
    if raw.isdecimal() and int(raw) >= minimum:
        return int(raw)
    problems.append(f"{name}: must be a whole number of at least {minimum}")
    return None


def _shard_ids(raw: str, count: int | None, problems: list[str]) -> tuple[int, ...] | None:
    """DISCORD_SHARD_IDS such as '0-3' or '0,2,4-5': the shards this process runs."""
    if not raw.strip():
        return None
    ids: list[int] = []
    for part in (piece.strip() for piece in raw.split(",")):
        first, _, last = part.partition("-")
        if not first.isdecimal() or (last and not last.isdecimal()):
            problems.append(f"DISCORD_SHARD_IDS: {part!r} is not a shard number or range like 0-3")
            return None
        ids.extend(range(int(first), int(last or first) + 1))
    if count is None:
        problems.append(
            "DISCORD_SHARD_IDS: needs DISCORD_SHARD_COUNT (the total over all processes)"
        )
    elif not ids or max(ids) >= count:
        problems.append(f"DISCORD_SHARD_IDS: shards are numbered 0 to {count - 1}")
    return tuple(sorted(set(ids)))


def _living_settings(env: Mapping[str, str], problems: list[str]) -> SettingsGroup:
    """DATABASE_URL, reminder timing, the pace of background edits, who manages subscriptions."""
    chosen: dict[str, object] = {}
    url = env.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if url.lower() == "off":
        chosen["database_url"] = None
    elif not url.startswith(_DATABASE_SCHEMES):
        problems.append("DATABASE_URL: use sqlite:///path, postgresql://user:pass@host/db or off")
    else:
        chosen["database_url"] = url
    raw_offsets = env.get("REMINDER_OFFSETS", "").replace("d", "")
    if raw_offsets.strip():
        parts = [part.strip() for part in raw_offsets.split(",") if part.strip()]
        if parts and all(part.isdecimal() and int(part) <= 365 for part in parts):
            chosen["reminder_offsets"] = tuple(sorted({int(part) for part in parts}, reverse=True))
        else:
            problems.append("REMINDER_OFFSETS: days before a deadline, e.g. 14,3,1,0")
    hour = _whole_number(env, "REMINDER_HOUR", problems, minimum=0)
    if hour is not None:
        if hour > 23:
            problems.append("REMINDER_HOUR: must be an hour from 0 to 23")
        chosen["reminder_hour"] = min(hour, 23)
    for name, key, positive in (
        ("REMINDER_GRACE_HOURS", "reminder_grace_hours", False),
        ("LIVING_TICK_SECONDS", "living_tick_seconds", True),
        ("SLACK_LIVING_RATE", "slack_living_rate", True),
        ("DISCORD_LIVING_RATE", "discord_living_rate", True),
    ):
        value = _number(env, name, problems, positive)
        if value is not None:
            chosen[key] = value
    retention = _whole_number(env, "LIVING_RETENTION_DAYS", problems, minimum=1)
    if retention is not None:
        chosen["living_retention_days"] = retention
    managers = env.get("SLACK_SUBSCRIPTION_MANAGERS", "")
    chosen["slack_subscription_managers"] = frozenset(
        part.strip() for part in managers.split(",") if part.strip()
    )
    return chosen


def _number(env: Mapping[str, str], name: str, problems: list[str], positive: bool) -> float | None:
    raw = env.get(name)
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value > 0 or (value == 0 and not positive):
        return value
    problems.append(f"{name}: must be a {'positive ' if positive else ''}number")
    return None
