"""Late entry (补录) by unit and month of entry: records entered long after the day they claim, and the months
where a unit entered mostly such records (a year-end rush to fill the 纪实 before the assessment).

An activity record is 补录 (`Activity.late`) when it was entered more than QINGLIAN_LATE_ENTRY_DAYS after it
happened (qinglian.records.models.is_late); the flag is stored, so this is one grouped query.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from qinglian.org.models import Unit
from qinglian.org.scoping import subtree_q
from qinglian.records.models import Activity

RUSH_MIN = 10  # late records a unit entered in one month …
RUSH_SHARE = 0.5  # … that are at least this share of all it entered that month: a rush
CHART_UNITS = 6


@dataclass
class LateCell:
    unit: Unit
    month: int  # 1–12, of the entry
    entered: int
    late: int
    oldest: dt.date | None  # the earliest day a late record of the month claims

    @property
    def share(self) -> float:
        return self.late / self.entered if self.entered else 0.0

    @property
    def rush(self) -> bool:
        return self.late >= RUSH_MIN and self.share >= RUSH_SHARE

    @property
    def key(self) -> str:
        return f"late:{self.unit.pk}:{self.month:02d}"


def late_cells(user: Any, root: Unit, year: int) -> list[LateCell]:
    """Per unit of the subtree and month of entry in `year`: records entered and how many of them late."""
    rows = (Activity.objects.visible_to(user).filter(subtree_q(root), entered_at__year=year)
            .annotate(month=TruncMonth("entered_at")).values("unit", "month")
            .annotate(entered=Count("id"), late=Count("id", filter=Q(late=True)))
            .order_by("unit", "month"))
    wanted = [r for r in rows if r["late"]]
    units = Unit.objects.in_bulk({r["unit"] for r in wanted})
    oldest: dict[tuple[int, int], dt.date] = {}
    if wanted:
        for r in (Activity.objects.visible_to(user).filter(subtree_q(root), entered_at__year=year, late=True)
                  .annotate(month=TruncMonth("entered_at")).values("unit", "month")
                  .annotate(first=Min("happened_on"))):
            oldest[(r["unit"], _month(r["month"]))] = r["first"]
    return [LateCell(units[r["unit"]], _month(r["month"]), r["entered"], r["late"],
                     oldest.get((r["unit"], _month(r["month"])))) for r in wanted]


def _month(value: Any) -> int:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return int(value.month)


def rushes(cells: list[LateCell]) -> list[LateCell]:
    return sorted((c for c in cells if c.rush), key=lambda c: (-c.late, c.unit.path, c.month))


def chart(cells: list[LateCell]) -> dict[str, Any]:
    """A stacked bar spec for dashboard.js: late records by month of entry, the units with most of them."""
    totals: dict[int, int] = defaultdict(int)
    for c in cells:
        totals[c.unit.pk] += c.late
    top = sorted(totals, key=lambda pk: -totals[pk])[:CHART_UNITS]
    names = {c.unit.pk: c.unit.name for c in cells}
    series = []
    for pk in top:
        data = [0] * 12
        for c in cells:
            if c.unit.pk == pk:
                data[c.month - 1] += c.late
        series.append({"name": names[pk], "data": data})
    rest = [0] * 12
    for c in cells:
        if c.unit.pk not in top:
            rest[c.month - 1] += c.late
    if any(rest):
        series.append({"name": "其他单位", "data": rest, "color": "#999999"})
    return {"type": "bar", "stack": True, "categories": [f"{m}月" for m in range(1, 13)], "series": series}
