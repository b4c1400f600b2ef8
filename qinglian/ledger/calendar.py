"""Thin adapter between paperwork.calendar and the database: admin-entered holiday arrangements take
precedence over chinese-calendar; years nobody knows fall back to Monday–Friday (marked provisional)."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from typing import Any

from django.conf import settings

from paperwork.calendar import Countdown, WorkCalendar, YearArrangement

PROVISIONAL_NOTE = "（暂按周一至周五计）"
_RANGE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})\s*(?:~|～|至|—|--)\s*(\d{4}-\d{1,2}-\d{1,2})$")
_cache: dict[str, Any] = {"key": None, "calendar": None, "checked": 0.0}
_lock = threading.Lock()
# Arrangements change about once a year: each process asks the database whether they changed at most this
# often (a save in this process takes effect at once; in the other workers within these seconds).
RECHECK_SECONDS = 30.0


def _dates(text: str, what: str) -> set[dt.date]:
    days: set[dt.date] = set()
    for raw in re.split(r"[\n,，;；、]+", text or ""):
        line = raw.strip()
        if not line:
            continue
        try:
            if m := _RANGE.match(line):
                first, last = dt.date.fromisoformat(_pad(m[1])), dt.date.fromisoformat(_pad(m[2]))
                if last < first:
                    raise ValueError
                while first <= last:
                    days.add(first)
                    first += dt.timedelta(days=1)
            else:
                days.add(dt.date.fromisoformat(_pad(line)))
        except ValueError as exc:
            raise ValueError(f"{what}中的“{line}”无法识别，请写成 2027-01-01 或 2027-02-06~2027-02-12。") from exc
    return days


def _pad(text: str) -> str:
    y, m, d = text.split("-")
    return f"{y}-{int(m):02d}-{int(d):02d}"


def arrangement_from_text(year: int, holidays: str, workdays: str) -> YearArrangement:
    return YearArrangement(year=year, holidays=frozenset(_dates(holidays, "放假日期")),
                           workdays=frozenset(_dates(workdays, "调休上班日期")))


def forget() -> None:
    """Drop this process's calendar: the next page reads the arrangements again."""
    with _lock:
        _cache.update(key=None, calendar=None, checked=0.0)


def work_calendar() -> WorkCalendar:
    """The calendar with every admin-entered arrangement; rebuilt only when an arrangement changes."""
    from django.db.models import Count, Max

    from qinglian.ledger.models import HolidayArrangement

    now = time.monotonic()
    with _lock:
        if _cache["calendar"] is not None and now - _cache["checked"] < RECHECK_SECONDS:
            return _cache["calendar"]  # type: ignore[no-any-return]
    stamp = HolidayArrangement.objects.aggregate(n=Count("id"), t=Max("updated_at"))
    key = (stamp["n"], stamp["t"])
    with _lock:
        if _cache["key"] == key and _cache["calendar"] is not None:
            _cache["checked"] = now
            return _cache["calendar"]  # type: ignore[no-any-return]
    overrides = {}
    for row in HolidayArrangement.objects.all():
        try:
            overrides[row.year] = arrangement_from_text(row.year, row.holidays, row.workdays)
        except ValueError:
            continue  # the admin form refuses bad text; a row broken by hand must not break every page
    calendar = WorkCalendar(overrides)
    with _lock:
        _cache.update(key=key, calendar=calendar, checked=now)
    return calendar


def stamp() -> str:
    """Names the admin-entered arrangements in force (they are not audited records): part of the key of any
    memoised answer that counts working days."""
    work_calendar()
    return str(_cache["key"])


def thresholds() -> tuple[int, int]:
    return settings.QINGLIAN_WARNING_GREEN_WORKDAYS, settings.QINGLIAN_WARNING_YELLOW_WORKDAYS


def warning_bounds(today: dt.date, calendar: WorkCalendar | None = None) -> dict[str, dt.date]:
    """Last deadlines of each level as of `today`: yellow up to `yellow` working days ahead, green up to
    `green`; red is anything before today. Used by Measure.warning and warning_q alike."""
    calendar = calendar or work_calendar()
    green, yellow = thresholds()
    one = dt.timedelta(days=1)
    # the day before the (n+1)-th working day: a Saturday deadline after the n-th counts like the Friday
    return {"today": today, "yellow": calendar.add_workdays(today, yellow + 1) - one,
            "green": calendar.add_workdays(today, green + 1) - one}


def countdown(deadline: dt.date, today: dt.date, calendar: WorkCalendar | None = None) -> Countdown:
    calendar = calendar or work_calendar()
    green, yellow = thresholds()
    return calendar.countdown(deadline, today, green, yellow)
