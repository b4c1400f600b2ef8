"""What the dashboard shows, read from the pre-aggregated cells: a fixed handful of queries for any subtree.

`board(unit, date_from, date_to)` → a Board of sections; each section has a chart (a plain spec the page's
script turns into an ECharts option), the table behind it (what a screen reader and the printer get) and the
links to the records.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from qinglian.dashboard.models import Cell, Refresh
from qinglian.dashboard.snapshot import (
    DUE_KIND,
    LEVEL_KEYS,
    LEVEL_LABELS,
    MEASURE_LEVEL,
    PUBLICITY_LEVEL,
    TICKET_STATE,
)
from qinglian.org.models import Unit

RANKED = 15  # the subordinate units a ranking shows
DUE_LABELS = {"measure": "整改措施", "duty": "责任清单事项", "letter": "责任书签订", "order": "督办回复",
              "alert": "提醒函反馈", "review": "稿件审签", "followup": "回头看", "holiday": "节前提醒"}
LEVEL_COLOURS = {"red": "#c0392b", "yellow": "#d4a017", "green": "#2e8b57", "open": "#8aa0b8", "done": "#5b6b7b"}


@dataclass
class Link:
    text: str
    url: str = ""


@dataclass
class Section:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Any]]  # cells: str | int | Link
    chart: dict[str, Any]
    note: str = ""
    more: Link | None = None

    @property
    def empty(self) -> bool:
        return not self.rows


@dataclass
class Board:
    unit: Unit
    date_from: dt.date
    date_to: dt.date
    as_of: dt.date | None
    refreshed_at: dt.datetime | None
    sections: list[Section] = field(default_factory=list)

    def charts(self) -> dict[str, Any]:
        return {s.key: s.chart for s in self.sections if not s.empty}


def _url(name: str, **params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse(name) + (f"?{query}" if query else "")


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    out, month = [], first.replace(day=1)
    while month <= last:
        out.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return out


def board(unit: Unit, date_from: dt.date, date_to: dt.date) -> Board:
    refreshes = list(Refresh.objects.filter(day__lte=date_to).order_by("-day", "-finished_at")
                     .values_list("day", "finished_at")[:400])
    as_of = refreshes[0][0] if refreshes else None
    result = Board(unit, date_from, date_to, as_of, refreshes[0][1] if refreshes else None)
    if as_of is None:
        return result
    # the state series: the latest refreshed day of each month in the period (and the period's end)
    by_month: dict[tuple[int, int], dt.date] = {}
    for day, _ in refreshes:
        if day >= date_from.replace(day=1):
            by_month.setdefault((day.year, day.month), day)
    series_days = sorted(by_month.values())
    months = _months(date_from, date_to)
    cells = defaultdict(int)
    for metric, day, key, n in (Cell.objects.filter(unit=unit, day__in=set(series_days) | set(months) | {as_of},
                                                    metric__in=[MEASURE_LEVEL, TICKET_STATE, DUE_KIND,
                                                                PUBLICITY_LEVEL])
                                .values_list("metric", "day", "key", "subtree")):
        cells[(metric, day, key)] = n
    children = list(Unit.objects.filter(parent=unit).order_by("path").values_list("pk", "name"))
    child_cells = defaultdict(int)
    if children:
        for unit_id, metric, key, n in (Cell.objects.filter(unit__in=[pk for pk, _ in children], day=as_of,
                                                            metric__in=[MEASURE_LEVEL, DUE_KIND])
                                        .values_list("unit_id", "metric", "key", "subtree")):
            child_cells[(unit_id, metric, key)] = n
    result.sections = [
        _levels(unit, series_days, as_of, cells),
        _overdue_ranking(children, child_cells),
        _activities(unit, months, date_from, date_to),
        _publicity(unit, months, cells, date_from, date_to),
        _tickets(cells, as_of),
        _due(children, child_cells, cells, as_of),
    ]
    return result


def _levels(unit: Unit, days: list[dt.date], as_of: dt.date, cells: dict[Any, int]) -> Section:
    ledger = reverse("ledger:ledger")
    rows: list[list[Any]] = []
    for day in days:
        rows.append([f"{day:%Y年%-m月}" + ("（截至今日）" if day == as_of else "")]
                    + [cells[(MEASURE_LEVEL, day, k)] for k in LEVEL_KEYS])
    if rows and days[-1] == as_of:  # the current counts link to the ledger's own rows
        rows[-1] = [rows[-1][0]] + [
            Link(str(cells[(MEASURE_LEVEL, as_of, k)]), f"{ledger}?{urlencode({'unit': unit.pk, 'level': k})}")
            if k in ("red", "yellow", "green") else cells[(MEASURE_LEVEL, as_of, k)] for k in LEVEL_KEYS]
    if not any((isinstance(v, int) and v) or (isinstance(v, Link) and v.text != "0") for r in rows for v in r[1:]):
        rows = []
    chart = {"type": "bar", "stack": True, "categories": [f"{d:%Y-%m}" for d in days],
             "series": [{"name": LEVEL_LABELS[k], "color": LEVEL_COLOURS[k],
                         "data": [cells[(MEASURE_LEVEL, d, k)] for d in days]} for k in LEVEL_KEYS]}
    return Section("levels", "整改措施三色预警（按月）", ["月份", *(LEVEL_LABELS[k] for k in LEVEL_KEYS)], rows, chart,
                   "每月取月末（本月取最近一次统计）的状态；点击本月数字查看台账中的对应措施。")


def _overdue_ranking(children: list[tuple[int, str]], cells: dict[Any, int]) -> Section:
    ledger = reverse("ledger:ledger")
    ranked = sorted(((cells[(pk, MEASURE_LEVEL, "red")], name, pk) for pk, name in children), key=lambda r: -r[0])
    ranked = [r for r in ranked if r[0]][:RANKED]
    rows = [[Link(name, _url("dashboard:page", unit=pk)),
             Link(str(n), f"{ledger}?{urlencode({'unit': pk, 'level': 'red'})}")] for n, name, pk in ranked]
    chart = {"type": "bar", "horizontal": True, "categories": [name for _, name, _ in ranked][::-1],
             "series": [{"name": "逾期措施", "color": LEVEL_COLOURS["red"], "data": [n for n, _, _ in ranked][::-1]}]}
    return Section("overdue", "逾期整改措施（按下级单位）", ["单位", "逾期措施"], rows, chart,
                   "含各单位的下级单位；点击单位名称查看该单位的看板，点击数字查看逾期措施。")


def _activities(unit: Unit, months: list[dt.date], date_from: dt.date, date_to: dt.date) -> Section:
    from qinglian.records.models import ActivityKind, ActivityRollup, Grain

    names = dict(ActivityKind.objects.values_list("pk", "name"))
    counts: dict[tuple[int, dt.date], int] = defaultdict(int)
    for kind_id, start, n in (ActivityRollup.objects.filter(unit=unit, grain=Grain.MONTH, start__gte=months[0],
                                                            start__lte=months[-1])
                              .values_list("kind_id", "start", "records")):
        counts[(kind_id, start)] += n
    kinds = sorted({k for k, _ in counts}, key=lambda k: names.get(k, ""))
    rows = [[names.get(k, "?")] + [counts[(k, m)] for m in months] + [sum(counts[(k, m)] for m in months)]
            for k in kinds]
    chart = {"type": "bar", "stack": True, "categories": [f"{m:%Y-%m}" for m in months],
             "series": [{"name": names.get(k, "?"), "data": [counts[(k, m)] for m in months]} for k in kinds]}
    link = _url("stats:page", unit=unit.pk, date_from=f"{date_from:%Y-%m-%d}", date_to=f"{date_to:%Y-%m-%d}")
    return Section("activities", "工作记录（按月、类型）", ["类型", *(f"{m:%-m月}" for m in months), "合计"], rows, chart,
                   "记录条数，按活动日期计。", Link("查看统计与记录明细", link))


def _publicity(unit: Unit, months: list[dt.date], cells: dict[Any, int], date_from: dt.date,
               date_to: dt.date) -> Section:
    from qinglian.publicity.models import Level

    rows = []
    for level, label in Level.choices:
        n = sum(cells[(PUBLICITY_LEVEL, m, level)] for m in months)
        if n:
            rows.append([label, Link(str(n), _url("publicity:publications", level=level, adopted="1",
                                                  date_from=f"{date_from:%Y-%m-%d}", date_to=f"{date_to:%Y-%m-%d}"))])
    chart = {"type": "bar", "categories": [r[0] for r in rows],
             "series": [{"name": "采用稿件", "data": [int(r[1].text) for r in rows]}]}
    return Section("publicity", "宣传稿件（按媒体级别）", ["媒体级别", "采用稿件"], rows, chart,
                   "已采用稿件按刊发月份计，时段按整月计。")


def _tickets(cells: dict[Any, int], as_of: dt.date) -> Section:
    from qinglian.publicity.models import TicketState

    rows = [[label, Link(str(cells[(TICKET_STATE, as_of, state)]), _url("publicity:tickets", state=state))]
            for state, label in TicketState.choices if cells[(TICKET_STATE, as_of, state)]]
    chart = {"type": "pie", "categories": [r[0] for r in rows],
             "series": [{"name": "舆情工单", "data": [int(r[1].text) for r in rows]}]}
    return Section("tickets", "舆情工单（按办理阶段）", ["阶段", "工单数"], rows, chart, "发函单位为本单位及下级单位的工单，截至最近一次统计。")


def _due(children: list[tuple[int, str]], child_cells: dict[Any, int], cells: dict[Any, int],
         as_of: dt.date) -> Section:
    kinds = [k for k in DUE_LABELS if cells[(DUE_KIND, as_of, k)]]
    rows = [[Link(name, _url("dashboard:page", unit=pk))] + [child_cells[(pk, DUE_KIND, k)] for k in kinds]
            for pk, name in children if any(child_cells[(pk, DUE_KIND, k)] for k in kinds)][:RANKED * 2]
    if kinds:
        rows.append(["合计（含本单位）"] + [cells[(DUE_KIND, as_of, k)] for k in kinds])
    chart = {"type": "bar", "stack": True, "categories": [r[0].text if isinstance(r[0], Link) else r[0]
                                                          for r in rows[:-1]],
             "series": [{"name": DUE_LABELS[k], "data": [r[1 + i] for r in rows[:-1]]} for i, k in enumerate(kinds)]}
    return Section("due", "到期与逾期事项（按下级单位）", ["单位", *(DUE_LABELS[k] for k in kinds)], rows, chart,
                   "在提醒期内或已逾期的事项，按规则统计；不统计登录、点击或在线时长。")
