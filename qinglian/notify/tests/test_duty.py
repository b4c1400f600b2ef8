"""A quarterly duty with no record in its quarter is due from the 10th working day before the quarter ends."""

from __future__ import annotations

import datetime as dt

from qinglian.notify.due import due_items
from qinglian.notify.recipients import Recipient, recipients
from qinglian.notify.tests.conftest import Office
from qinglian.records.models import Activity, ActivityKind, Duty, DutyList

D = dt.date


def make_duty(office: Office) -> tuple[Duty, ActivityKind]:
    kind, _ = ActivityKind.objects.get_or_create(code="notify_test_meeting",
                                                 defaults={"name": "测试专题会议", "category": "meeting"})
    duty_list = DutyList.objects.create(unit=office.dept, kind="principal", year=2026, owner=office.principal)
    duty = Duty.objects.create(duty_list=duty_list, text="每季度专题研究党风廉政建设工作", frequency="quarterly")
    duty.kinds.add(kind)
    return duty, kind


def duty_levels(day: dt.date) -> list[tuple[str, str, dt.date]]:
    return [(i.key, i.level, i.due) for i in due_items(today=day) if i.kind == "duty"]


def test_due_from_the_tenth_working_day_before_the_quarter_ends(office: Office) -> None:
    """Q3 2026 ends on Wednesday 30 September; the make-up Sunday 20 September counts as a working day
    and 中秋 (25 September) does not, so the tenth working day before the end is 16 September."""
    duty, _ = make_duty(office)
    assert duty_levels(D(2026, 9, 15)) == []
    key = f"duty:{duty.pk}:2026-07-01"
    assert duty_levels(D(2026, 9, 16)) == [(key, "yellow", D(2026, 9, 30))]
    assert duty_levels(D(2026, 9, 30)) == [(key, "today", D(2026, 9, 30))]
    (item,) = [i for i in due_items(today=D(2026, 9, 30)) if i.kind == "duty"]
    assert item.person_id == office.principal.pk
    assert "2026年第三季度" in item.title
    assert recipients(item) == [Recipient(office.principal.pk, office.principal_user.pk, "owner")]


def test_the_quarter_just_ended_turns_red(office: Office) -> None:
    duty, _ = make_duty(office)
    assert duty_levels(D(2026, 10, 9)) == [(f"duty:{duty.pk}:2026-07-01", "red", D(2026, 9, 30))]


def test_a_record_in_the_quarter_makes_it_done(office: Office) -> None:
    _, kind = make_duty(office)
    Activity.objects.create(unit=office.dept, kind=kind, happened_on=D(2026, 8, 12), topic="专题研究党风廉政建设")
    assert duty_levels(D(2026, 9, 25)) == []
    assert duty_levels(D(2026, 10, 9)) == []  # nor red once the quarter ended


def test_a_record_of_another_unit_does_not_count(office: Office) -> None:
    duty, kind = make_duty(office)
    Activity.objects.create(unit=office.bare, kind=kind, happened_on=D(2026, 8, 12), topic="另一单位的会议")
    assert [k for k, _, _ in duty_levels(D(2026, 9, 25))] == [f"duty:{duty.pk}:2026-07-01"]
