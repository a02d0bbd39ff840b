"""HttpFetcher over real HTTPS through the local proxy: environment, limits, retries."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.sources.fetch import USER_AGENT, HttpFetcher
from tests.content.sources.pages import html_page
from tests.content.sources.proxy import HttpsProxy, Page, Request

URL = "https://help.example.com/articles/1"


async def test_fetches_through_the_proxy_naming_the_bot(proxy: HttpsProxy) -> None:
    proxy.pages[URL] = html_page("Data controls", ["Turn off [Improve]."])
    async with HttpFetcher() as fetcher:
        fetched = await fetcher.fetch(URL)
    assert fetched.status == 200
    assert b"Data controls" in fetched.body
    assert fetched.final_url == URL
    assert proxy.requests_for(URL)[0].headers["user-agent"] == USER_AGENT


async def test_a_server_outside_the_custom_ca_bundle_is_not_trusted(
    proxy: HttpsProxy, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from trustme import CA

    other = CA()
    bundle = str(tmp_path / "other.pem")
    other.cert_pem.write_to_path(bundle)
    monkeypatch.setenv("SSL_CERT_FILE", bundle)
    proxy.pages[URL] = html_page("Data controls", ["Text."])
    async with HttpFetcher(retry_pause=0) as fetcher:
        fetched = await fetcher.fetch(URL)
    assert fetched.unreachable
    assert "certificate" in (fetched.error or "").lower()


async def test_no_proxy_sends_the_request_direct(
    proxy: HttpsProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_PROXY", "help.example.com")
    proxy.pages[URL] = html_page("Data controls", ["Text."])
    async with HttpFetcher(retry_pause=0) as fetcher:
        fetched = await fetcher.fetch(URL)
    # Sent direct, the request meets the test suite's offline guard instead of the proxy.
    assert fetched.unreachable
    assert proxy.requests_for(URL) == []


async def test_redirects_are_followed_and_reported(proxy: HttpsProxy) -> None:
    moved_to = "https://help.example.com/articles/1-renamed"
    proxy.pages[URL] = Page(status=301, headers={"Location": moved_to})
    proxy.pages[moved_to] = html_page("Data controls", ["Text."])
    async with HttpFetcher() as fetcher:
        fetched = await fetcher.fetch(URL)
    assert (fetched.status, fetched.final_url, fetched.redirects) == (200, moved_to, (URL,))


async def test_conditional_request_sends_the_stored_validators(proxy: HttpsProxy) -> None:
    def current(request: Request) -> Page:
        if request.headers.get("if-none-match") == '"v1"':
            return Page(status=304, headers={"ETag": '"v1"'})
        return html_page("Data controls", ["Text."], ETag='"v1"')

    proxy.pages[URL] = current
    async with HttpFetcher() as fetcher:
        first = await fetcher.fetch(URL)
        again = await fetcher.fetch(URL, first.etag, "Wed, 01 Jan 2025 00:00:00 GMT")
    assert (first.status, first.etag) == (200, '"v1"')
    assert again.not_modified
    assert proxy.requests_for(URL)[1].headers["if-modified-since"].startswith("Wed, 01 Jan")


async def test_a_slow_host_times_out_and_is_tried_once_more(proxy: HttpsProxy) -> None:
    proxy.pages[URL] = Page(b"late", delay=2.0)
    async with HttpFetcher(timeout=0.3, retry_pause=0) as fetcher:
        fetched = await fetcher.fetch(URL)
    assert fetched.error == "timed out"
    assert len(proxy.requests_for(URL)) == 2


async def test_a_failing_host_is_unreachable_after_one_retry(proxy: HttpsProxy) -> None:
    proxy.pages[URL] = Page(b"oops", status=503)
    async with HttpFetcher(retry_pause=0) as fetcher:
        fetched = await fetcher.fetch(URL)
    assert fetched.unreachable and fetched.status == 503
    assert len(proxy.requests_for(URL)) == 2


async def test_a_huge_page_is_read_only_up_to_the_cap(proxy: HttpsProxy) -> None:
    proxy.pages[URL] = Page(b"<p>" + b"x" * 300_000 + b"</p>")
    async with HttpFetcher(max_bytes=64_000) as fetcher:
        fetched = await fetcher.fetch(URL)
    assert fetched.truncated
    assert len(fetched.body) == 64_000
