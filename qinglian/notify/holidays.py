"""节前廉政提醒: the statutory holiday breaks ahead, and the working day each unit is reminded on.

Working days come from the ledger's calendar (chinese-calendar, make-up days included, and the system admin's
HolidayArrangement rows for years the package does not know yet). chinese-calendar names its holidays; an
admin's arrangement lists only dates, so a break of such a year is named by when it falls.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from paperwork.calendar import Holiday, WorkCalendar
from qinglian.ledger.calendar import arrangement_from_text

ONE = dt.timedelta(days=1)


@dataclass(frozen=True)
class Break:
    name: str
    first_day: dt.date
    last_day: dt.date

    def remind_on(self, calendar: WorkCalendar, lead: int) -> dt.date:
        """The `lead`-th working day before the first day off (a make-up Saturday counts as a working day)."""
        return calendar.add_workdays(self.first_day, -max(lead, 1))


def _guess_name(first: dt.date, last: dt.date) -> str:
    """The festival of a break in an admin-entered year (dates only), by the season it falls in."""
    days = {first + ONE * i for i in range((last - first).days + 1)}
    if any(d.month == 10 and d.day <= 7 for d in days):
        return "国庆节、中秋节" if any(d.month == 9 for d in days) else "国庆节"
    if any(d.month == 1 and d.day <= 3 for d in days) and len(days) <= 4:
        return "元旦"
    if any((d.month == 1 and d.day >= 15) or d.month == 2 for d in days):
        return "春节"
    if any(d.month == 4 for d in days):
        return "清明节"
    if any(d.month == 5 and d.day <= 5 for d in days):
        return "劳动节"
    if any(d.month in (5, 6) for d in days):
        return "端午节"
    if any(d.month in (9, 10) for d in days):
        return "中秋节"
    return "法定节假日"


def _arranged_breaks(calendar: WorkCalendar, year: int, holidays_text: str, start: dt.date, end: dt.date
                     ) -> list[Break]:
    try:
        days = sorted(arrangement_from_text(year, holidays_text, "").holidays)
    except ValueError:
        return []
    found: list[Break] = []
    for day in days:
        if found and found[-1].first_day <= day <= found[-1].last_day:
            continue
        first, last = day, day
        while not calendar.is_workday(first - ONE):
            first -= ONE
        while not calendar.is_workday(last + ONE):
            last += ONE
        if start <= first <= end and not (found and first <= found[-1].last_day):
            found.append(Break(_guess_name(first, last), first, last))
    return found


def breaks_ahead(calendar: WorkCalendar, start: dt.date, days: int) -> list[Break]:
    """Holiday breaks whose first day lies in [start, start + days], earliest first."""
    from qinglian.ledger.models import HolidayArrangement

    end = start + dt.timedelta(days=days)
    arranged = {r.year: r.holidays for r in HolidayArrangement.objects.filter(year__in={start.year, end.year})}
    official: list[Holiday] = calendar.upcoming_holidays(start, days)
    found = [Break(h.name, h.first_day, h.last_day) for h in official if h.first_day.year not in arranged]
    for year, text in arranged.items():
        found.extend(_arranged_breaks(calendar, year, text, start, end))
    unique = {b.first_day: b for b in found}
    return [unique[d] for d in sorted(unique)]
