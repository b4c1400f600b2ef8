import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paperwork.calendar import (
    Countdown,
    Holiday,
    Period,
    WorkCalendar,
    YearArrangement,
    period_containing,
    periods_between,
)

D = dt.date
cal = WorkCalendar()


# -- official arrangements (chinese_calendar, 2004–2026) -----------------------------------------------
@pytest.mark.parametrize(
    ("day", "workday"),
    [
        (D(2024, 2, 4), True),  # Sunday, make-up working day before 春节
        (D(2024, 2, 18), True),  # Sunday, make-up working day after 春节
        (D(2024, 2, 12), False),  # Monday in the 春节 break
        (D(2024, 9, 14), True),  # Saturday, make-up for 中秋节
        (D(2025, 10, 1), False),
        (D(2025, 10, 8), False),
        (D(2025, 10, 9), True),
        (D(2025, 10, 11), True),  # Saturday make-up after 国庆节
        (D(2026, 1, 4), True),  # Sunday make-up after 元旦 2026
        (D(2026, 2, 16), False),
        (D(2026, 3, 2), True),
        (D(2026, 3, 7), False),
    ],
)
def test_official_workdays(day: dt.date, workday: bool) -> None:
    assert cal.is_workday(day) is workday
    assert not cal.is_provisional(day)


def test_2025_national_day_is_a_holiday_throughout() -> None:
    days = [D(2025, 10, d) for d in range(1, 9)]
    assert not any(cal.is_workday(d) for d in days)
    assert {cal.holiday_name(d) for d in days} == {"国庆节", "中秋节"}


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (D(2024, 1, 1), "元旦"),
        (D(2024, 2, 10), "春节"),
        (D(2024, 4, 4), "清明节"),
        (D(2024, 5, 1), "劳动节"),
        (D(2024, 6, 10), "端午节"),
        (D(2024, 9, 17), "中秋节"),
        (D(2024, 10, 1), "国庆节"),
        (D(2024, 2, 4), None),  # make-up working day carries no holiday name
        (D(2024, 3, 9), None),  # plain Saturday
    ],
)
def test_holiday_names_are_chinese(day: dt.date, name: str | None) -> None:
    assert cal.holiday_name(day) == name


def test_upcoming_holidays_cover_whole_breaks() -> None:
    got = cal.upcoming_holidays(D(2024, 6, 1), 30)
    assert got == [Holiday("端午节", D(2024, 6, 8), D(2024, 6, 10))]
    national_day = Holiday("国庆节、中秋节", D(2025, 10, 1), D(2025, 10, 8))
    assert cal.upcoming_holidays(D(2025, 9, 20), 20) == [national_day]


def test_break_under_way_is_not_upcoming() -> None:
    names = [h.name for h in cal.upcoming_holidays(D(2024, 2, 12), 60)]
    assert names == ["清明节"]


def test_workdays_between_counts_make_up_days() -> None:
    # Fri 2024-02-02 → Sun 02-04 (make-up working day): Mon? no — only Sun 4th is a working day
    assert cal.workdays_between(D(2024, 2, 2), D(2024, 2, 4)) == 1
    assert cal.workdays_between(D(2025, 9, 30), D(2025, 10, 9)) == 1
    assert cal.workdays_between(D(2025, 10, 9), D(2025, 9, 30)) == -1
    assert cal.workdays_between(D(2025, 1, 1), D(2025, 1, 1)) == 0
    assert cal.add_workdays(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert cal.add_workdays(D(2025, 10, 9), -1) == D(2025, 9, 30)


def test_counting_across_years() -> None:
    assert cal.workdays_between(D(2024, 12, 31), D(2025, 1, 2)) == 1  # 1 Jan is 元旦
    full_2024 = cal.workdays_between(D(2023, 12, 31), D(2024, 12, 31))
    assert full_2024 == sum(cal.is_workday(D(2024, 1, 1) + dt.timedelta(days=i)) for i in range(366))


# -- years outside the data: fallback and admin overrides ---------------------------------------------------
def test_2027_falls_back_to_monday_to_friday_and_is_provisional() -> None:
    assert cal.is_provisional(D(2027, 1, 1))
    assert cal.is_workday(D(2027, 1, 1))  # a Friday; nobody told us about 元旦 2027
    assert not cal.is_workday(D(2027, 1, 2))
    assert cal.holiday_name(D(2027, 1, 1)) is None


def test_2027_override_takes_precedence() -> None:
    arrangement = YearArrangement(
        2027,
        holidays=frozenset({D(2027, 1, 1)}),
        workdays=frozenset({D(2027, 1, 2)}),
        names={D(2027, 1, 1): "元旦"},
    )
    c = WorkCalendar({2027: arrangement})
    assert not c.is_provisional(D(2027, 6, 1))
    assert not c.is_workday(D(2027, 1, 1))
    assert c.is_workday(D(2027, 1, 2))
    assert c.holiday_name(D(2027, 1, 1)) == "元旦"
    assert c.upcoming_holidays(D(2026, 12, 25), 10) == [Holiday("元旦", D(2027, 1, 1), D(2027, 1, 1))]
    assert c.workdays_between(D(2026, 12, 31), D(2027, 1, 4)) == 2  # Sat 2nd (make-up) and Mon 4th


def test_override_can_correct_an_official_year() -> None:
    local = YearArrangement(2026, holidays=frozenset({D(2026, 3, 2)}), workdays=frozenset())
    assert not WorkCalendar({2026: local}).is_workday(D(2026, 3, 2))


def test_arrangement_validation() -> None:
    with pytest.raises(ValueError, match="其他年份"):
        YearArrangement(2027, holidays=frozenset({D(2028, 1, 1)}), workdays=frozenset())
    with pytest.raises(ValueError, match="既是放假日又是调休上班日"):
        YearArrangement(2027, holidays=frozenset({D(2027, 1, 1)}), workdays=frozenset({D(2027, 1, 1)}))


# -- countdown / 三色预警 -------------------------------------------------------------------------------
def test_countdown_levels() -> None:
    deadline = D(2025, 10, 31)
    assert cal.countdown(deadline, D(2025, 11, 3)) == Countdown(-1, "red", False)
    assert cal.countdown(deadline, deadline).level == "yellow"
    assert cal.countdown(deadline, D(2025, 10, 20)).level == "yellow"  # 9 working days left
    assert cal.countdown(deadline, D(2025, 10, 9)).level == "green"
    assert cal.countdown(deadline, D(2025, 9, 1)).level == "none"
    assert cal.countdown(deadline, D(2025, 11, 3), done=True).level == "done"
    assert cal.warning_level(deadline, D(2025, 10, 9), green=5, yellow=2) == "none"


def test_countdown_into_unknown_year_is_provisional() -> None:
    c = cal.countdown(D(2027, 3, 1), D(2026, 12, 1))
    assert c.provisional and c.level == "none"


# -- periods -----------------------------------------------------------------------------------------------
def test_period_labels() -> None:
    assert Period.year(2023) == Period(D(2023, 1, 1), D(2023, 12, 31), "2023年")
    assert Period.quarter(2023, 1).label == "2023年第一季度"
    assert Period.quarter(2024, 1).end == D(2024, 3, 31)
    assert Period.half(2023, 1) == Period(D(2023, 1, 1), D(2023, 6, 30), "2023年上半年")
    assert Period.half(2023, 2).label == "2023年下半年"
    assert Period.month(2024, 2) == Period(D(2024, 2, 1), D(2024, 2, 29), "2024年2月")
    assert D(2023, 5, 5) in Period.quarter(2023, 2)


def test_period_validation_in_chinese() -> None:
    with pytest.raises(ValueError, match="早于开始日期"):
        Period(D(2023, 2, 1), D(2023, 1, 1), "错误")
    with pytest.raises(ValueError, match="季度"):
        Period.quarter(2023, 5)
    with pytest.raises(ValueError, match="频次"):
        period_containing(D(2023, 1, 1), "weekly")
    with pytest.raises(ValueError, match="早于开始日期"):
        periods_between(D(2023, 2, 1), D(2023, 1, 1), "monthly")


def test_period_containing_and_between() -> None:
    assert period_containing(D(2023, 8, 15), "quarterly").label == "2023年第三季度"
    assert period_containing(D(2023, 8, 15), "每半年").label == "2023年下半年"
    assert period_containing(D(2023, 8, 15), "yearly").label == "2023年"
    labels = [p.label for p in periods_between(D(2023, 11, 20), D(2024, 4, 1), "quarterly")]
    assert labels == ["2023年第四季度", "2024年第一季度", "2024年第二季度"]
    assert len(periods_between(D(2023, 1, 1), D(2023, 12, 31), "monthly")) == 12


days = st.dates(min_value=D(2003, 1, 1), max_value=D(2028, 12, 31))


@given(days, st.sampled_from(["monthly", "quarterly", "half_yearly", "yearly"]))
def test_period_containing_contains(d: dt.date, frequency: str) -> None:
    p = period_containing(d, frequency)
    assert d in p
    nxt = period_containing(p.end + dt.timedelta(days=1), frequency)
    assert nxt.start == p.end + dt.timedelta(days=1)


@given(days, st.integers(min_value=-400, max_value=400))
def test_add_workdays_inverts_workdays_between(d: dt.date, n: int) -> None:
    target = cal.add_workdays(d, n)
    if n >= 0:
        assert cal.workdays_between(d, target) == n
    else:  # going back counts the working days in [target, d)
        one = dt.timedelta(days=1)
        assert cal.workdays_between(target - one, d - one) == -n
    if n:
        assert cal.is_workday(target)


@given(days, days)
def test_workdays_between_matches_day_by_day(a: dt.date, b: dt.date) -> None:
    lo, hi = min(a, b), max(a, b)
    if (hi - lo).days > 800:
        hi = lo + dt.timedelta(days=800)
    expected = sum(cal.is_workday(lo + dt.timedelta(days=i)) for i in range(1, (hi - lo).days + 1))
    assert cal.workdays_between(lo, hi) == expected
    assert cal.workdays_between(hi, lo) == -expected
