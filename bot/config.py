"""Settings, declared once: each field names its variable, kind (with its range), default and help.

Parsing the environment (once, in ``Settings.from_environ``), ``check-config``'s report, the
redaction of secrets, ``.env.example`` and the settings table of docs/operations.md all follow
from these declarations (bot/cli/settings_report.py derives the texts). A new setting is one
``setting(...)`` field.

Hand-written rather than pydantic-settings: every problem must name the variable, the value (a
secret's hidden) and the allowed range in one sentence an operator can act on, the whole list at
once, and tests build ``Settings(...)`` directly without the process environment leaking in.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from bot.content.reader import DEFAULT_MAX_FILE_BYTES
from bot.core.catalogue import COMMANDS
from bot.core.redaction import redact
from bot.ops.setting_kinds import (
    Choice,
    DatabaseUrl,
    Host,
    Kind,
    Number,
    OrOff,
    PathKind,
    Ranges,
    SettingProblemsError,
    SettingValueError,
    Text,
    TimeZone,
    Url,
    Whole,
    WholeList,
    Words,
)
from bot.platforms.slack.manifest import SLASH_COMMAND, slash_commands

PLATFORMS = ("console", "discord", "slack")
LOG_FORMATS = ("text", "json")
# The knowledge base bundled with the package (baked into the container image as well).
DEFAULT_CONTENT = Path(__file__).resolve().parent.parent / "content"
# Discord's largest bots run a few thousand shards; far beyond that is a typo.
MAX_SHARDS = 100_000
_SNOWFLAKE_MAX = 2**64 - 1
_HIDDEN_VALUE = "<hidden>"
# The URL schemes bot/store/engine.py opens (a test checks the two agree).
DATABASE_SCHEMES = ("sqlite", "sqlite+aiosqlite", "postgres", "postgresql", "postgresql+asyncpg")

KNOWLEDGE = "Knowledge base and logging"
OPERATIONS = "Operations (docs/operations.md)"
LIVING = "Living answers: database, reminders, edits (docs/living-answers.md)"
SLACK = "Slack (docs/slack.md)"
DISCORD = "Discord (docs/discord.md)"


class ConfigError(ValueError):
    """One or more settings are invalid; ``problems`` lists every one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Setting:
    """One environment variable: its kind and range, default (as written), help and secrecy."""

    name: str
    kind: Kind[Any]
    default: str
    help: str
    section: str
    secret: bool = False
    # What an empty value means, in check-config and the docs ("Discord decides").
    unset: str = ""
    # The value when the variable is empty, if it depends on another variable (XDG_CACHE_HOME).
    fallback: Callable[[Mapping[str, str]], Any] | None = None

    def parse(self, raw: str) -> Any:
        """The value of ``raw``; raises ``SettingValueError`` when it is outside the range."""
        return self.kind.parse(raw)

    def problems(self, raw: str, error: SettingValueError) -> list[str]:
        """Sentences naming this variable, the value given (a secret's hidden) and the range."""
        if isinstance(error, SettingProblemsError):
            return [f"{self.name}: {problem}" for problem in error.problems]
        return [f"{self.name}: must be {error}, not {self.quoted(raw)}"]

    def quoted(self, raw: str) -> str:
        """``raw`` as an error message may show it: quoted, short, redacted when secret."""
        if self.secret:
            return repr(redact(raw)) if "://" in raw else _HIDDEN_VALUE
        shown = redact(raw)
        return repr(shown if len(shown) <= 60 else shown[:57] + "...")

    def show(self, value: Any) -> str:
        """The effective value as ``check-config`` prints it."""
        if self.secret and isinstance(self.kind, Text):
            return "<set, hidden>" if value else "<not set>"
        empty = value is None or (isinstance(value, tuple | Mapping) and not value)
        if empty and self.unset:
            return self.unset
        return redact(self.kind.show(value))


def setting(
    name: str,
    kind: Kind[Any],
    default: str,
    help: str,
    section: str,
    *,
    secret: bool = False,
    unset: str = "",
    value: Any = None,
    fallback: Callable[[Mapping[str, str]], Any] | None = None,
) -> Any:
    """A Settings field read from ``name``; its default is ``default`` parsed, else ``value``."""
    declared = Setting(name, kind, default, help, section, secret, unset, fallback)
    chosen = kind.parse(default) if default else value
    metadata = {"setting": declared}
    if type(chosen).__hash__ is None:
        frozen = MappingProxyType(dict(chosen))
        return field(default_factory=lambda: frozen, repr=not secret, metadata=metadata)
    return field(default=chosen, repr=not secret, metadata=metadata)


class SlackCommands(Kind[Mapping[str, str]]):
    """Renamed slash commands, e.g. ``optout=/ai-optout,help=/ai-help``."""

    allowed = "command=/name pairs, comma-separated"

    def parse(self, raw: str) -> Mapping[str, str]:
        chosen: dict[str, str] = {}
        problems: list[str] = []
        for entry in filter(None, (part.strip() for part in raw.split(","))):
            name, _, slash = (piece.strip() for piece in entry.partition("="))
            if name not in COMMANDS:
                problems.append(f"{name!r} is not a command ({', '.join(COMMANDS)})")
            elif not SLASH_COMMAND.fullmatch(slash):
                problems.append(
                    f"{slash!r} for {name} must look like /name "
                    "(lowercase letters, digits, - or _, at most 32 characters)"
                )
            else:
                chosen[name] = slash
        names = list(slash_commands(chosen).values())
        for slash in sorted({slash for slash in names if names.count(slash) > 1}):
            problems.append(f"{slash} is used for more than one command")
        if problems:
            raise SettingProblemsError(problems)
        return MappingProxyType(chosen)

    def show(self, value: Mapping[str, str]) -> str:
        return ",".join(f"{name}={slash}" for name, slash in value.items())


def _xdg_cache(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "optout-bot"


_SECONDS = Number(0.1, 600)
_HTTP = Url(("http", "https"))
_RATE = Number(0.01, 50, "posts and edits per second")


@dataclass(frozen=True)
class Settings:
    """Every setting the bot reads, with its variable, range, default and help."""

    content_dir: Path = setting(
        "OPTOUT_CONTENT_DIR", PathKind(), "", "Directory of the knowledge base.", KNOWLEDGE,
        unset="the content/ bundled with the bot (baked into the image)", value=DEFAULT_CONTENT,
    )  # fmt: skip
    cache_dir: Path | None = setting(
        "OPTOUT_CACHE_DIR", OrOff(PathKind()), "", "Where the parsed knowledge base is cached "
        "between runs; off disables.", KNOWLEDGE, unset="$XDG_CACHE_HOME/optout-bot "
        "(~/.cache/optout-bot)", fallback=_xdg_cache,
    )  # fmt: skip
    content_max_bytes: int = setting(
        "OPTOUT_CONTENT_MAX_BYTES", Whole(1024, 64 * 1024 * 1024, "a number of bytes"),
        str(DEFAULT_MAX_FILE_BYTES), "Largest content file read; a larger one is refused "
        "unread, so a stray or hostile file cannot exhaust memory.", KNOWLEDGE,
    )  # fmt: skip
    reload_seconds: float = setting(
        "OPTOUT_RELOAD_SECONDS", Number(0.05, 3600, zero_disables=True), "2",
        "Seconds between checks for edited content files (hot reload); 0 disables.", KNOWLEDGE,
    )  # fmt: skip
    timezone: str | None = setting(
        "OPTOUT_TIMEZONE", TimeZone(), "", "IANA time zone the console shows times in.",
        KNOWLEDGE, unset="this machine's",
    )  # fmt: skip
    log_level: str = setting(
        "LOG_LEVEL", Choice(("DEBUG", "INFO", "WARNING", "ERROR")), "INFO",
        "How much the bot logs.", KNOWLEDGE,
    )  # fmt: skip
    log_format: str = setting(
        "LOG_FORMAT", Choice(LOG_FORMATS), "text", "text (readable) or json (one object per "
        "line); `run --log-format` overrides it.", KNOWLEDGE,
    )  # fmt: skip
    # Operations (docs/operations.md): the health and metrics endpoint is off unless a port is set.
    health_port: int | None = setting(
        "OPTOUT_HEALTH_PORT", OrOff(Whole(0, 65535, "a port number")), "off",
        "Port of /healthz, /readyz and /metrics (docker compose sets 8080).", OPERATIONS,
    )  # fmt: skip
    health_host: str = setting(
        "OPTOUT_HEALTH_HOST", Host(), "0.0.0.0", "Address the endpoint listens on.", OPERATIONS,
    )  # fmt: skip
    http_request_seconds: float = setting(
        "OPTOUT_HTTP_REQUEST_SECONDS", Number(1, 300), "10", "Every HTTP listener (Slack HTTP "
        "mode, the endpoint): seconds a request's headers and body may take to arrive.",
        OPERATIONS,
    )  # fmt: skip
    http_idle_seconds: float = setting(
        "OPTOUT_HTTP_IDLE_SECONDS", Number(1, 3600), "30", "Seconds a keep-alive connection "
        "may sit idle between requests.", OPERATIONS,
    )  # fmt: skip
    http_max_connections: int = setting(
        "OPTOUT_HTTP_MAX_CONNECTIONS", Whole(16, 65536, "a number of connections"), "512",
        "Open connections per listener; past it the oldest one not being answered is closed.",
        OPERATIONS,
    )  # fmt: skip
    shutdown_seconds: float = setting(
        "OPTOUT_SHUTDOWN_SECONDS", Number(0.1, 3600), "8", "On SIGTERM, seconds allowed for "
        "finishing commands in flight and flushing queues.", OPERATIONS,
    )  # fmt: skip
    # Living answers (docs/living-answers.md); None when DATABASE_URL=off.
    database_url: str | None = setting(
        "DATABASE_URL", OrOff(DatabaseUrl(DATABASE_SCHEMES)), "sqlite:///data/optout.db",
        "sqlite:///path (one machine, nothing to install), postgresql://user:pass@host/db "
        "(several replicas; docker compose sets this), or off to run without living answers.",
        LIVING, secret=True,
    )  # fmt: skip
    reminder_offsets: tuple[int, ...] = setting(
        "REMINDER_OFFSETS", WholeList(0, 365, "days before a deadline", suffix="d"), "14,3,1,0",
        "Days before each deadline to post a reminder in subscribed channels.", LIVING,
    )  # fmt: skip
    reminder_hour: int = setting(
        "REMINDER_HOUR", Whole(0, 23, "an hour"), "9", "Hour of the day, in the deadline's own "
        "time zone, at which reminders are posted.", LIVING,
    )  # fmt: skip
    reminder_grace_hours: float = setting(
        "REMINDER_GRACE_HOURS", Number(0, 720, "hours"), "48", "How late a reminder missed "
        "while the bot was down may still be posted (marked late).", LIVING,
    )  # fmt: skip
    living_tick_seconds: float = setting(
        "LIVING_TICK_SECONDS", Number(0.1, 86400), "30", "Seconds between rounds of "
        "scheduling reminders and draining the edit queue.", LIVING,
    )  # fmt: skip
    living_retention_days: int = setting(
        "LIVING_RETENTION_DAYS", Whole(1, 36500, "a number of days"), "365", "Days after which "
        "finished reminders and unchanged tracked answers are forgotten.", LIVING,
    )  # fmt: skip
    source_check_hours: float | None = setting(
        "OPTOUT_SOURCE_CHECK_HOURS", OrOff(Number(1, 720, "hours")), "off", "Hours between "
        "checks of the pages the knowledge base cites (one replica at a time, through the "
        "database); answers then say when a cited page changed. Off by default: it makes "
        "outbound requests (HTTPS_PROXY, NO_PROXY and SSL_CERT_FILE apply).", LIVING,
    )  # fmt: skip
    slack_living_rate: float = setting(
        "SLACK_LIVING_RATE", _RATE, "0.8", "Background posts and edits per second on Slack "
        "(chat.update is rate-limited per workspace).", LIVING,
    )  # fmt: skip
    discord_living_rate: float = setting(
        "DISCORD_LIVING_RATE", _RATE, "2", "Background posts and edits per second on Discord.",
        LIVING,
    )  # fmt: skip
    slack_subscription_managers: frozenset[str] = setting(
        "SLACK_SUBSCRIPTION_MANAGERS", Words(), "", "Slack user ids who may change a channel's "
        "reminders besides workspace admins.", LIVING, value=frozenset(),
    )  # fmt: skip
    slack_bot_token: str | None = setting(
        "SLACK_BOT_TOKEN", Text(), "", "Bot token (xoxb-…).", SLACK, secret=True,
    )  # fmt: skip
    slack_app_token: str | None = setting(
        "SLACK_APP_TOKEN", Text(), "", "App-level token (xapp-…) for Socket Mode; leave empty "
        "to serve HTTP.", SLACK, secret=True,
    )  # fmt: skip
    slack_signing_secret: str | None = setting(
        "SLACK_SIGNING_SECRET", Text(), "", "Signing secret, required in HTTP mode.", SLACK,
        secret=True,
    )  # fmt: skip
    slack_commands: Mapping[str, str] = setting(
        "SLACK_COMMANDS", SlackCommands(), "", "Renamed slash commands, e.g. "
        "optout=/ai-optout,help=/ai-help.", SLACK, unset="the defaults", value={},
    )  # fmt: skip
    slack_host: str = setting(
        "SLACK_HOST", Host(), "0.0.0.0", "HTTP mode: address to listen on.", SLACK,
    )  # fmt: skip
    slack_port: int = setting(
        "SLACK_PORT", Whole(0, 65535, "a TCP port number"), "3000",
        "HTTP mode: port to listen on.", SLACK,
    )  # fmt: skip
    slack_max_body_bytes: int = setting(
        "SLACK_MAX_BODY_BYTES", Whole(16 * 1024, 8 * 1024 * 1024, "a number of bytes"),
        str(256 * 1024), "HTTP mode: largest request body; a button click carries the whole "
        "message it sits on.", SLACK,
    )  # fmt: skip
    slack_api_url: str | None = setting(
        "SLACK_API_URL", _HTTP, "", "Web API base URL (tests point it at a local fake).", SLACK,
        unset="Slack's own",
    )  # fmt: skip
    # Seconds a call to a platform's API may take (Slack: every Web API call; Discord: every
    # post, pin and edit).
    slack_api_timeout: float = setting(
        "SLACK_API_TIMEOUT", _SECONDS, "30", "Seconds any Web API call may take before it "
        "counts as failed (a share then says so).", SLACK,
    )  # fmt: skip
    discord_token: str | None = setting(
        "DISCORD_TOKEN", Text(), "", "Bot token.", DISCORD, secret=True,
    )  # fmt: skip
    discord_application_id: int | None = setting(
        "DISCORD_APPLICATION_ID", Whole(1, _SNOWFLAKE_MAX, "an application id"), "",
        "Application id, for the invite URL.", DISCORD, unset="read from the token",
    )  # fmt: skip
    discord_shard_count: int | None = setting(
        "DISCORD_SHARD_COUNT", Whole(1, MAX_SHARDS, "a number of shards"), "", "Total number "
        "of shards over every Discord process.", DISCORD, unset="Discord decides (one process)",
    )  # fmt: skip
    discord_shard_ids: tuple[int, ...] | None = setting(
        "DISCORD_SHARD_IDS", Ranges(MAX_SHARDS - 1), "", "Shards this process runs, e.g. 0-3 "
        "or 0,2,4-5 (needs DISCORD_SHARD_COUNT).", DISCORD, unset="all",
    )  # fmt: skip
    discord_sync_state: Path = setting(
        "DISCORD_SYNC_STATE", PathKind(), "data/discord-commands.json", "File remembering "
        "which commands were registered, so they are synced only when they change.", DISCORD,
    )  # fmt: skip
    discord_api_base: str | None = setting(
        "DISCORD_API_BASE", _HTTP, "", "REST endpoint (tests point it at a local fake).",
        DISCORD, unset="Discord's own",
    )  # fmt: skip
    discord_gateway_url: str | None = setting(
        "DISCORD_GATEWAY_URL", Url(("ws", "wss")), "", "Gateway endpoint (tests point it at "
        "a local fake).", DISCORD, unset="Discord's own",
    )  # fmt: skip
    discord_api_timeout: float = setting(
        "DISCORD_API_TIMEOUT", _SECONDS, "30", "Seconds a post, pin or edit (buttons, "
        "reminders, updated answers), or registering the commands after a content reload, may "
        "take, discord.py's own retries included; a reminder cut short is tried again later, "
        "never posted twice.", DISCORD,
    )  # fmt: skip
    # Set by `run --http`, not by the environment.
    slack_http: bool = False

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from environment variables; raises ``ConfigError`` listing every problem."""
        env = os.environ if environ is None else environ
        chosen: dict[str, Any] = {}
        problems: list[str] = []
        for name, declared in declared_settings().items():
            raw = (env.get(declared.name) or "").strip()
            if not raw:
                if declared.fallback is not None:
                    chosen[name] = declared.fallback(env)
                continue
            try:
                chosen[name] = declared.parse(raw)
            except SettingValueError as error:
                problems.extend(declared.problems(raw, error))
        problems.extend(_shard_problems(chosen))
        if problems:
            raise ConfigError(problems)
        return cls(**chosen)

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
        """Every secret value set (tokens, database passwords), for log scrubbing."""
        values: list[str | None] = []
        for name, declared in declared_settings().items():
            value = getattr(self, name)
            if declared.secret and isinstance(value, str):
                values.extend(_url_passwords(value) if "://" in value else [value])
        return [value for value in values if value]


def declared_settings() -> dict[str, Setting]:
    """Every Settings field read from the environment, by field name, in declaration order."""
    return {item.name: item.metadata["setting"] for item in fields(Settings) if item.metadata}


def _shard_problems(chosen: Mapping[str, Any]) -> list[str]:
    """DISCORD_SHARD_IDS only makes sense within DISCORD_SHARD_COUNT."""
    ids, count = chosen.get("discord_shard_ids"), chosen.get("discord_shard_count")
    if ids is None:
        return []
    if count is None:
        return ["DISCORD_SHARD_IDS: needs DISCORD_SHARD_COUNT (the total over all processes)"]
    if max(ids) >= count:
        return [f"DISCORD_SHARD_IDS: shards are numbered 0 to {count - 1}, not up to {max(ids)}"]
    return []


def _url_passwords(url: str) -> list[str]:
    """The password of ``user:pass@`` and of secret-named query parameters in ``url``."""
    try:
        parts = urlsplit(url)
        found = [parts.password or ""]
    except ValueError:
        return []
    # A parameter is secret when the one redaction would hide it (password=, sslpassword=, …).
    found += [value for key, value in parse_qsl(parts.query) if redact(f"?{key}=x") != f"?{key}=x"]
    return found


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
