"""三色预警 in China's working days, provisional beyond chinese-calendar's years, admin arrangements, 我的待办."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from qinglian.ledger import services
from qinglian.ledger.calendar import warning_bounds, work_calendar
from qinglian.ledger.models import HolidayArrangement, Measure, warning_q
from qinglian.ledger.selectors import with_warnings
from qinglian.lib.testing import make_user
from qinglian.org.models import Role


def _measure(world, text: str, deadline: dt.date | str, owner=None, leader=None, unit=None):
    source = services.ledger_source_create(user=world.clerk_a, unit=world.a, kind="self_check", issued_by="本单位",
                                           feedback_date=None)
    aspect = services.ledger_aspect_create(user=world.clerk_a, source=source, title="方面")
    problem = services.ledger_problem_create(user=world.clerk_a, aspect=aspect, text=f"问题{text}")
    return services.ledger_measure_create(
        user=world.clerk_a, problem=problem, text=text, owner=owner, leader_in_charge=leader, responsible_unit=unit,
        deadline_text=deadline if isinstance(deadline, str) else deadline.isoformat(), status="in_progress")


def test_levels_follow_working_days_around_national_day(world) -> None:
    today = dt.date(2026, 9, 25)  # 国庆/中秋 2026: 10月1日–7日 off, 10月10日 (Saturday) a make-up day
    bounds = warning_bounds(today)
    m = Measure(deadline=dt.date(2026, 10, 12), status="in_progress")
    assert m.warning(bounds) == "yellow"  # 17 calendar days, but only 7 working days
    assert Measure(deadline=dt.date(2026, 9, 24), status="in_progress").warning(bounds) == "red"
    assert Measure(deadline=dt.date(2026, 9, 24), status="done").warning(bounds) == ""
    green = Measure(deadline=dt.date(2026, 10, 29), status="not_started")
    assert green.warning(bounds) == "green"
    assert Measure(deadline=dt.date(2026, 12, 30), status="not_started").warning(bounds) == ""
    # the row rule and the list rule agree
    for level in ("red", "yellow", "green"):
        measures = [_measure(world, f"{level}{i}", d) for i, d in enumerate(
            [dt.date(2026, 9, 24), dt.date(2026, 10, 12), dt.date(2026, 10, 29)])]
        listed = set(Measure.objects.filter(warning_q(level, bounds)).values_list("pk", flat=True))
        assert {m.pk for m in measures if m.warning(bounds) == level} <= listed


def test_later_years_are_provisional_until_the_admin_enters_the_arrangement(world) -> None:
    m = _measure(world, "跨年措施", dt.date(2027, 2, 26))
    row = with_warnings([m], today=dt.date(2027, 2, 1))[0]
    assert row.provisional and "（暂按周一至周五计）" in row.countdown_text
    assert row.workdays_left == 19  # Monday to Friday
    HolidayArrangement.objects.create(year=2027, holidays="2027-02-05~2027-02-11", workdays="2027-02-13")
    row = with_warnings([m], today=dt.date(2027, 2, 1))[0]
    assert not row.provisional and row.workdays_left == 15
    assert work_calendar().is_workday(dt.date(2027, 2, 13))
    page = world.client("clerk_a").get(f"/ledger/measures/{m.pk}/").content.decode()
    assert "暂按周一至周五计" not in page


def test_measure_page_shows_provisional_note_for_unknown_year(world) -> None:
    m = _measure(world, "明年措施", dt.date(2027, 3, 31))
    page = world.client("clerk_a").get(f"/ledger/measures/{m.pk}/").content.decode()
    assert "（暂按周一至周五计）" in page


def test_holiday_arrangement_is_edited_by_the_sysadmin_only(world) -> None:
    assert world.client("sysadmin").get("/admin/ledger/holidayarrangement/add/").status_code == 200
    response = world.client("sysadmin").post("/admin/ledger/holidayarrangement/add/", {
        "year": 2028, "notice": "国务院办公厅通知", "holidays": "2028-01-01\n2028-13-01", "workdays": ""})
    assert response.status_code == 200 and "2028-13-01" in response.content.decode()
    assert not HolidayArrangement.objects.exists()
    assert world.client("secadmin").get("/admin/ledger/holidayarrangement/").status_code in (302, 403)
    assert world.client("leader_a").get("/admin/ledger/holidayarrangement/").status_code in (302, 403)


def test_my_todo_by_role_on_the_item(world) -> None:
    today = timezone.localdate()
    cal = work_calendar()
    red = _measure(world, "逾期措施", today - dt.timedelta(days=3), owner=world.staff_a, leader=world.member_a)
    yellow = _measure(world, "临近措施", cal.add_workdays(today, 5), owner=world.staff_a, leader=world.member_a)
    green = _measure(world, "绿色措施", cal.add_workdays(today, 15), owner=world.staff_a, leader=world.member_a)
    far = _measure(world, "远期措施", cal.add_workdays(today, 60), owner=world.staff_a, leader=world.member_a)
    owner_page = world.client("clerk_a").get("/ledger/mine/").content.decode()
    assert all(m.text in owner_page for m in (red, yellow, green)) and far.text not in owner_page
    member = make_user("member_a", Role.LEADER, world.a, world.member_a)
    from qinglian.lib.testing import client_for

    leader_page = client_for(member).get("/ledger/mine/").content.decode()
    assert red.text in leader_page and yellow.text in leader_page and green.text not in leader_page
    principal_page = world.client("leader_a").get("/ledger/mine/").content.decode()
    assert red.text in principal_page and yellow.text not in principal_page
    assert world.client("clerk_b").get("/ledger/mine/").content.decode().count("逾期措施") == 0


def test_thresholds_are_settings(world, settings) -> None:
    settings.QINGLIAN_WARNING_YELLOW_WORKDAYS = 3
    settings.QINGLIAN_WARNING_GREEN_WORKDAYS = 5
    today = dt.date(2026, 11, 23)
    bounds = warning_bounds(today)
    assert Measure(deadline=dt.date(2026, 11, 27), status="in_progress").warning(bounds) == "green"
    assert Measure(deadline=dt.date(2026, 12, 2), status="in_progress").warning(bounds) == ""
