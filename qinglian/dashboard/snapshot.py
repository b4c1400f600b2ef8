"""Make the dashboard's pre-aggregated counts from the records.

    refresh(day)            → counts as they stood at the end of `day` (today: exactly the ledger's 三色 rule)
    backfill(day, months)   → the same for the last day of each of the previous `months` months

State metrics (how things stood at the end of a day) are stored under that day, and one day is kept per month
(the latest), so "over time" is a month-by-month series; flow metrics (things that happened in a month) are
stored under the month's first day. Each metric is counted with one GROUP BY unit query, then summed up the unit
tree in memory, so a refresh costs one pass over the units plus one grouped query per metric, and the page
reads a handful of rows whatever the size of the tree.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from qinglian.dashboard.models import Cell, Refresh
from qinglian.ledger.calendar import warning_bounds, work_calendar
from qinglian.ledger.models import ACTIVE_STATUSES, Measure, fed_back_by_q, measure_finished_by_q, warning_q
from qinglian.org.models import Unit

# metric → (label, kind): "state" as of a day, "flow" per month
MEASURE_LEVEL = "measure.level"
TICKET_STATE = "ticket.state"
PUBLICITY_LEVEL = "publicity.level"
DUE_KIND = "due.kind"
STATE_METRICS = (MEASURE_LEVEL, TICKET_STATE, DUE_KIND)
FLOW_MONTHS = 24  # flow metrics are recounted for this many months back (late entries land in old months)

LEVEL_KEYS = ("red", "yellow", "green", "open", "done")
LEVEL_LABELS = {"red": "红色（逾期）", "yellow": "黄色", "green": "绿色", "open": "未到预警期", "done": "已完成"}

Counts = dict[tuple[int, str], int]  # (unit id, key) → count of the unit's own records


def _grouped(qs: QuerySet[Any], unit_field: str, key: str | Callable[[dict[str, Any]], str]) -> Counts:
    out: Counts = defaultdict(int)
    fields = [unit_field] + ([key] if isinstance(key, str) else [])
    for row in qs.values(*fields).annotate(n=Count("pk")).order_by():
        k = row[key] if isinstance(key, str) else key(row)
        if row[unit_field] is not None:
            out[(row[unit_field], str(k))] += row["n"]
    return out


def measure_levels(day: dt.date, today: dt.date) -> Counts:
    """Open measures by 三色 and finished ones, per unit, as they stood at the end of `day`. For today (and
    later) this is the ledger's own `warning_q`; for a past day the open ones are those not finished by then
    (`measure_finished_by_q`), the rule every report genre uses for "what stood open"."""
    bounds = warning_bounds(day, work_calendar())
    base = Measure.objects.filter(fed_back_by_q(day))
    done = measure_finished_by_q(day)
    active = Q(status__in=ACTIVE_STATUSES) & ~done if day >= today else ~done & ~Q(status="long_term")
    out: Counts = defaultdict(int)
    counted = Q(pk__in=[])
    for level in ("red", "yellow", "green"):
        q = warning_q(level, bounds)
        if day < today:  # warning_q asks for today's status; the past asks what was open then
            q = active & {"red": Q(deadline__lt=bounds["today"]),
                          "yellow": Q(deadline__gte=bounds["today"], deadline__lte=bounds["yellow"]),
                          "green": Q(deadline__gt=bounds["yellow"], deadline__lte=bounds["green"])}[level]
        for (unit, _), n in _grouped(base.filter(q), "unit_id", lambda r, lv=level: lv).items():
            out[(unit, level)] += n
        counted |= q
    for (unit, _), n in _grouped(base.filter(active).exclude(counted), "unit_id", lambda r: "open").items():
        out[(unit, "open")] += n
    for (unit, _), n in _grouped(base.filter(done), "unit_id", lambda r: "done").items():
        out[(unit, "done")] += n
    return out


def ticket_states(day: dt.date) -> Counts:
    from qinglian.publicity.models import OpinionTicket

    return _grouped(OpinionTicket.objects.filter(captured_at__date__lte=day), "issuing_unit_id", "state")


def due_kinds(day: dt.date) -> Counts:
    """What is due (in its reminder window or overdue) per unit and kind, from the reminders' one definition."""
    try:
        from qinglian.notify.due import due_items
    except ImportError:  # reminders not installed: nothing due to show
        return {}
    out: Counts = defaultdict(int)
    for item in due_items(today=day):
        out[(item.unit_id, item.kind)] += 1
    return out


def publicity_months(first: dt.date, last: dt.date) -> dict[dt.date, Counts]:
    from qinglian.publicity.models import Publication

    qs = (Publication.objects.filter(adopted=True, published_on__gte=first, published_on__lte=last)
          .annotate(month=TruncMonth("published_on")).values("unit_id", "month", "outlet__level")
          .annotate(n=Count("pk")).order_by())
    out: dict[dt.date, Counts] = defaultdict(lambda: defaultdict(int))
    for row in qs:
        month = row["month"]
        month = month.date() if isinstance(month, dt.datetime) else month
        out[month][(row["unit_id"], row["outlet__level"])] += row["n"]
    return out


class Tree:
    """The unit tree as parent links, deepest first: what sums a unit's own counts into its subtree's."""

    def __init__(self) -> None:
        rows = list(Unit.objects.values_list("id", "parent_id", "path"))
        self.parent = {pk: parent for pk, parent, _ in rows}
        self.deepest_first = [pk for pk, _, path in sorted(rows, key=lambda r: -len(r[2] or ""))]

    def roll_up(self, own: Counts) -> dict[tuple[int, str], tuple[int, int]]:
        keys = {k for _, k in own}
        result: dict[tuple[int, str], tuple[int, int]] = {}
        for key in keys:
            sub: dict[int, int] = defaultdict(int)
            for (unit, k), n in own.items():
                if k == key and unit in self.parent:
                    sub[unit] += n
            for unit in self.deepest_first:
                n = sub.get(unit)
                if n:
                    parent = self.parent[unit]
                    if parent is not None:
                        sub[parent] += n
            for unit, n in sub.items():
                result[(unit, key)] = (own.get((unit, key), 0), n)
        return result


def _write(tree: Tree, metric: str, day: dt.date, own: Counts) -> int:
    cells = [Cell(unit_id=unit, day=day, metric=metric, key=key, own=o, subtree=s)
             for (unit, key), (o, s) in tree.roll_up(own).items() if s]
    Cell.objects.filter(metric=metric, day=day).delete()
    Cell.objects.bulk_create(cells, batch_size=2000)
    if metric in STATE_METRICS:  # one day a month: the latest
        Cell.objects.filter(metric=metric, day__gte=day.replace(day=1), day__lt=day).delete()
    return len(cells)


def _month_starts(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + dt.timedelta(days=32)).replace(day=1)


def refresh(day: dt.date | None = None, *, today: dt.date | None = None, flows: bool = True) -> Refresh:
    """Count everything for the end of `day` (default today) and store it; returns the Refresh row."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    day = day or today
    tree = Tree()
    cells = 0
    with transaction.atomic():
        cells += _write(tree, MEASURE_LEVEL, day, measure_levels(day, today))
        if day >= today:  # the current state only: past stages and due lists are not kept by the records
            cells += _write(tree, TICKET_STATE, day, ticket_states(day))
            cells += _write(tree, DUE_KIND, day, due_kinds(day))
        if flows:
            first = (day.replace(day=1) - dt.timedelta(days=31 * (FLOW_MONTHS - 1))).replace(day=1)
            months = publicity_months(first, day)
            for month in _month_starts(first, day):
                cells += _write(tree, PUBLICITY_LEVEL, month, months.get(month, {}))
        done = Refresh.objects.create(day=day, finished_at=timezone.now(), cells=cells,
                                      seconds=round(time.perf_counter() - started, 3))
        # one refresh a month is kept (the latest), like the state cells it stands for
        Refresh.objects.filter(day__gte=day.replace(day=1), day__lte=day).exclude(pk=done.pk).delete()
    return done


def month_ends(day: dt.date, months: int) -> list[dt.date]:
    """The last day of each of the `months` months before `day`'s month, oldest first."""
    ends = []
    first = day.replace(day=1)
    for _ in range(months):
        last = first - dt.timedelta(days=1)
        ends.append(last)
        first = last.replace(day=1)
    return ends[::-1]


def backfill(day: dt.date | None = None, months: int = 12, *, today: dt.date | None = None) -> int:
    """The month-end series for the months before `day`, reconstructed from deadlines and 销号 dates, then
    today's full refresh; returns the number of cells written."""
    today = today or timezone.localdate()
    day = day or today
    cells = 0
    for end in month_ends(day, months):
        cells += refresh(end, today=today, flows=False).cells
    return cells + refresh(day, today=today).cells
