"""Working days, statutory holidays, deadlines and reporting periods.

China moves working days around holidays (调休: a Sunday can be a working day), so deadlines counted in
working days need the official arrangement. ``chinese_calendar`` ships it for 2004–2026 and raises
``NotImplementedError`` for other years. For those years an admin-entered ``YearArrangement`` is used when
given; otherwise the calendar falls back to Monday–Friday and says the answer is provisional, so the UI can
show "按周一至周五估算" instead of pretending to know.
"""

from __future__ import annotations

import calendar as _stdcal
import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import chinese_calendar
from chinese_calendar.constants import holidays as _OFFICIAL_HOLIDAYS
from chinese_calendar.constants import workdays as _OFFICIAL_WORKDAYS

__all__ = [
    "FREQUENCIES",
    "Countdown",
    "Holiday",
    "ParsedDate",
    "Period",
    "WorkCalendar",
    "YearArrangement",
    "parse_date",
    "period_containing",
    "periods_between",
]

# chinese_calendar names holidays in English; the UI and reports use these official short names.
_HOLIDAY_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


@dataclass(frozen=True)
class YearArrangement:
    """An admin-entered arrangement for one year (from the State Council notice).

    ``holidays`` are days off (beyond weekends), ``workdays`` are make-up working days (调休上班).
    ``names`` optionally names holiday days ("春节") so holiday reminders work for that year too.
    """

    year: int
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    names: Mapping[dt.date, str] = field(default_factory=dict, hash=False, compare=False)

    def __post_init__(self) -> None:
        stray = sorted(d for d in self.holidays | self.workdays if d.year != self.year)
        if stray:
            raise ValueError(f"{self.year}年的节假日安排中混入了其他年份的日期：{stray[0].isoformat()}")
        both = sorted(self.holidays & self.workdays)
        if both:
            raise ValueError(f"{both[0].isoformat()} 不能既是放假日又是调休上班日")


@dataclass(frozen=True)
class Holiday:
    name: str
    first_day: dt.date
    last_day: dt.date


Level = Literal["none", "green", "yellow", "red", "done"]


@dataclass(frozen=True)
class Countdown:
    """Working days left until a deadline and its 三色预警 level."""

    workdays_left: int
    level: Level
    provisional: bool


def _official_known(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


class WorkCalendar:
    """Answers working-day questions; cheap to build, caches one year at a time."""

    def __init__(self, overrides: Mapping[int, YearArrangement] = {}) -> None:
        for year, arrangement in overrides.items():
            if arrangement.year != year:
                raise ValueError(f"节假日安排的年份 {arrangement.year} 与键 {year} 不一致")
        self._overrides = dict(overrides)
        self._known: dict[int, bool] = {}
        # per year: prefix[i] = working days among the first i days of the year
        self._prefix: dict[int, list[int]] = {}
        self._days: dict[int, list[bool]] = {}

    # -- single days -------------------------------------------------------------------------------
    def _is_official(self, year: int) -> bool:
        if year not in self._known:
            self._known[year] = _official_known(year)
        return self._known[year]

    def is_provisional(self, d: dt.date) -> bool:
        """True when neither the official data nor an admin override covers ``d``'s year."""
        return d.year not in self._overrides and not self._is_official(d.year)

    def is_workday(self, d: dt.date) -> bool:
        return self._year_days(d.year)[d.timetuple().tm_yday - 1]

    def _year_days(self, year: int) -> list[bool]:
        """Whether each day of ``year`` is a working day, computed once per year: pages ask this for every
        row, and chinese_calendar validates each date against all its years on every call."""
        days = self._days.get(year)
        if days is None:
            official = self._is_official(year)
            override = self._overrides.get(year)
            days = []
            day = dt.date(year, 1, 1)
            while day.year == year:
                if override is not None and day in override.holidays:
                    work = False
                elif override is not None and day in override.workdays:
                    work = True
                elif official:
                    work = day in _OFFICIAL_WORKDAYS or (day.weekday() < 5 and day not in _OFFICIAL_HOLIDAYS)
                else:
                    work = day.weekday() < 5
                days.append(work)
                day += dt.timedelta(days=1)
            self._days[year] = days
        return days

    def holiday_name(self, d: dt.date) -> str | None:
        """Chinese name of the statutory holiday ``d`` falls in; None on working days and plain weekends."""
        if self.is_workday(d):
            return None
        override = self._overrides.get(d.year)
        if override is not None and d in override.names:
            return override.names[d]
        if self._is_official(d.year):
            is_holiday, name = chinese_calendar.get_holiday_detail(d)
            if is_holiday and name:
                return _HOLIDAY_ZH.get(str(name), str(name))
        return None

    # -- counting ----------------------------------------------------------------------------------
    def _year_prefix(self, year: int) -> list[int]:
        prefix = self._prefix.get(year)
        if prefix is None:
            prefix = [0]
            for work in self._year_days(year):
                prefix.append(prefix[-1] + work)
            self._prefix[year] = prefix
        return prefix

    def _through(self, d: dt.date) -> int:
        """Working days from 1 January of d's year up to and including d."""
        return self._year_prefix(d.year)[d.timetuple().tm_yday]

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end``; negative when ``end`` < ``start``."""
        if end < start:
            return -self.workdays_between(end, start)
        total = self._through(end) - self._through(start)
        for year in range(start.year, end.year):
            total += self._year_prefix(year)[-1]
        return total

    def add_workdays(self, d: dt.date, n: int) -> dt.date:
        """The date ``n`` working days after ``d`` (before it when n < 0); ``d`` itself when n == 0."""
        step = dt.timedelta(days=1 if n > 0 else -1)
        remaining = abs(n)
        while remaining:
            d += step
            if self.is_workday(d):
                remaining -= 1
        return d

    def countdown(
        self,
        deadline: dt.date,
        today: dt.date,
        green: int = 20,
        yellow: int = 10,
        *,
        done: bool = False,
    ) -> Countdown:
        """三色预警: red once overdue, yellow within ``yellow`` working days, green within ``green``."""
        if yellow > green:
            raise ValueError("黄色预警天数不能大于绿色预警天数")
        left = self.workdays_between(today, deadline)
        provisional = any(self.is_provisional(dt.date(y, 1, 1)) for y in _years(today, deadline))
        level: Level
        if done:
            level = "done"
        elif today > deadline:
            level = "red"
        elif left <= yellow:
            level = "yellow"
        elif left <= green:
            level = "green"
        else:
            level = "none"
        return Countdown(workdays_left=left, level=level, provisional=provisional)

    def warning_level(self, deadline: dt.date, today: dt.date, *, green: int = 20, yellow: int = 10) -> Level:
        return self.countdown(deadline, today, green, yellow).level

    # -- holidays ahead ----------------------------------------------------------------------------
    def upcoming_holidays(self, start: dt.date, days: int) -> list[Holiday]:
        """Holiday periods whose first day lies in [start, start + days] (for 节前廉政提醒).

        A period is the whole break: the named holiday days plus the weekend days joined to them
        (chinese_calendar names only some days of 2024's 端午 break, 8–10 June). When two festivals share
        one break (2025: 国庆节 and 中秋节) the names are joined with "、".
        """
        one = dt.timedelta(days=1)
        end = start + dt.timedelta(days=days)
        found: list[Holiday] = []
        day = start
        while day <= end:
            if self.holiday_name(day) is None:
                day += one
                continue
            first, last = day, day
            while not self.is_workday(first - one):
                first -= one
            while not self.is_workday(last + one):
                last += one
            names: list[str] = []
            d = first
            while d <= last:
                name = self.holiday_name(d)
                if name is not None and name not in names:
                    names.append(name)
                d += one
            if first >= start:  # a break already under way on ``start`` is not upcoming
                found.append(Holiday("、".join(names), first, last))
            day = last + one
        return found


def _years(a: dt.date, b: dt.date) -> range:
    lo, hi = min(a, b), max(a, b)
    return range(lo.year, hi.year + 1)


# -- periods ---------------------------------------------------------------------------------------
Frequency = Literal["monthly", "quarterly", "half_yearly", "yearly"]
FREQUENCIES: tuple[Frequency, ...] = ("monthly", "quarterly", "half_yearly", "yearly")
# the Chinese words DESIGN.md uses for duty frequencies are accepted too
_FREQUENCY_ZH: dict[str, Frequency] = {
    "每月": "monthly",
    "每季度": "quarterly",
    "每半年": "half_yearly",
    "每年": "yearly",
}
_QUARTER_ZH = ("一", "二", "三", "四")


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    label: str

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(
                f"时间段“{self.label}”的结束日期 {self.end.isoformat()} 早于开始日期 {self.start.isoformat()}"
            )

    def __contains__(self, d: object) -> bool:
        return isinstance(d, dt.date) and self.start <= d <= self.end

    @classmethod
    def year(cls, y: int) -> Period:
        return cls(dt.date(y, 1, 1), dt.date(y, 12, 31), f"{y}年")

    @classmethod
    def half(cls, y: int, h: int) -> Period:
        if h not in (1, 2):
            raise ValueError(f"半年只能是 1（上半年）或 2（下半年），收到 {h}")
        if h == 1:
            return cls(dt.date(y, 1, 1), dt.date(y, 6, 30), f"{y}年上半年")
        return cls(dt.date(y, 7, 1), dt.date(y, 12, 31), f"{y}年下半年")

    @classmethod
    def quarter(cls, y: int, q: int) -> Period:
        if not 1 <= q <= 4:
            raise ValueError(f"季度只能是 1 到 4，收到 {q}")
        first = dt.date(y, 3 * q - 2, 1)
        return cls(first, _month_end(y, 3 * q), f"{y}年第{_QUARTER_ZH[q - 1]}季度")

    @classmethod
    def month(cls, y: int, m: int) -> Period:
        if not 1 <= m <= 12:
            raise ValueError(f"月份只能是 1 到 12，收到 {m}")
        return cls(dt.date(y, m, 1), _month_end(y, m), f"{y}年{m}月")


def _month_end(y: int, m: int) -> dt.date:
    return dt.date(y, m, _stdcal.monthrange(y, m)[1])


def _frequency(frequency: str) -> Frequency:
    if frequency in FREQUENCIES:
        return frequency
    if frequency in _FREQUENCY_ZH:
        return _FREQUENCY_ZH[frequency]
    raise ValueError(f"无法识别的频次“{frequency}”，应为每月、每季度、每半年或每年")


def period_containing(d: dt.date, frequency: str) -> Period:
    freq = _frequency(frequency)
    if freq == "monthly":
        return Period.month(d.year, d.month)
    if freq == "quarterly":
        return Period.quarter(d.year, (d.month - 1) // 3 + 1)
    if freq == "half_yearly":
        return Period.half(d.year, 1 if d.month <= 6 else 2)
    return Period.year(d.year)


def periods_between(start: dt.date, end: dt.date, frequency: str) -> list[Period]:
    """The periods of ``frequency`` that overlap [start, end], in order."""
    if end < start:
        raise ValueError(f"结束日期 {end.isoformat()} 早于开始日期 {start.isoformat()}")
    periods = [period_containing(start, frequency)]
    while periods[-1].end < end:
        periods.append(period_containing(periods[-1].end + dt.timedelta(days=1), frequency))
    return periods


# -- lenient date parsing --------------------------------------------------------------------------
Status = Literal["long_term", "immediate"]


@dataclass(frozen=True)
class ParsedDate:
    """A deadline as written in a ledger: a date, a status word, or both (立行立改 = today)."""

    date: dt.date | None
    status: Status | None
    approximate: bool


_STATUS_WORDS: dict[str, Status] = {"长期坚持": "long_term", "长期": "long_term", "立行立改": "immediate"}
_SEP = r"[-./、]"
_DAY = re.compile(rf"^(\d{{4}})(?:{_SEP}|年)(\d{{1,2}})(?:{_SEP}|月)(\d{{1,2}})[日号]?$")
_MONTH = re.compile(rf"^(\d{{4}})(?:{_SEP}|年)(\d{{1,2}})月?(底|末|上旬|中旬|下旬)?$")
_YEAR = re.compile(r"^(\d{4})年?(年底|年末|底|末|上半年|下半年|第?([一二三四1-4])季度)?(底|末)?$")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
# trailing words that do not change the date: "2021年9月底前", "2023-03-05 00:00:00"
_SUFFIX = re.compile(r"(?:之前|以前|前|完成)+$")
_TIME = re.compile(r"\s+\d{1,2}:\d{2}(?::\d{2})?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01, accounting for Excel's 1900 leap-year bug


def _reject(text: str) -> ValueError:
    return ValueError(f"无法识别日期“{text}”，请写成 2023-03-05 或 2023年3月5日")


def _make(text: str, y: int, m: int, d: int) -> dt.date:
    if not 1 <= m <= 12:
        raise ValueError(f"日期“{text}”中的月份 {m} 不存在，月份应为 1 到 12")
    last = _stdcal.monthrange(y, m)[1]
    if not 1 <= d <= last:
        raise ValueError(f"日期“{text}”不存在：{y}年{m}月只有{last}天")
    return dt.date(y, m, d)


def parse_date(text: str | int | float | dt.date, *, today: dt.date | None = None) -> ParsedDate:
    """Read a deadline the way clerks write it in Word and Excel ledgers.

    Month, half-year, quarter and year forms ("2021年9月底", "2021年上半年") resolve to the last day of
    that span and are marked approximate. Raises ValueError with a Chinese message when unreadable.
    """
    if isinstance(text, dt.datetime):
        return ParsedDate(text.date(), None, False)
    if isinstance(text, dt.date):
        return ParsedDate(text, None, False)
    if isinstance(text, int | float):
        text = repr(text)
    original = text
    # NFKC turns full-width digits and punctuation (２０２３．３．５) into ASCII
    s = _TIME.sub("", unicodedata.normalize("NFKC", text).strip()).replace(" ", "")
    if s in _STATUS_WORDS:
        status = _STATUS_WORDS[s]
        when = (today or dt.date.today()) if status == "immediate" else None
        return ParsedDate(when, status, False)
    s = _SUFFIX.sub("", s) or s
    if _SERIAL.match(s):
        serial = int(float(s))
        return ParsedDate(_EXCEL_EPOCH + dt.timedelta(days=serial), None, False)
    if m := _DAY.match(s):
        return ParsedDate(_make(original, int(m[1]), int(m[2]), int(m[3])), None, False)
    if m := _MONTH.match(s):
        y, mo = int(m[1]), int(m[2])
        last = _make(original, y, mo, 1).replace(day=_stdcal.monthrange(y, mo)[1])
        day = {"上旬": 10, "中旬": 20}.get(m[3] or "", last.day)
        return ParsedDate(last.replace(day=day), None, True)
    if m := _YEAR.match(s):
        y, part = int(m[1]), m[2] or ""
        if part == "上半年":
            return ParsedDate(dt.date(y, 6, 30), None, True)
        if m[3]:
            q = "一二三四".index(m[3]) + 1 if m[3] in "一二三四" else int(m[3])
            return ParsedDate(_month_end(y, 3 * q), None, True)
        if part or m[4] or "年" in s:
            return ParsedDate(dt.date(y, 12, 31), None, True)
    raise _reject(original)
