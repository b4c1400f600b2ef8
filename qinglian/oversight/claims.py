"""Claims against records: each figure an uploaded report claims, beside what the records of the same unit
subtree and period count (the statistics engine), the difference, and a link to the records behind it.

A figure read from the report ("召开党组会议12次") is matched to a statistic exactly as the report check page
does (qinglian.reports.checking.match_kind: the longest kind name or alias in the words before the number,
with the same counting unit); "余"/"多" after the number ("60余人次") claims at least that many.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse

from paperwork.read.outline import chinese_value
from qinglian.org.models import Unit
from qinglian.org.scoping import subtree_q
from qinglian.oversight.models import UploadedReport
from qinglian.reports.checking import match_kind, record_figures
from qinglian.stats.engine import PeriodError
from qinglian.stats.registry import Figure

GAP_MIN = 2  # a figure is a finding when it claims at least this many more (or fewer) …
GAP_SHARE = 0.2  # … and the difference is at least this share of what the records count


def value(number: str) -> int | None:
    if number.isdigit():
        return int(number)
    try:
        return chinese_value(number) or None
    except (KeyError, ValueError):
        return None


@dataclass
class ClaimRow:
    text: str  # the figure as written
    paragraph: int
    claimed: int
    approximate: bool
    kind: str
    name: str
    counting_unit: str
    counted: int
    url: str

    @property
    def difference(self) -> int:
        """Claimed minus counted; 0 for "N余" when the records reach N."""
        if self.approximate and self.counted >= self.claimed:
            return 0
        return self.claimed - self.counted

    @property
    def flagged(self) -> bool:
        d = abs(self.difference)
        return d >= GAP_MIN and d >= GAP_SHARE * max(self.counted, 1)


@dataclass
class ClaimReport:
    upload: UploadedReport
    rows: list[ClaimRow] = field(default_factory=list)
    error: str = ""

    @property
    def gap(self) -> int:
        """The size of the gap: the differences of the flagged figures, added up."""
        return sum(abs(r.difference) for r in self.rows if r.flagged)

    @property
    def flagged(self) -> list[ClaimRow]:
        return [r for r in self.rows if r.flagged]

    @property
    def key(self) -> str:
        return f"claims:upload:{self.upload.pk}"


def records_url(unit: Unit, date_from: dt.date, date_to: dt.date, kind: str) -> str:
    return reverse("stats:records") + "?" + urlencode({"unit": unit.pk, "date_from": date_from.isoformat(),
                                                       "date_to": date_to.isoformat(), "kind": kind})


def claim_rows(upload: UploadedReport, figures: list[Figure] | None = None) -> list[ClaimRow]:
    """The figures of the report that name a statistic, with the count of the records."""
    if upload.date_from is None or upload.date_to is None:
        raise PeriodError("报告未写明年度或时段，无法与记录比对。")
    if figures is None:
        figures = record_figures(unit=upload.unit, date_from=upload.date_from, date_to=upload.date_to,
                                 person=upload.person)
    rows = []
    for f in upload.figures:
        if f.get("placeholder"):
            continue
        n = value(str(f["number"]))
        if n is None:
            continue
        found = match_kind(f["text"], f["number"], f["counting_unit"], figures)
        if found is None:
            continue
        tail = f["text"][f["text"].rfind(f["number"]):]
        url = "" if found.kind.startswith("person.") else records_url(upload.unit, upload.date_from, upload.date_to,
                                                                      found.kind)
        rows.append(ClaimRow(text=f["text"], paragraph=f["paragraph"], claimed=n,
                             approximate=any(w in tail for w in ("余", "多")), kind=found.kind, name=found.name,
                             counting_unit=found.counting_unit, counted=found.count, url=url))
    return rows


def claim_report(upload: UploadedReport) -> ClaimReport:
    try:
        return ClaimReport(upload, claim_rows(upload))
    except PeriodError as exc:
        return ClaimReport(upload, error=str(exc))


def uploads_in(user: Any, root: Unit, year: int | None = None) -> QuerySet[UploadedReport]:
    qs = UploadedReport.objects.visible_to(user).filter(subtree_q(root)).select_related("unit", "person")
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-created_at", "-id")


def latest_only(uploads: QuerySet[UploadedReport]) -> list[UploadedReport]:
    """One upload per report (unit, genre, year, person): the latest version."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for u in uploads:
        key = (u.unit_id, u.genre, u.year, u.person_id)
        if key not in seen:
            seen.add(key)
            out.append(u)
    return out


def claim_reports(user: Any, root: Unit, year: int | None = None) -> list[ClaimReport]:
    """Every supervised unit's latest uploads, the widest gap first."""
    reports = [claim_report(u) for u in latest_only(uploads_in(user, root, year))]
    reports.sort(key=lambda r: (-r.gap, r.upload.unit.path, -r.upload.pk))
    return reports
