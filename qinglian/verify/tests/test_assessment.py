"""质效评估: counted indicators from the ledger's outcomes (提前/按期/逾期, 销号, 延期, 重新打开, 抽查) plus the
assessors' scores give the total and the band; only the issuing side assesses, and only after the months."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from docx import Document

from qinglian.ledger.services import (
    ledger_measure_approve,
    ledger_measure_request_close,
    ledger_source_create,
)
from qinglian.verify.assessments import assessment_docx, outcomes
from qinglian.verify.models import AssessmentState, IndicatorKind, SpotCheckItem, Verdict
from qinglian.verify.rules import add_months
from qinglian.verify.services import date_zh
from qinglian.verify.services.assessment import (
    verify_assessment_score,
    verify_assessment_start,
    verify_indicator_add,
    verify_indicator_set_create,
)
from qinglian.verify.services.extension import verify_extension_decide, verify_extension_request
from qinglian.verify.services.spotcheck import verify_spotcheck_draw, verify_spotcheck_record
from qinglian.verify.tests.conftest import FEEDBACK, new_problem


def _ledger(v):  # type: ignore[no-untyped-def]
    """Four measures of a 自查 source: closed early, closed on its day (then found 不属实), closed late, and one
    still open with an approved extension; the three closed ones spot-checked (属实, 不属实, 部分属实)."""
    w = v.w
    today = timezone.localdate()
    source = ledger_source_create(user=w.clerk_a, unit=w.a, kind="self_check", issued_by="县委宣传部",
                                  feedback_date=FEEDBACK)
    deadlines = [today + dt.timedelta(days=10), today, today - dt.timedelta(days=5), today + dt.timedelta(days=20)]
    measures = [v.measure(text=f"措施{i}", deadline=date_zh(d), problem=new_problem(source, w.clerk_a, f"问题{i}"))
                for i, d in enumerate(deadlines, start=1)]
    for m in measures[:3]:
        m = ledger_measure_request_close(user=w.clerk_a, measure=v.done(m), opinion="已完成")
        ledger_measure_approve(user=w.leader_a, measure=m, opinion="同意销号")
    ext = verify_extension_request(user=w.clerk_a, measure=measures[3], reason="待上级政策出台",
                                   proposed_date=today + dt.timedelta(days=60))
    verify_extension_decide(user=w.leader_a, extension=ext, approve=True, opinion="同意")
    check = verify_spotcheck_draw(user=w.supervisor, unit=w.a, title="反向核查", size=3, seed=1)
    verdicts = {measures[0].pk: Verdict.TRUE, measures[1].pk: Verdict.FALSE, measures[2].pk: Verdict.PARTIAL}
    for item in SpotCheckItem.objects.filter(spot_check=check):
        verify_spotcheck_record(user=w.supervisor, item=item, verdict=verdicts[item.measure_id], notes="现场核查情况")
    return source, today + dt.timedelta(days=60)


def test_total_and_band_from_ledger_outcomes_and_assessor_scores(v) -> None:  # type: ignore[no-untyped-def]
    w = v.w
    source, last = _ledger(v)
    assert outcomes(source) == {
        "measures": 4, "with_deadline": 4, "closed": 2, "early": 1, "on_time": 0, "late": 1, "extended": 1,
        "problems": 4, "reopened": 1, "spot_pending": 0, "spot_checked": 3, "spot_true": 1, "spot_false": 1,
        "spot_partial": 1}
    standard = verify_indicator_set_create(user=w.supervisor, unit=w.county, name="巡察整改质效评估指标")
    due = add_months(last, 6)

    with pytest.raises(ValidationError, match="个月后才能评估"):
        verify_assessment_start(user=w.supervisor, source=source, indicator_set=standard, today=due - dt.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        verify_assessment_start(user=w.leader_a, source=source, indicator_set=standard, today=due)
    a = verify_assessment_start(user=w.supervisor, source=source, indicator_set=standard, today=due)

    scores = {s.indicator.name: s for s in a.scores.select_related("indicator")}
    # counted: weight × share — 按期 1/4 of 20, 销号 2/4 of 15, 抽查 (1 + ½)/3 of 15, 未反弹 3/4 of 10
    assert {n: s.score for n, s in scores.items() if s.indicator.counted} == {
        "组织实施：按期完成": Decimal("5.0"), "整改成效：完成销号": Decimal("7.5"),
        "整改成效：抽查属实": Decimal("7.5"), "整改成效：问题未反弹": Decimal("7.5")}
    assert "逾期完成1项" in scores["组织实施：按期完成"].basis
    assert a.total == Decimal("27.5") and a.band == ""  # the assessors' part is still missing

    typed = {scores["主体责任落实"].indicator_id: (Decimal("18"), "个别谈话12人"),
             scores["民主测评"].indicator_id: (None, "")}
    with pytest.raises(ValidationError, match="没有填写得分"):
        verify_assessment_score(user=w.supervisor, assessment=a, scores=typed, finish=True)
    # a counted indicator cannot be overwritten by typing
    typed[scores["民主测评"].indicator_id] = (Decimal("16"), "满意率80%")
    typed[scores["整改成效：完成销号"].indicator_id] = (Decimal("15"), "")
    a = verify_assessment_score(user=w.supervisor, assessment=a, scores=typed, opinion="整改总体到位。", finish=True)
    assert a.total == Decimal("61.5") and a.band == "fair" and a.state == AssessmentState.FINAL
    with pytest.raises(ValidationError, match="已定级"):
        verify_assessment_score(user=w.supervisor, assessment=a, scores=typed)

    doc = Document(io.BytesIO(assessment_docx(a, issuer="县委巡察办", today=due)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "评估总分61.5分，等次为“一般”" in text and "经批准延期1项" in text
    assert any(c.text == "7.5" for t in doc.tables for row in t.rows for c in row.cells)


def test_indicators_are_ledger_outcomes_or_assessor_scores_only(v) -> None:  # type: ignore[no-untyped-def]
    w = v.w
    s = verify_indicator_set_create(user=w.supervisor, unit=w.county, name="自定指标", standard=False)
    assert set(IndicatorKind.values) == {"on_time", "closed", "no_extension", "not_reopened", "spot_true", "assessor"}
    with pytest.raises(ValidationError, match="计分方式"):
        verify_indicator_add(user=w.supervisor, indicator_set=s, name="登录次数", kind="logins", weight=Decimal("10"))
    verify_indicator_add(user=w.supervisor, indicator_set=s, name="未延期", kind="no_extension", weight=Decimal("60"))
    with pytest.raises(ValidationError, match="超过100分"):
        verify_indicator_add(user=w.supervisor, indicator_set=s, name="民主测评", kind="assessor", weight=Decimal("50"))
    with pytest.raises(PermissionDenied):
        verify_indicator_set_create(user=w.clerk_a, unit=w.a, name="x")
