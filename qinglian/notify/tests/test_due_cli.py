"""qinglian due --json: the exact shape; the readable table; Chinese errors for bad input."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from qinglian.notify.tests.conftest import Office, make_measure


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("due", *args, stdout=out)
    return out.getvalue()


def test_json_shape(office: Office) -> None:
    make_measure(office.dept, dt.date(2026, 11, 30), owner=office.owner, text="健全财务审批制度")
    make_measure(office.bare, dt.date(2026, 11, 20), text="规范档案借阅登记")
    rows = json.loads(run("--json", "--today", "2026-12-01"))
    assert rows == [
        {"kind": "measure", "title": "整改措施：规范档案借阅登记", "person": None, "unit": "示范县/县档案馆",
         "due": "2026-11-20", "level": "red"},
        {"kind": "measure", "title": "整改措施：健全财务审批制度", "person": {"id": office.owner.pk, "name": "张科长"},
         "unit": "示范县/县财政局", "due": "2026-11-30", "level": "red"},
    ]
    only = json.loads(run("--json", "--today", "2026-12-01", "--unit", "示范县/县财政局"))
    assert [r["unit"] for r in only] == ["示范县/县财政局"]


def test_table_in_chinese(office: Office) -> None:
    make_measure(office.dept, dt.date(2026, 11, 30), owner=office.owner)
    out = run("--today", "2026-11-30", "--unit", "县财政局")
    assert "共 1 项" in out and "今日到期" in out and "张科长" in out
    assert "没有提醒窗口内或逾期的事项" in run("--today", "2026-01-05", "--unit", "县财政局")


@pytest.mark.parametrize(("args", "message"), [
    (("--unit", "县水利局"), "找不到单位“县水利局”"),
    (("--today", "2026-13-01"), "不是有效的日期"),
    (("--today", "2026年9月底"), "不是具体的某一天"),
])
def test_bad_input(office: Office, args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run(*args)
