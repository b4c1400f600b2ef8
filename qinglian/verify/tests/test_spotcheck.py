"""抽查 / 反向核查: a sample drawn from a recorded seed reproduces; 不属实 reopens the item and issues a 督办;
the figures and the .docx 抽查情况通报 count the findings."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from docx import Document

from qinglian.ledger.models import Closure, Measure, MeasureStatus, Problem, SupervisionOrder
from qinglian.ledger.services import (
    ledger_measure_approve,
    ledger_measure_request_close,
    ledger_source_create,
)
from qinglian.stats import engine
from qinglian.verify.models import SpotCheckItem, Verdict
from qinglian.verify.services.spotcheck import (
    closed_population,
    draw_sample,
    verify_spotcheck_draw,
    verify_spotcheck_record,
)
from qinglian.verify.spotchecks import spotcheck_docx
from qinglian.verify.tests.conftest import FEEDBACK, new_problem


def closed_measures(v, n: int, unit_clerk=None, leader=None) -> list[Measure]:
    """`n` measures of a 自查 source of unit A, done with evidence and 销号 by the leader (no 验收 needed)."""
    w = v.w
    source = ledger_source_create(user=w.clerk_a, unit=w.a, kind="self_check", issued_by="县委宣传部",
                                  feedback_date=FEEDBACK)
    out = []
    for i in range(n):
        m = v.done(v.measure(text=f"整改措施{i + 1}", problem=new_problem(source, w.clerk_a, f"问题{i + 1}")))
        m = ledger_measure_request_close(user=w.clerk_a, measure=m, opinion="已完成，申请销号")
        out.append(ledger_measure_approve(user=w.leader_a, measure=m, opinion="同意销号"))
    return out


def test_a_sample_drawn_with_a_seed_reproduces(v) -> None:
    measures = closed_measures(v, 8)
    v.measure(text="未销号的措施")  # open: never in the population
    check = verify_spotcheck_draw(user=v.w.supervisor, unit=v.w.county, title="第一次反向核查", size=3, seed=20260601)
    picked = list(check.items.order_by("order").values_list("measure_id", flat=True))
    assert len(picked) == 3 and set(picked) <= {m.pk for m in measures}
    assert check.population == sorted(m.pk for m in measures) and check.seed == 20260601

    # the recorded population and seed draw the same sample again, in the same order; so does a second draw
    assert draw_sample(check.population, check.seed, 3) == picked
    again = verify_spotcheck_draw(user=v.w.supervisor, unit=v.w.county, title="复核", size=3, seed=20260601)
    assert list(again.items.order_by("order").values_list("measure_id", flat=True)) == picked
    other = [draw_sample(check.population, seed, 3) for seed in range(1, 6)]
    assert any(s != picked for s in other)  # the seed, not the ordering, decides

    # 25% of 8 is 2; a ratio of 10% of 8 rounds up to one
    assert verify_spotcheck_draw(user=v.w.supervisor, unit=v.w.county, title="比例", ratio=Decimal("25")).items.count() == 2
    assert verify_spotcheck_draw(user=v.w.supervisor, unit=v.w.county, title="比例", ratio=Decimal("10")).items.count() == 1


def test_only_a_supervisor_of_the_subtree_draws_and_an_empty_population_is_refused(v) -> None:
    closed_measures(v, 2)
    with pytest.raises(PermissionDenied):
        verify_spotcheck_draw(user=v.w.leader_a, unit=v.w.a, title="x", size=1)
    with pytest.raises(ValidationError, match="没有已销号"):
        verify_spotcheck_draw(user=v.w.supervisor, unit=v.w.b, title="x", size=1)
    with pytest.raises(ValidationError, match="一项"):
        verify_spotcheck_draw(user=v.w.supervisor, unit=v.w.a, title="x", size=1, ratio=Decimal("10"))
    assert len(closed_population(v.w.a, "measure")) == 2 and closed_population(v.w.b, "measure") == []


def test_a_false_finding_reopens_the_item_and_issues_an_order_and_the_figures_count_it(v) -> None:
    w = v.w
    closed_measures(v, 5)
    check = verify_spotcheck_draw(user=w.supervisor, unit=w.county, title="2026年反向核查", size=3, seed=7)
    first, second, third = check.items.order_by("order")
    today = timezone.localdate()

    with pytest.raises(PermissionDenied):
        verify_spotcheck_record(user=w.clerk_a, item=first, verdict=Verdict.TRUE, notes="属实")
    verify_spotcheck_record(user=w.supervisor, item=first, verdict=Verdict.FALSE,
                            notes="走访7名群众，4人表示不知情，制度未实际执行", due_date=today + dt.timedelta(days=15))
    verify_spotcheck_record(user=w.supervisor, item=second, verdict=Verdict.TRUE, notes="现场查看台账，属实")
    verify_spotcheck_record(user=w.supervisor, item=third, verdict=Verdict.PARTIAL, notes="制度已印发，但未组织学习")
    with pytest.raises(ValidationError, match="已登记"):
        verify_spotcheck_record(user=w.supervisor, item=SpotCheckItem.objects.get(pk=second.pk),
                                verdict=Verdict.FALSE, notes="改判")

    # the false one is open again for rework, with the reason in its history, and a 督办 went to its unit
    m = Measure.objects.get(pk=first.measure_id)
    assert m.closure == Closure.REOPENED and m.status == MeasureStatus.IN_PROGRESS and m.closed_at is None
    assert Problem.objects.get(pk=m.problem_id).reopened_count == 1
    assert m.closure_steps.filter(kind="reopen", opinion__contains="反向核查不属实").exists()
    order = SupervisionOrder.objects.get(measure=m)
    assert order.issued_by == w.supervisor and order.unit == w.a and order.due_date == today + dt.timedelta(days=15)
    assert SpotCheckItem.objects.get(pk=first.pk).order_issued == order
    # the others stay closed
    assert Measure.objects.get(pk=second.measure_id).closure == Closure.CLOSED
    assert not SupervisionOrder.objects.filter(measure_id=second.measure_id).exists()

    found = {f.kind: f.count for f in engine.figures(unit=w.county, date_from=today.replace(month=1, day=1),
                                                     date_to=today) if f.kind.startswith("spotcheck.")}
    assert found == {"spotcheck.checked": 3, "spotcheck.true": 1, "spotcheck.false": 1, "spotcheck.partial": 1}
    assert {f.kind: f.count for f in engine.figures(unit=w.b, date_from=today, date_to=today)
            if f.kind.startswith("spotcheck.")}["spotcheck.checked"] == 0
    traced = engine.records(unit=w.county, date_from=today, date_to=today, kind="spotcheck.false")
    assert [r.id for r in traced] == [first.pk]

    doc = Document(io.BytesIO(spotcheck_docx(check, issuer="县纪委监委", today=today)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "关于2026年反向核查情况的通报" in text and "随机种子7" in text
    assert "已核查3项，其中属实1项、不属实1项、部分属实1项" in text
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "不属实" in cells and "部分属实" in cells
