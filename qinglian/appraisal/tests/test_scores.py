"""Scoring a small county: a unit's figure covers its subtree, the bands give the points, the working exports to
.xlsx, a unit appeals its score and the publishing level decides."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from qinglian.appraisal.models import AppealState, AppraisalScore
from qinglian.appraisal.services import appraisal_rule_set_publish, appraisal_run
from qinglian.ledger.models import Aspect, Measure, Problem, Source
from qinglian.lib import tracking
from qinglian.lib.testing import client_for
from qinglian.records.models import Letter

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def measure(unit, deadline, closed_at=None):  # type: ignore[no-untyped-def]
    source = Source.objects.create(unit=unit, kind="inspection", issued_by="县委巡察组", feedback_date=dt.date(2026, 1, 5))
    aspect = Aspect.objects.create(source=source, unit=unit, title="方面", order=1)
    problem = Problem.objects.create(aspect=aspect, source=source, unit=unit, text="问题", order=1)
    return Measure.objects.create(problem=problem, aspect=aspect, source=source, unit=unit, text="措施", deadline=deadline,
                                  status="done" if closed_at else "in_progress",
                                  closure="closed" if closed_at else "open", closed_at=closed_at)


def test_scores_roll_up_export_and_appeal(world, draft, county_leader):
    with tracking.bulk("测试准备"):
        measure(world.a1, dt.date(2026, 6, 30), closed_at=dt.date(2026, 6, 1))  # 提前
        measure(world.a, dt.date(2026, 5, 31), closed_at=dt.date(2026, 7, 1))  # 逾期
        measure(world.b, dt.date(2026, 12, 31))  # not yet due: not counted
        Letter.objects.create(kind="responsibility", year=2026, issuer=world.county, unit=world.a,
                              signed_on=dt.date(2026, 2, 1))
        Letter.objects.create(kind="responsibility", year=2026, issuer=world.county, unit=world.b)
    run = appraisal_run(user=county_leader, rule_set=appraisal_rule_set_publish(
        user=county_leader, rule_set=draft, today=TODAY), today=TODAY)
    scores = {s.unit_id: s for s in AppraisalScore.objects.filter(run=run)}
    a = {w["measure"]: w for w in scores[world.a.pk].working}
    assert (a["ledger.on_time"]["numerator"], a["ledger.on_time"]["denominator"]) == (1, 2)  # A and its office A1
    assert a["ledger.on_time"]["points"] == "22.5"  # 50% lies in the band 0–80%: 0–36 points in proportion
    assert a["records.letters"]["points"] == "40.0"
    b = {w["measure"]: w for w in scores[world.b.pk].working}
    assert b["ledger.on_time"]["denominator"] == 0 and b["ledger.on_time"]["points"] == "60.0"  # 按满分计
    assert b["records.letters"]["points"] == "0.0"

    leader = client_for(county_leader)
    xlsx = leader.get(f"/appraisal/runs/{run.pk}/?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("单位", "单位全称", "指标") and len(rows) == 1 + 4 * 2  # 4 units × 2 indicators

    clerk = client_for(world.clerk_b)
    assert clerk.get(f"/appraisal/scores/{scores[world.a.pk].pk}/").status_code == 404  # another unit's
    filed = clerk.post(f"/appraisal/scores/{scores[world.b.pk].pk}/appeal/", {"reason": "责任书已于2月签订，登记遗漏。"})
    assert filed.status_code == 302
    appeal_url = filed["Location"]
    assert "不能处理" in clerk.get(appeal_url).content.decode() or "处理申诉" not in clerk.get(appeal_url).content.decode()
    decided = leader.post(appeal_url, {"state": AppealState.GRANTED, "decision": "经核实属实，补登后重新计分。"})
    assert decided.status_code == 302
    assert "申诉成立" in clerk.get(appeal_url).content.decode()
