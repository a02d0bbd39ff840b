"""Documents for the test proxy to serve: help-centre articles and a one-page PDF."""

from __future__ import annotations

from html import escape

from tests.content.sources.proxy import Page

FILLER = (
    "This article explains how the service uses what you write, how long it keeps it, and which "
    "settings change that. Read each section before you change anything."
)


def article(title: str, paragraphs: list[str], updated: str = "Updated 3 days ago") -> bytes:
    """A help-centre page: navigation, the article itself, a footer."""
    body = "\n".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title></head>
<body>
<nav><a href="/">Help centre</a> <a href="/products">Products</a> <a href="/login">Log in</a></nav>
<main><article>
<h1>{escape(title)}</h1>
<p>{escape(updated)}. {escape(FILLER)}</p>
{body}
<p>{escape(FILLER)}</p>
</article></main>
<footer>Cookie preferences. Terms. Privacy. All rights reserved.</footer>
</body></html>""".encode()


def html_page(
    title: str, paragraphs: list[str], updated: str = "Updated 3 days ago", **headers: str
) -> Page:
    """An article served as HTML, with extra response headers (``ETag``, ``Last_Modified``)."""
    fields = {"Content-Type": "text/html; charset=utf-8"}
    fields.update({name.replace("_", "-"): value for name, value in headers.items()})
    return Page(article(title, paragraphs, updated), headers=fields)


def pdf_document(text: str) -> bytes:
    """A valid one-page PDF showing ``text`` in Helvetica."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    document = b"%PDF-1.4\n"
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(document))
        document += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    table = len(document)
    document += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    document += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    document += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    document += b"startxref\n%d\n%%%%EOF\n" % table
    return document
