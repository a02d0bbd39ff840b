"""What a check found, one plain record per cited source, and how it reads in a terminal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from typing import Any, Literal

from bot.content.sources.labels import MissingLabel

Status = Literal["unchanged", "changed", "moved", "gone", "unreachable", "not-accepted"]
TermsArchiveStatus = Literal["unchanged", "changed", "unreachable", "not-accepted"]

# Statuses that mean an answer may now be wrong; "unreachable" may be a passing outage.
NEEDS_A_LOOK: frozenset[Status] = frozenset({"changed", "moved", "gone"})


@dataclass(frozen=True, slots=True)
class SourceReport:
    """The state of one cited source compared with the state a person accepted."""

    service_id: str
    source_id: str
    url: str
    status: Status
    final_url: str
    checked_at: datetime
    parts: tuple[str, ...] = ()
    labels_missing: tuple[MissingLabel, ...] = ()
    excerpt: tuple[str, ...] = ()
    redirects: tuple[str, ...] = ()
    note: str | None = None
    terms_archive: TermsArchiveStatus | None = None

    @property
    def needs_a_look(self) -> bool:
        """Whether a person should re-check the facts citing this source."""
        return (
            self.status in NEEDS_A_LOOK
            or bool(self.labels_missing)
            or self.terms_archive == "changed"
        )

    def as_json(self) -> dict[str, Any]:
        """One record of ``sources check --json``."""
        return {
            "service": self.service_id,
            "source": self.source_id,
            "url": self.url,
            "status": self.status,
            "final_url": self.final_url,
            "checked_at": self.checked_at.isoformat(),
            "parts": list(self.parts),
            "labels_missing": [
                {"label": missing.label, "part": missing.part} for missing in self.labels_missing
            ],
            "excerpt": list(self.excerpt),
            "redirects": list(self.redirects),
            "note": self.note,
            "terms_archive": self.terms_archive,
            "needs_a_look": self.needs_a_look,
        }


def render_text(reports: list[SourceReport]) -> str:
    """The human report: one block per service, the sources needing a look in full."""
    blocks: list[str] = []
    for service_id, group in groupby(reports, key=lambda report: report.service_id):
        blocks.append("\n".join(_service_block(service_id, list(group))))
    blocks.append(summary(reports))
    return "\n\n".join(blocks)


def summary(reports: list[SourceReport]) -> str:
    """One line of counts, by status, plus how many sources lost a label."""
    counts: dict[str, int] = {}
    for report in reports:
        counts[report.status] = counts.get(report.status, 0) + 1
    lost = sum(1 for report in reports if report.labels_missing)
    parts = [f"{count} {status}" for status, count in sorted(counts.items())]
    if lost:
        parts.append(f"{lost} with missing labels")
    need = sum(1 for report in reports if report.needs_a_look)
    return f"{len(reports)} source(s): {', '.join(parts) or 'none'}; {need} need a look"


def _service_block(service_id: str, reports: list[SourceReport]) -> list[str]:
    quiet = [
        report for report in reports if report.status == "unchanged" and not report.needs_a_look
    ]
    lines = [f"{service_id}: {len(quiet)} of {len(reports)} source(s) unchanged"]
    for report in reports:
        if report in quiet:
            continue
        lines.append(f"  {report.source_id}: {report.status.upper()}  {report.url}")
        if report.parts:
            lines.append(f"    cited by: {', '.join(report.parts)}")
        if report.status == "moved" or report.redirects:
            lines.append(f"    now at: {report.final_url}")
        for missing in report.labels_missing:
            lines.append(f"    LABEL MISSING: [{missing.label}] in {missing.part}")
        if report.terms_archive == "changed":
            lines.append("    Open Terms Archive has a newer version of this document")
        if report.note:
            lines.append(f"    {report.note}")
        lines.extend(f"    {line}" for line in report.excerpt)
    if any(report.status == "not-accepted" for report in reports):
        lines.append(f"  record a baseline: optout-bot sources accept --service {service_id}")
    return lines
