"""Test-wide guards: the suite runs offline, and platform SDKs never see the developer's tokens."""

from __future__ import annotations

import ipaddress
import os
import sys
import tempfile
from typing import Any

import pytest

# Stores on SQLite and PostgreSQL (tests/support/stores.py), for every suite that needs one.
pytest_plugins = ["tests.support.stores"]

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def _is_loopback(host: Any) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    host = str(host)
    if host in _LOOPBACK_NAMES or host == "":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _offline_guard(event: str, args: tuple[Any, ...]) -> None:
    """Fail any connection or name lookup that would leave this machine."""
    if event == "socket.connect":
        address = args[1]
        if isinstance(address, tuple) and not _is_loopback(address[0]):
            raise OSError(f"tests run offline: connection to {address!r} blocked")
    elif event == "socket.getaddrinfo" and not _is_loopback(args[0]):
        raise OSError(f"tests run offline: lookup of {args[0]!r} blocked")


sys.addaudithook(_offline_guard)

# Processes started by tests cache the parsed knowledge base here, never in the user's cache.
os.environ["OPTOUT_CACHE_DIR"] = tempfile.mkdtemp(prefix="optout-test-cache-")

_PLATFORM_VARIABLES = (
    "DISCORD_TOKEN",
    "DISCORD_API_BASE",
    "DISCORD_GATEWAY_URL",
    "DISCORD_SHARD_COUNT",
    "DISCORD_SHARD_IDS",
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_API_URL",
    "SLACK_COMMANDS",
    "SLACK_PORT",
    "SLACK_HOST",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "SLACK_VERIFICATION_TOKEN",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "http_proxy",
    "https_proxy",
    "DATABASE_URL",
    "OPTOUT_CONTENT_DIR",
    "OPTOUT_TIMEZONE",
    "OPTOUT_HEALTH_PORT",
    "OPTOUT_HEALTH_HOST",
    "OPTOUT_SHUTDOWN_SECONDS",
    "OPTOUT_HTTP_REQUEST_SECONDS",
    "OPTOUT_HTTP_IDLE_SECONDS",
    "OPTOUT_HTTP_MAX_CONNECTIONS",
    "SLACK_MAX_BODY_BYTES",
    "LOG_FORMAT",
)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _PLATFORM_VARIABLES:
        monkeypatch.delenv(name, raising=False)
