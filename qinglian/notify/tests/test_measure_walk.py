"""A measure walked from green to overdue: its level on each day and exactly who is told at each step."""

from __future__ import annotations

import datetime as dt

import pytest

from qinglian.lib.testing import make_person
from qinglian.notify.due import due_items
from qinglian.notify.recipients import Recipient, recipients
from qinglian.notify.tests.conftest import Office, make_measure

D = dt.date
DEADLINE = D(2026, 11, 30)  # a Monday; no holiday in November 2026


def level_on(day: dt.date) -> str | None:
    items = [i for i in due_items(today=day) if i.kind == "measure"]
    return items[0].level if items else None


@pytest.mark.parametrize(("day", "level"), [
    (D(2026, 10, 30), None),  # 21 working days ahead: outside the 20-day window
    (D(2026, 11, 2), "upcoming"),  # 20 working days ahead: the ledger's green
    (D(2026, 11, 13), "upcoming"),  # 11 working days ahead
    (D(2026, 11, 16), "yellow"),  # 10 working days ahead: the ledger's yellow
    (D(2026, 11, 27), "yellow"),
    (D(2026, 11, 30), "today"),
    (D(2026, 12, 1), "red"),
    (D(2026, 12, 14), "red"),  # 10 working days late
    (D(2026, 12, 15), "overdue"),  # 11 working days late: past the escalation threshold
])
def test_levels_day_by_day(office: Office, day: dt.date, level: str | None) -> None:
    make_measure(office.dept, DEADLINE, owner=office.owner, leader=office.leader)
    assert level_on(day) == level


def test_recipients_at_each_step(office: Office) -> None:
    measure = make_measure(office.dept, DEADLINE, owner=office.owner, leader=office.leader)
    owner = Recipient(office.owner.pk, office.owner_user.pk, "owner")
    leader = Recipient(office.leader.pk, office.leader_user.pk, "leader")
    principal = Recipient(office.principal.pk, office.principal_user.pk, "principal")
    told = {}
    for day in (D(2026, 11, 2), D(2026, 11, 16), D(2026, 11, 30), D(2026, 12, 1), D(2026, 12, 15)):
        (item,) = due_items(today=day)
        assert item.key == f"measure:{measure.pk}"
        assert item.url == f"/ledger/measures/{measure.pk}/"
        told[item.level] = recipients(item)
    assert told == {"upcoming": [owner], "yellow": [owner], "today": [owner], "red": [owner, leader],
                    "overdue": [owner, leader, principal]}


def test_done_measure_is_not_due(office: Office) -> None:
    measure = make_measure(office.dept, DEADLINE, owner=office.owner)
    measure.status = "done"
    measure.save()
    assert due_items(today=D(2026, 12, 15)) == []


def test_deadline_on_a_holiday(office: Office) -> None:
    """2026-10-03 lies in the 国庆 break: the last working day before it (30 September) is its day."""
    make_measure(office.dept, D(2026, 10, 3), owner=office.owner)
    assert level_on(D(2026, 9, 29)) == "yellow"
    assert level_on(D(2026, 9, 30)) == "today"
    assert level_on(D(2026, 10, 2)) == "today"
    assert level_on(D(2026, 10, 4)) == "red"
    assert level_on(D(2026, 10, 8)) == "red"


def test_unit_without_a_team(office: Office) -> None:
    """No principal and no leader in charge: those steps are skipped, the owner is still told."""
    clerk = make_person(office.bare, "钱干事")
    make_measure(office.bare, DEADLINE, owner=clerk)
    (item,) = due_items(today=D(2026, 12, 31))
    assert item.level == "overdue"
    assert recipients(item) == [Recipient(clerk.pk, None, "owner")]
    assert "没有系统账号" in recipients(item)[0].note


def test_item_of_a_unit_without_principal_has_nobody(office: Office) -> None:
    make_measure(office.bare, DEADLINE)  # no owner either
    (item,) = due_items(today=D(2026, 12, 31))
    assert item.person_id is None
    assert recipients(item) == []


def test_scope_is_the_subtree(office: Office) -> None:
    make_measure(office.dept, DEADLINE, owner=office.owner)
    make_measure(office.bare, DEADLINE)
    assert {i.unit_id for i in due_items(today=DEADLINE, units=office.dept)} == {office.dept.pk}
    assert {i.unit_id for i in due_items(today=DEADLINE, units=office.county)} == {office.dept.pk, office.bare.pk}
