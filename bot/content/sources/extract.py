"""A fetched document to its readable text.

HTML goes through trafilatura, which keeps a page's main content and drops navigation, cookie
banners and footers: those change on their own schedule and would otherwise make every help
centre redesign look like a policy change. ``favor_precision`` keeps that trimming strict; the
label check then looks only at what the article itself says. PDFs go through pypdf (pure Python,
no system libraries). Anything else is compared by a fingerprint of its bytes.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import Literal

DocumentKind = Literal["html", "pdf", "text", "other"]

# trafilatura and pypdf log their parsing doubts at WARNING; a check prints its own verdict.
for _noisy in ("trafilatura", "pypdf", "htmldate", "courlan"):
    logging.getLogger(_noisy).setLevel(logging.ERROR)


@dataclass(frozen=True, slots=True)
class Extracted:
    """The readable text of a document, or ``None`` when none could be taken from it."""

    kind: DocumentKind
    text: str | None


def document_kind(content_type: str, body: bytes) -> DocumentKind:
    """What a response holds, by its declared type and, failing that, its first bytes."""
    declared = content_type.split(";")[0].strip().lower()
    if declared == "application/pdf" or body.startswith(b"%PDF-"):
        return "pdf"
    if declared in ("text/html", "application/xhtml+xml") or body.lstrip()[:15].lower().startswith(
        (b"<!doctype html", b"<html")
    ):
        return "html"
    if declared.startswith("text/"):
        return "text"
    return "other"


def extract(content_type: str, body: bytes) -> Extracted:
    """The readable text of a response body."""
    kind = document_kind(content_type, body)
    if kind == "html":
        return Extracted(kind, _html_text(body))
    if kind == "pdf":
        return Extracted(kind, _pdf_text(body))
    if kind == "text":
        return Extracted(kind, body.decode(_charset(content_type), errors="replace"))
    return Extracted(kind, None)


def _html_text(body: bytes) -> str | None:
    import trafilatura

    text = trafilatura.extract(
        body, favor_precision=True, include_tables=True, include_comments=False, deduplicate=False
    )
    return text or None


def _pdf_text(body: bytes) -> str | None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(body))
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PyPdfError, ValueError, KeyError, OSError):
        return None
    return text if text.strip() else None


def _charset(content_type: str) -> str:
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            candidate = value.strip().strip('"')
            try:
                "".encode(candidate)
            except LookupError:
                break
            return candidate
    return "utf-8"
