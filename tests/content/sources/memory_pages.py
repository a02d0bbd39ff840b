"""A ``Fetcher`` serving pages from memory, and the fixture's Chatterbox pages as accepted."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import TracebackType

from bot.content.sources import Fetched
from tests.content.sources.pages import article

HELP = "https://help.chatterbox.example.com/articles/42"
NEWS = "https://chatterbox.example.com/news/terms-update"
REPORT = "https://news.example.org/chatterbox-deadline"
HELP_TITLE = "Controlling how your data is used"
HELP_TEXT = [
    "Click your avatar, then Settings, and open Data & privacy.",
    "Turn off Improve Chatterbox for everyone to keep your chats out of training.",
    "Private chats are deleted after 30 days.",
]
# The help page once Chatterbox reworded its retention (a change, every label still shown).
HELP_CHANGED = [*HELP_TEXT[:2], "Private chats are deleted after 90 days."]
# The help page once the toggle was renamed: "Improve Chatterbox for everyone" is gone.
HELP_RENAMED = [HELP_TEXT[0], "Turn off Model training to keep your chats out.", HELP_TEXT[2]]


@dataclass
class MemoryFetcher:
    """Serves ``pages`` (URL to HTML) with status 200; any other URL is a 404. Counts requests."""

    pages: dict[str, bytes] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    # While True every request times out, as when the network is down.
    unreachable: bool = False

    async def __aenter__(self) -> MemoryFetcher:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        return None

    async def fetch(
        self, url: str, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched:
        self.requests.append(url)
        if self.unreachable:
            return Fetched(url=url, final_url=url, error="timed out")
        body = self.pages.get(url)
        if body is None:
            return Fetched(url=url, final_url=url, status=404)
        return Fetched(
            url=url, final_url=url, status=200, content_type="text/html; charset=utf-8", body=body
        )

    def serve_help(self, paragraphs: list[str]) -> None:
        """Chatterbox's help page now reads ``paragraphs``."""
        self.pages[HELP] = article(HELP_TITLE, paragraphs)


def fixture_pages() -> MemoryFetcher:
    """Every page the fixture's knowledge base cites, as its entries were verified."""
    fetcher = MemoryFetcher()
    fetcher.serve_help(HELP_TEXT)
    fetcher.pages[NEWS] = article("Updates to our terms", ["Chats may train our models."])
    fetcher.pages[REPORT] = article("Chatterbox moves its deadline", ["Now 8 October."])
    fetcher.pages["https://news.example.org/oldsocial-ai"] = article("OldSocial", ["Closed."])
    fetcher.pages["https://quietnote.example.com/trust/ai"] = article("QuietNote", ["No AI."])
    return fetcher
