"""The rules page: a leader adjusts the current unit's numbers within the bounds; the admin sets the bounds."""

from __future__ import annotations

from qinglian.lib.testing import client_for, make_user
from qinglian.notify.models import ReminderDefault, ReminderRule
from qinglian.notify.tests.conftest import Office
from qinglian.org.models import Role

URL = "/notify/rules/"


def test_leader_saves_within_bounds(office: Office) -> None:
    client = client_for(office.principal_user)
    page = client.get(URL + "?kind=order")
    assert page.status_code == 200
    assert "提前提醒 1–30 个工作日" in page.content.decode()
    response = client.post(URL + "?kind=order", {"lead": 7, "overdue": 4})
    assert response.status_code == 302
    rule = ReminderRule.objects.get(unit=office.dept, kind="order")
    assert (rule.lead, rule.overdue) == (7, 4)


def test_leader_outside_bounds_sees_why(office: Office) -> None:
    client = client_for(office.principal_user)
    response = client.post(URL + "?kind=order", {"lead": 45, "overdue": 4})
    assert response.status_code == 200
    assert "须在 1 到 30 个工作日之间" in response.content.decode()
    assert not ReminderRule.objects.exists()


def test_clerk_may_not(office: Office) -> None:
    assert client_for(office.owner_user).get(URL).status_code == 403


def test_admin_sets_bounds(office: Office) -> None:
    client = client_for(make_user("sys", Role.SYSADMIN))
    assert client.get(URL + "?kind=holiday").status_code == 200
    data = {"enabled": "on", "lead": 4, "lead_min": 2, "lead_max": 8, "overdue": 5, "overdue_min": 1,
            "overdue_max": 30, "wait": 3, "wait_min": 1, "wait_max": 20, "leader_level": "red",
            "principal_level": "overdue", "sign_by": "", "text": "节日廉洁提醒"}
    assert client.post(URL + "?kind=holiday", data).status_code == 302
    row = ReminderDefault.objects.get(kind="holiday")
    assert (row.lead, row.lead_min, row.lead_max, row.text) == (4, 2, 8, "节日廉洁提醒")
    bad = client.post(URL + "?kind=holiday", data | {"lead": 9})
    assert "须在下限 2 与上限 8 之间" in bad.content.decode()
