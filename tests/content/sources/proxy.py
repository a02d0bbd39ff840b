"""A local HTTPS proxy for tests: it accepts CONNECT for any host, terminates TLS with a
certificate from a throwaway authority, and answers from a dict of pages keyed by URL.

Clients reach it only through HTTPS_PROXY and trust it only through SSL_CERT_FILE, so the
code under test fetches the real URLs of the content, unchanged, without leaving the machine.
"""

from __future__ import annotations

import asyncio
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import trustme


@dataclass(frozen=True)
class Request:
    """One request as the proxy received it; header names are lower-case."""

    method: str
    url: str
    headers: dict[str, str]


@dataclass(frozen=True)
class Page:
    """A canned response."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html"})
    delay: float = 0.0


Responder = Page | Callable[[Request], Page]
NOT_FOUND = Page(b"not here", 404, {"Content-Type": "text/plain"})
_REASONS = {200: "OK", 301: "Moved Permanently", 304: "Not Modified", 404: "Not Found"}


class HttpsProxy:
    """Runs on its own thread and event loop, so code under test may call ``asyncio.run``."""

    def __init__(self, ca: trustme.CA) -> None:
        self.pages: dict[str, Responder] = {}
        self.requests: list[Request] = []
        self._ca = ca
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self.port = 0

    def start(self) -> None:
        """Listen on a free loopback port."""
        self._thread.start()
        server = asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result(5)
        self._server = server
        self.port = server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        """Stop listening, end the connections still open (a slow page's), end the thread."""
        asyncio.run_coroutine_threadsafe(self._shut_down(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    async def _shut_down(self) -> None:
        self._server.close()
        pending = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        await self._server.wait_closed()

    def requests_for(self, url: str) -> list[Request]:
        """The requests made for one URL, oldest first."""
        return [request for request in self.requests if request.url == url]

    async def _listen(self) -> asyncio.Server:
        return await asyncio.start_server(self._tunnel, "127.0.0.1", 0)

    async def _tunnel(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            method, target, _ = (await reader.readline()).decode().split(" ", 2)
            await _headers(reader)
            if method != "CONNECT":
                writer.write(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
                return
            host = target.rsplit(":", 1)[0]
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            await writer.drain()
            await writer.start_tls(self._context(host))
            await self._serve(host, reader, writer)
            writer.close()
            await writer.wait_closed()
        except (ConnectionError, ssl.SSLError, ValueError, asyncio.IncompleteReadError):
            pass
        finally:
            # A client that gave up (a timeout, a capped read) never answers a TLS shutdown:
            # whatever did not close cleanly above is dropped, not left to outlive the test.
            writer.transport.abort()

    async def _serve(
        self, host: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        line = (await reader.readline()).decode()
        if not line.strip():
            return
        method, path, _ = line.split(" ", 2)
        request = Request(method, f"https://{host}{path}", await _headers(reader))
        self.requests.append(request)
        responder = self.pages.get(request.url, NOT_FOUND)
        page = responder(request) if callable(responder) else responder
        if page.delay:
            await asyncio.sleep(page.delay)
        head = [f"HTTP/1.1 {page.status} {_REASONS.get(page.status, 'Status')}"]
        head += [f"{name}: {value}" for name, value in page.headers.items()]
        head += [f"Content-Length: {len(page.body)}", "Connection: close", "", ""]
        writer.write("\r\n".join(head).encode() + page.body)
        await writer.drain()

    def _context(self, host: str) -> ssl.SSLContext:
        if host not in self._contexts:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self._ca.issue_cert(host).configure_cert(context)
            self._contexts[host] = context
        return self._contexts[host]


async def _headers(reader: asyncio.StreamReader) -> dict[str, str]:
    headers: dict[str, str] = {}
    while (line := (await reader.readline()).decode()).strip():
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return headers
