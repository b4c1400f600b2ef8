"""Rules as data: a unit's leader sets numbers for its subtree within the admin's bounds; the nearest wins."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from qinglian.audit.models import AuditEntry
from qinglian.lib.testing import make_unit
from qinglian.notify.due import due_items
from qinglian.notify.rules import reminder_default_save, reminder_rule_save, rule_for
from qinglian.notify.tests.conftest import Office, make_measure

D = dt.date


def test_nearest_unit_wins(office: Office) -> None:
    office_unit = make_unit("预算股", parent=office.dept)
    reminder_rule_save(user=office.principal_user, unit=office.county, kind="order", values={"lead": 5})
    reminder_rule_save(user=office.principal_user, unit=office.dept, kind="order", values={"lead": 8})
    assert rule_for(office_unit, "order").lead == 8
    assert rule_for(office.bare, "order").lead == 5
    assert rule_for(office.county, "order").unit_id == office.county.pk
    assert AuditEntry.objects.filter(summary__contains="提醒规则").count() == 2


def test_outside_the_bounds_is_refused(office: Office) -> None:
    with pytest.raises(ValidationError, match="系统管理员设定的范围"):
        reminder_rule_save(user=office.principal_user, unit=office.dept, kind="order", values={"lead": 99})


def test_admin_tightens_the_bounds_and_old_rules_are_clamped(office: Office) -> None:
    reminder_rule_save(user=office.principal_user, unit=office.dept, kind="measure", values={"overdue": 30})
    make_measure(office.dept, D(2026, 11, 30), owner=office.owner)
    assert [i.level for i in due_items(today=D(2026, 12, 15))] == ["red"]  # 11 working days late, threshold 30
    reminder_default_save(user=None, kind="measure", values={"overdue": 5, "overdue_max": 10})
    assert rule_for(office.dept, "measure").overdue == 10
    assert [i.level for i in due_items(today=D(2026, 12, 15))] == ["overdue"]


def test_a_unit_window_moves_the_first_reminder(office: Office) -> None:
    """The measure window may not be narrowed below the ledger's yellow (10 working days)."""
    make_measure(office.dept, D(2026, 11, 30), owner=office.owner)
    with pytest.raises(ValidationError):
        reminder_rule_save(user=office.principal_user, unit=office.dept, kind="measure", values={"lead": 5})
    reminder_rule_save(user=office.principal_user, unit=office.dept, kind="measure", values={"lead": 11})
    assert due_items(today=D(2026, 11, 2)) == []
    assert [i.level for i in due_items(today=D(2026, 11, 13))] == ["upcoming"]


def test_a_kind_switched_off(office: Office) -> None:
    make_measure(office.dept, D(2026, 11, 30), owner=office.owner)
    reminder_default_save(user=None, kind="measure", values={"enabled": False})
    assert due_items(today=D(2026, 12, 15)) == []
