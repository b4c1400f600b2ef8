"""节前廉政提醒 on the right working day: around 2026's make-up days, and for 2027 from the arrangement the
system admin enters (chinese-calendar does not know 2027)."""

from __future__ import annotations

import datetime as dt

import pytest

from qinglian.ledger.models import HolidayArrangement
from qinglian.notify.due import due_items
from qinglian.notify.recipients import Recipient, recipients
from qinglian.notify.rules import reminder_rule_save
from qinglian.notify.tests.conftest import Office

D = dt.date


def holiday_titles(day: dt.date, unit: object) -> list[str]:
    return [i.title for i in due_items(today=day, units=unit, kinds=["holiday"])]


def set_lead(office: Office, lead: int) -> None:
    reminder_rule_save(user=office.principal_user, unit=office.county, kind="holiday", values={"lead": lead})


def test_spring_festival_2026_on_the_make_up_saturday(office: Office) -> None:
    """春节 2026: off 15–23 February; Saturday 14 February is a make-up working day, so with one working day's
    notice the reminder comes on that Saturday, not on Friday the 13th."""
    set_lead(office, 1)
    assert holiday_titles(D(2026, 2, 13), office.dept) == []
    assert holiday_titles(D(2026, 2, 14), office.dept) == ["节前廉政提醒：春节（2月15日起放假）"]
    assert holiday_titles(D(2026, 2, 15), office.dept) == []


def test_mid_autumn_and_national_day_2026(office: Office) -> None:
    """中秋 2026 starts Friday 25 September; five working days before it is the make-up Sunday 20 September.
    国庆 starts 1 October; three working days before it (the default) is Monday 28 September."""
    set_lead(office, 5)
    assert holiday_titles(D(2026, 9, 19), office.dept) == []
    assert holiday_titles(D(2026, 9, 20), office.dept) == ["节前廉政提醒：中秋节（9月25日起放假）"]
    reminder_rule_save(user=office.principal_user, unit=office.county, kind="holiday", values={"lead": 3})
    assert holiday_titles(D(2026, 9, 25), office.dept) == []
    assert holiday_titles(D(2026, 9, 27), office.dept) == []  # inside the 中秋 break, before 国庆's reminder
    assert holiday_titles(D(2026, 9, 28), office.dept) == ["节前廉政提醒：国庆节（10月1日起放假）"]


@pytest.fixture
def arrangement_2027(db: None) -> HolidayArrangement:
    """The system admin's entry for 2027's 春节: off 6–12 February, make-up days Sunday 31 January and
    Saturday 20 February."""
    return HolidayArrangement.objects.create(year=2027, holidays="2027-02-06~2027-02-12",
                                             workdays="2027-01-31\n2027-02-20",
                                             notice="国务院办公厅关于2027年部分节假日安排的通知（测试）")


def test_2027_from_the_admins_arrangement(office: Office, arrangement_2027: HolidayArrangement) -> None:
    """Six working days before Saturday 6 February 2027, counting the make-up Sunday 31 January: the 31st."""
    set_lead(office, 6)
    assert holiday_titles(D(2027, 1, 30), office.dept) == []
    assert holiday_titles(D(2027, 1, 31), office.dept) == ["节前廉政提醒：春节（2月6日起放假）"]
    assert holiday_titles(D(2027, 2, 5), office.dept) == ["节前廉政提醒：春节（2月6日起放假）"]
    assert holiday_titles(D(2027, 2, 6), office.dept) == []


def test_2027_without_an_arrangement_has_no_holiday(office: Office) -> None:
    set_lead(office, 6)
    assert holiday_titles(D(2027, 2, 1), office.dept) == []


def test_text_per_unit_and_the_team_is_told(office: Office) -> None:
    reminder_rule_save(user=office.principal_user, unit=office.dept, kind="holiday",
                       values={"lead": 3, "text": "县财政局：节日期间严禁公款吃喝。"})
    items = {i.unit_id: i for i in due_items(today=D(2026, 9, 28), kinds=["holiday"])}
    assert items[office.dept.pk].note == "县财政局：节日期间严禁公款吃喝。"
    assert "八项规定" in items[office.bare.pk].note  # the standard text
    assert recipients(items[office.dept.pk]) == [
        Recipient(office.principal.pk, office.principal_user.pk, "team"),
        Recipient(office.leader.pk, office.leader_user.pk, "team")]
    assert recipients(items[office.bare.pk]) == []  # no team: nobody, no error
