"""check_sources against pages served over HTTPS: one case per thing a page can do."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.sources import (
    FileBaselineStore,
    HttpFetcher,
    MemoryBaselineStore,
    SourceReport,
    TermsArchiveReader,
    accept_sources,
    check_sources,
)
from bot.content.sources.labels import MissingLabel
from tests.content.sources.pages import html_page, pdf_document
from tests.content.sources.proxy import HttpsProxy, Page, Request
from tests.support import FIXTURE_TODAY, fixture_knowledge

HELP = "https://help.chatterbox.example.com/articles/42"
NEWS = "https://chatterbox.example.com/news/terms-update"
REPORT = "https://news.example.org/chatterbox-deadline"
ARCHIVE = "https://raw.githubusercontent.com/OpenTermsArchive"
ARCHIVED = f"{ARCHIVE}/contrib-versions/main/Chatterbox/Terms%20of%20Service.md"

HELP_TEXT = [
    "Click your avatar, then Settings, and open Data & privacy.",
    "Turn off Improve Chatterbox for everyone to keep your chats out of training.",
    "Private chats are deleted after 30 days.",
]


@pytest.fixture
def served(proxy: HttpsProxy) -> HttpsProxy:
    """Chatterbox's three sources and its Open Terms Archive record, as accepted."""
    proxy.pages[HELP] = html_page("Controlling how your data is used", HELP_TEXT)
    proxy.pages[NEWS] = html_page("Updates to our terms", ["Chats may train our models."])
    proxy.pages[REPORT] = html_page("Chatterbox moves its deadline", ["Now 8 October."])
    proxy.pages[ARCHIVED] = Page(b"# Terms\n\nVersion one.", headers={"Content-Type": "text/plain"})
    return proxy


async def accepted_then_checked(
    proxy: HttpsProxy, change: dict[str, object]
) -> dict[str, SourceReport]:
    """Accept the served pages, apply ``change`` to what is served, check, by source id."""
    store = MemoryBaselineStore()
    async with HttpFetcher(timeout=1, retry_pause=0) as fetcher:
        archive = TermsArchiveReader(fetcher, ARCHIVE)
        await accept_sources(
            fixture_knowledge(), store, fetcher, FIXTURE_TODAY, "chatterbox", terms_archive=archive
        )
        proxy.pages.update(change)  # type: ignore[arg-type]
        reports = await check_sources(
            fixture_knowledge(), store, fetcher, "chatterbox", terms_archive=archive
        )
    return {report.source_id: report for report in reports}


async def test_sources_without_a_baseline_are_reported_as_not_accepted(served: HttpsProxy) -> None:
    async with HttpFetcher() as fetcher:
        reports = await check_sources(
            fixture_knowledge(), MemoryBaselineStore(), fetcher, "chatterbox"
        )
    assert {report.status for report in reports} == {"not-accepted"}
    assert not any(report.needs_a_look for report in reports)


async def test_pages_as_accepted_read_unchanged(served: HttpsProxy) -> None:
    reports = await accepted_then_checked(served, {})
    assert {report.status for report in reports.values()} == {"unchanged"}
    assert reports["announcement"].terms_archive == "unchanged"
    assert not any(report.needs_a_look for report in reports.values())


async def test_changed_prose_is_shown_as_removed_and_added_lines(served: HttpsProxy) -> None:
    changed = [*HELP_TEXT[:2], "Private chats are deleted after 90 days."]
    reports = await accepted_then_checked(
        served, {HELP: html_page("Controlling how your data is used", changed)}
    )
    help_centre = reports["help-centre"]
    assert help_centre.status == "changed"
    assert "- Private chats are deleted after 30 days." in help_centre.excerpt
    assert "+ Private chats are deleted after 90 days." in help_centre.excerpt
    assert help_centre.labels_missing == ()
    assert reports["announcement"].status == "unchanged"


async def test_a_removed_label_is_reported_against_each_step_quoting_it(served: HttpsProxy) -> None:
    renamed = [HELP_TEXT[0].replace("Data & privacy", "Data controls"), *HELP_TEXT[1:]]
    reports = await accepted_then_checked(
        served, {HELP: html_page("Controlling how your data is used", renamed)}
    )
    missing = reports["help-centre"].labels_missing
    assert set(missing) == {
        MissingLabel("Data & privacy", "opt_out"),
        MissingLabel("Data & privacy", "steps (web) step 2"),
        MissingLabel("Data & privacy", "steps (ios) step 2"),
    }
    assert reports["help-centre"].needs_a_look


async def test_a_permanent_redirect_reads_as_moved(served: HttpsProxy) -> None:
    new_home = "https://help.chatterbox.example.com/articles/42-data"
    change = {HELP: Page(status=301, headers={"Location": new_home}), new_home: served.pages[HELP]}
    reports = await accepted_then_checked(served, change)
    assert (reports["help-centre"].status, reports["help-centre"].final_url) == ("moved", new_home)


async def test_a_redirect_that_only_adds_tracking_parameters_is_not_a_move(
    served: HttpsProxy,
) -> None:
    tracked = f"{HELP}?utm_source=newsletter&utm_medium=email"
    reports = await accepted_then_checked(
        served, {HELP: Page(status=302, headers={"Location": tracked}), tracked: served.pages[HELP]}
    )
    assert reports["help-centre"].status == "unchanged"


async def test_a_missing_page_reads_as_gone(served: HttpsProxy) -> None:
    reports = await accepted_then_checked(served, {REPORT: Page(b"gone", status=410)})
    assert reports["daily-news"].status == "gone"


async def test_not_modified_keeps_the_accepted_text(served: HttpsProxy) -> None:
    page = html_page("Controlling how your data is used", HELP_TEXT, ETag='"abc"')

    def conditional(request: Request) -> Page:
        if request.headers.get("if-none-match") == '"abc"':
            return Page(status=304, headers={"ETag": '"abc"'})
        return page

    served.pages[HELP] = conditional
    reports = await accepted_then_checked(served, {})
    assert reports["help-centre"].status == "unchanged"
    assert reports["help-centre"].labels_missing == ()
    assert served.requests_for(HELP)[-1].headers["if-none-match"] == '"abc"'


@pytest.mark.parametrize(
    "page", [Page(b"late", delay=3), Page(b"down", status=502)], ids=["slow", "5xx"]
)
async def test_an_unreachable_page_is_never_called_changed(served: HttpsProxy, page: Page) -> None:
    before = len(served.requests_for(NEWS))
    reports = await accepted_then_checked(served, {NEWS: page})
    assert reports["announcement"].status == "unreachable"
    assert not reports["announcement"].needs_a_look
    assert len(served.requests_for(NEWS)) - before == 3  # accept once, check twice (one retry)


async def test_a_page_that_only_changes_its_update_date_reads_unchanged(served: HttpsProxy) -> None:
    later = html_page(
        "Controlling how your data is used", HELP_TEXT, updated="Last updated: 14 March 2027"
    )
    served.pages[HELP] = html_page(
        "Controlling how your data is used", HELP_TEXT, updated="Last updated: 2 January 2027"
    )
    reports = await accepted_then_checked(served, {HELP: later})
    assert reports["help-centre"].status == "unchanged"


async def test_a_pdf_is_compared_by_its_text(served: HttpsProxy) -> None:
    served.pages[NEWS] = Page(
        pdf_document("Chats may train our models."), headers={"Content-Type": "application/pdf"}
    )
    changed = Page(
        pdf_document("Chats will train our models."), headers={"Content-Type": "application/pdf"}
    )
    reports = await accepted_then_checked(served, {NEWS: changed})
    assert reports["announcement"].status == "changed"
    assert reports["announcement"].excerpt == (
        "- Chats may train our models.",
        "+ Chats will train our models.",
    )


async def test_a_huge_page_is_reported_and_compared_by_its_start(served: HttpsProxy) -> None:
    huge = Page(b"<html><body><p>" + b"word " * 1_200_000 + b"</p></body></html>")
    reports = await accepted_then_checked(served, {REPORT: huge})
    assert reports["daily-news"].status == "changed"
    assert "only its start was read" in (reports["daily-news"].note or "")


async def test_a_new_version_in_open_terms_archive_needs_a_look(served: HttpsProxy) -> None:
    newer = Page(b"# Terms\n\nVersion two.", headers={"Content-Type": "text/plain"})
    reports = await accepted_then_checked(served, {ARCHIVED: newer})
    assert reports["announcement"].status == "unchanged"
    assert reports["announcement"].terms_archive == "changed"
    assert reports["announcement"].needs_a_look


async def test_the_baseline_file_round_trips_what_a_check_needs(
    served: HttpsProxy, tmp_path: Path
) -> None:
    store = FileBaselineStore(tmp_path)
    async with HttpFetcher() as fetcher:
        await accept_sources(fixture_knowledge(), store, fetcher, FIXTURE_TODAY, "chatterbox")
        written = store.path("chatterbox").read_text()
        reports = await check_sources(fixture_knowledge(), store, fetcher, "chatterbox")
    assert {report.status for report in reports} == {"unchanged"}
    assert (
        '"Turn off Improve Chatterbox for everyone to keep your chats out of training.",' in written
    )
    await_again = FileBaselineStore(tmp_path)
    assert await_again.load("chatterbox") == store.load("chatterbox")
