"""A batch of reports gathers every unit's open problems and measures at once (two queries, not two a report):
each draft of the batch says exactly what the same report generated alone says, 存在问题 and 下步计划 included,
each unit with its own subtree's items and nobody else's."""

from __future__ import annotations

import datetime as dt

from qinglian.jobs.worker import Worker
from qinglian.ledger.models import Aspect, Measure, MeasureStatus, Problem, Source
from qinglian.lib.testing import make_unit
from qinglian.reports.jobs import GATHER_AT_ONCE, report_batch_enqueue
from qinglian.reports.models import GeneratedReport
from qinglian.reports.selectors import OPEN_LIMIT, open_items, open_items_below
from qinglian.reports.services import report_generate

from .conftest import YEAR

A, B = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)


def _open_problem(unit, text: str, feedback: dt.date, deadline: dt.date) -> None:  # type: ignore[no-untyped-def]
    source = Source.objects.create(unit=unit, kind="audit", issued_by=f"审计（{text}）", feedback_date=feedback)
    aspect = Aspect.objects.create(source=source, unit=unit, title="财务管理方面", order=1)
    problem = Problem.objects.create(aspect=aspect, source=source, unit=unit, text=text, order=1)
    Measure.objects.create(problem=problem, aspect=aspect, source=source, unit=unit, text=f"整改：{text}",
                           status=MeasureStatus.IN_PROGRESS, deadline=deadline)


def test_the_batch_says_what_each_report_alone_says(seeded) -> None:
    w = seeded.world
    others = [make_unit(f"县直单位{i}", w.county) for i in range(GATHER_AT_ONCE - 2)]  # enough to gather at once
    # A's 股室 (in A's subtree), B, and more of A's than one report lists
    _open_problem(w.a1, "股室经费台账不全", dt.date(YEAR, 3, 1), dt.date(YEAR, 11, 30))
    _open_problem(w.b, "专项资金拨付滞后", dt.date(YEAR, 4, 1), dt.date(YEAR, 10, 31))
    for i in range(OPEN_LIMIT + 2):
        _open_problem(w.a, f"第{i + 1}项公务接待超标", dt.date(YEAR, 5, 1 + i), dt.date(YEAR, 9, 1 + i))

    found = open_items_below(w.county, [w.a, w.b], B, ["public", "internal"])
    for unit in (w.a, w.b):
        assert found[unit.pk] == open_items(unit, B, labels=["public", "internal"])
    problems_a = [p.text for p in found[w.a.pk][0]]
    assert len(problems_a) == OPEN_LIMIT and "股室经费台账不全" in problems_a and "专项资金拨付滞后" not in problems_a
    assert [p.text for p in found[w.b.pk][0]] == ["专项资金拨付滞后"]

    report_batch_enqueue(user=w.supervisor, unit=w.county, genre="responsibility", date_from=A, date_to=B)
    Worker(schedule=False).run(once=True)
    batch = {r.unit_id: r for r in GeneratedReport.objects.all()}
    assert set(batch) == {w.a.pk, w.b.pk, *(u.pk for u in others)}
    for unit in (w.a, w.b, others[0]):
        alone = report_generate(user=w.supervisor, unit=unit, genre="responsibility", date_from=A, date_to=B)
        assert batch[unit.pk].blocks == alone.blocks and batch[unit.pk].figures == alone.figures
    text_b = "".join(b.get("text", "") for b in batch[w.b.pk].blocks)
    assert "专项资金拨付滞后" in text_b and "公务接待超标" not in text_b
