"""Text and URL normalisation: what a page says, without the noise that changes every visit."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that say how a reader arrived, not which page they read.
TRACKING_PARAMETERS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "_ga", "_gl", "ref_src", "igshid"}
)
TRACKING_PREFIXES = ("utm_",)

_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATE = (
    r"(?:\d{4}-\d{1,2}-\d{1,2}"
    r"|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}"
    rf"|(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\.?,?\s+\d{{4}})"
    rf"|(?:(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"
    rf"|(?:(?:{_MONTHS})\.?\s+\d{{4}})"
    r"|(?:\d+|an?|one|a few)\s+(?:second|minute|hour|day|week|month|year)s?\s+ago"
    r"|(?:today|yesterday|this\s+(?:week|month|year)|last\s+(?:week|month|year)|recently))"
)
# "Updated 3 days ago", "Last updated: 12 March 2026", "updated this week": a help centre
# rewrites these on every visit or redeploy without the article changing.
_UPDATED_DATE = re.compile(
    rf"\b((?:last\s+)?(?:updated|modified|reviewed|edited)(?:\s+(?:on|at))?\s*:?\s*){_DATE}",
    re.IGNORECASE,
)
_UPDATED_PLACEHOLDER = r"\1<date>"
_SPACE = re.compile(r"\s+")
# Typographic variants of the same character: a page switching to curly quotes is not news.
_LOOKALIKES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def normalise_text(text: str) -> str:
    """The page's text as comparable lines: one space between words, no empty lines, no dates
    of last update."""
    lines = []
    for raw in unicodedata.normalize("NFKC", text).translate(_LOOKALIKES).splitlines():
        line = _SPACE.sub(" ", raw).strip()
        line = _UPDATED_DATE.sub(_UPDATED_PLACEHOLDER, line)
        if line:
            lines.append(line)
    return "\n".join(lines)


def fingerprint(data: str | bytes) -> str:
    """A sha256 of normalised text (or of raw bytes when no text could be extracted)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def label_key(text: str) -> str:
    """A label or a page's text as compared by the label check: case and spacing ignored."""
    folded = unicodedata.normalize("NFKC", text).translate(_LOOKALIKES).casefold()
    return _SPACE.sub(" ", folded).strip()


def clean_url(url: str) -> str:
    """The URL without tracking parameters or a fragment, for comparing where a page lives."""
    parts = urlsplit(url)
    kept = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if name.lower() not in TRACKING_PARAMETERS
        and not name.lower().startswith(TRACKING_PREFIXES)
    ]
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", urlencode(kept), "")
    )
