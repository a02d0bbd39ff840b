"""Fetching cited pages politely: bounded per host and overall, conditional, capped, retried once.

httpx is created with ``trust_env``, so HTTPS_PROXY, HTTP_PROXY, NO_PROXY and SSL_CERT_FILE (a
custom certificate authority bundle) work as they do for other command-line tools.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol
from urllib.parse import urlsplit

import httpx

USER_AGENT = "optout-bot-sources/0.1 (+https://github.com/optout-bot/optout-bot)"
MAX_BODY_BYTES = 5 * 1024 * 1024
PER_HOST_LIMIT = 2
OVERALL_LIMIT = 8
TIMEOUT_SECONDS = 20.0
RETRY_PAUSE_SECONDS = 2.0
MAX_REDIRECTS = 10


@dataclass(frozen=True, slots=True)
class Fetched:
    """What one request for a page came back with; ``error`` is set when nothing usable did."""

    url: str
    final_url: str
    status: int | None = None
    redirects: tuple[str, ...] = ()
    content_type: str = ""
    body: bytes = b""
    truncated: bool = False
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None

    @property
    def not_modified(self) -> bool:
        """The server confirmed the stored version is current (a conditional request's 304)."""
        return self.status == 304

    @property
    def unreachable(self) -> bool:
        """No answer about the page: network failure, timeout or a server error."""
        return self.error is not None or (self.status is not None and self.status >= 500)


class Fetcher(Protocol):
    """Anything that can fetch a URL, optionally conditionally."""

    async def fetch(
        self, url: str, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched: ...


class HttpFetcher:
    """Fetches over HTTPS with httpx; use as ``async with HttpFetcher() as fetcher``."""

    def __init__(
        self,
        *,
        timeout: float = TIMEOUT_SECONDS,
        max_bytes: int = MAX_BODY_BYTES,
        per_host: int = PER_HOST_LIMIT,
        overall: int = OVERALL_LIMIT,
        retry_pause: float = RETRY_PAUSE_SECONDS,
        user_agent: str = USER_AGENT,
    ) -> None:
        self._max_bytes = max_bytes
        self._retry_pause = retry_pause
        self._overall = asyncio.Semaphore(overall)
        self._hosts: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(per_host)
        )
        self._client = httpx.AsyncClient(
            trust_env=True,
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": user_agent, "Accept": "text/html,application/pdf,*/*;q=0.5"},
        )

    async def __aenter__(self) -> HttpFetcher:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self._client.aclose()

    async def fetch(
        self, url: str, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched:
        """The page at ``url``; an unreachable page is tried once more after a pause."""
        result = await self._fetch_once(url, etag, last_modified)
        if result.unreachable:
            await asyncio.sleep(self._retry_pause)
            result = await self._fetch_once(url, etag, last_modified)
        return result

    async def _fetch_once(self, url: str, etag: str | None, last_modified: str | None) -> Fetched:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        host = urlsplit(url).hostname or ""
        async with self._overall, self._hosts[host]:
            try:
                async with self._client.stream("GET", url, headers=headers) as response:
                    body, truncated = await self._read_capped(response)
                    return Fetched(
                        url=url,
                        final_url=str(response.url),
                        status=response.status_code,
                        redirects=tuple(str(earlier.url) for earlier in response.history),
                        content_type=response.headers.get("Content-Type", ""),
                        body=body,
                        truncated=truncated,
                        etag=response.headers.get("ETag"),
                        last_modified=response.headers.get("Last-Modified"),
                    )
            except httpx.TimeoutException:
                return Fetched(url=url, final_url=url, error="timed out")
            except httpx.HTTPError as error:
                return Fetched(url=url, final_url=url, error=_describe(error))

    async def _read_capped(self, response: httpx.Response) -> tuple[bytes, bool]:
        # A huge page is reported, never held in memory whole.
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size > self._max_bytes:
                return b"".join(chunks)[: self._max_bytes], True
        return b"".join(chunks), False


def _describe(error: httpx.HTTPError) -> str:
    name = type(error).__name__
    detail = str(error).strip()
    return f"{name}: {detail}" if detail else name
