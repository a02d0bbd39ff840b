import socket

import pytest


def test_connections_beyond_loopback_fail() -> None:
    with pytest.raises(OSError, match="offline"):
        socket.create_connection(("192.0.2.1", 443), timeout=1)


def test_lookups_of_public_names_fail() -> None:
    with pytest.raises(OSError, match="offline"):
        socket.getaddrinfo("discord.com", 443)


def test_loopback_stays_reachable() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=1):
            pass
