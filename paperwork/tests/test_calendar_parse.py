import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paperwork.calendar import ParsedDate, parse_date

D = dt.date
TODAY = D(2024, 1, 2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-3-5", ParsedDate(D(2023, 3, 5), None, False)),
        ("2023.3.5", ParsedDate(D(2023, 3, 5), None, False)),
        ("2023/03/05", ParsedDate(D(2023, 3, 5), None, False)),
        ("2023年3月5日", ParsedDate(D(2023, 3, 5), None, False)),
        ("2023年3月5号", ParsedDate(D(2023, 3, 5), None, False)),
        (" 2023年3月5日前 ", ParsedDate(D(2023, 3, 5), None, False)),
        ("2023-03-05 00:00:00", ParsedDate(D(2023, 3, 5), None, False)),
        ("2021.10.31", ParsedDate(D(2021, 10, 31), None, False)),
        ("２０２３年３月５日", ParsedDate(D(2023, 3, 5), None, False)),
        ("２０２３－０３－０５", ParsedDate(D(2023, 3, 5), None, False)),
        ("44500", ParsedDate(D(2021, 10, 31), None, False)),
        ("44500.75", ParsedDate(D(2021, 10, 31), None, False)),
        (44500, ParsedDate(D(2021, 10, 31), None, False)),
        ("2021年9月底", ParsedDate(D(2021, 9, 30), None, True)),
        ("2021年9月底前", ParsedDate(D(2021, 9, 30), None, True)),
        ("2021年9月", ParsedDate(D(2021, 9, 30), None, True)),
        ("2024年2月", ParsedDate(D(2024, 2, 29), None, True)),
        ("2021年9月中旬", ParsedDate(D(2021, 9, 20), None, True)),
        ("2021年底", ParsedDate(D(2021, 12, 31), None, True)),
        ("2021年年底", ParsedDate(D(2021, 12, 31), None, True)),
        ("2021年上半年", ParsedDate(D(2021, 6, 30), None, True)),
        ("2021年下半年", ParsedDate(D(2021, 12, 31), None, True)),
        ("2021年第三季度", ParsedDate(D(2021, 9, 30), None, True)),
        ("长期坚持", ParsedDate(None, "long_term", False)),
        ("立行立改", ParsedDate(TODAY, "immediate", False)),
        (D(2023, 3, 5), ParsedDate(D(2023, 3, 5), None, False)),
    ],
)
def test_parse_date(text: str, expected: ParsedDate) -> None:
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize("text", ["下周", "hello", "", "2023", "2023-3", "3月5日"])
def test_unreadable_text_is_named_in_chinese(text: str) -> None:
    if text == "2023-3":  # a month on its own is readable: last day of March
        assert parse_date(text).date == D(2023, 3, 31)
        return
    with pytest.raises(ValueError, match=f"无法识别日期“{text}”.*2023年3月5日"):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [("2023-2-30", "2023年2月只有28天"), ("2023年13月1日", "月份 13 不存在"), ("2023-4-31", "只有30天")],
)
def test_impossible_dates_are_rejected(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_date(text)


def _fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in s)


dates = st.dates(min_value=D(1950, 1, 1), max_value=D(2100, 12, 31))


@given(dates, st.sampled_from(["{y}-{m}-{d}", "{y}.{m:02}.{d:02}", "{y}/{m}/{d}", "{y}年{m}月{d}日"]))
def test_round_trip(d: dt.date, pattern: str) -> None:
    text = pattern.format(y=d.year, m=d.month, d=d.day)
    assert parse_date(text) == ParsedDate(d, None, False)
    assert parse_date(_fullwidth(text)) == ParsedDate(d, None, False)


@given(st.dates(min_value=D(1928, 1, 1), max_value=D(2173, 1, 1)))
def test_excel_serial_round_trip(d: dt.date) -> None:
    serial = (d - D(1899, 12, 30)).days
    assert parse_date(str(serial)).date == d


@given(st.text(max_size=20))
def test_never_crashes_with_anything_but_value_error(text: str) -> None:
    try:
        parse_date(text, today=TODAY)
    except ValueError as exc:
        assert "“" in str(exc)
