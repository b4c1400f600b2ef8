"""提前 / 按期 / 逾期完成 and 延期 counted exactly on a planted set; the rectification report says them."""

from __future__ import annotations

import datetime as dt

from qinglian.ledger.models import Closure, Measure
from qinglian.lib import tracking
from qinglian.stats import engine
from qinglian.verify.models import Extension, ExtensionState
from qinglian.verify.stats import figure_querysets, verify_counts

YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
JUNE_30 = dt.date(2026, 6, 30)


def _closed(m: Measure, on: dt.date, deadline: dt.date = JUNE_30) -> None:
    with tracking.bulk("测试准备"):
        Measure.objects.filter(pk=m.pk).update(status="done", closure=Closure.CLOSED, closed_at=on, deadline=deadline)


def _extended(v, m: Measure, new: dt.date) -> None:
    Extension.objects.create(measure=m, unit=m.unit, reason="x", proposed_date=new, original_deadline=m.deadline,
                             state=ExtensionState.APPROVED)
    with tracking.bulk("测试准备"):
        Measure.objects.filter(pk=m.pk).update(deadline=new)


def test_early_on_time_late_and_extended_exactly(v) -> None:
    made = [v.measure(text=f"措施{i}") for i in range(9)]
    _closed(made[0], dt.date(2026, 6, 1))  # early
    _closed(made[1], dt.date(2026, 6, 29))  # early: the day before
    _closed(made[2], JUNE_30)  # on time
    _closed(made[3], dt.date(2026, 7, 1))  # late: the day after
    # extended to 7月31日, closed 7月15日: early against the deadline in force, and counted 延期
    _extended(v, made[4], dt.date(2026, 7, 31))
    _closed(made[4], dt.date(2026, 7, 15), deadline=dt.date(2026, 7, 31))
    # extended and closed on the new day: on time and 延期
    _extended(v, made[5], dt.date(2026, 8, 31))
    _closed(made[5], dt.date(2026, 8, 31), deadline=dt.date(2026, 8, 31))
    # extended, still open: 延期 only
    _extended(v, made[6], dt.date(2026, 9, 30))
    # 已完成待验收: not closed, so neither early nor late
    with tracking.bulk("测试准备"):
        Measure.objects.filter(pk=made[7].pk).update(status="done", closure=Closure.VERIFYING,
                                                     closed_at=dt.date(2026, 6, 1))
    # a refused extension does not count; made[8] stays open and plain
    Extension.objects.create(measure=made[8], unit=made[8].unit, reason="x", proposed_date=dt.date(2026, 12, 1),
                             original_deadline=JUNE_30, state=ExtensionState.REFUSED)

    counts = verify_counts(v.w.county, *YEAR)
    assert {k: counts[k] for k in ("early", "on_time", "late", "extended", "awaiting")} == {
        "early": 3, "on_time": 2, "late": 1, "extended": 3, "awaiting": 1}
    rows = figure_querysets(v.w.county, *YEAR)
    assert set(rows["late"].values_list("pk", flat=True)) == {made[3].pk}
    assert set(rows["extended"].values_list("pk", flat=True)) == {made[4].pk, made[5].pk, made[6].pk}
    # the engine gives the same figures; another unit's subtree counts none of them
    by_kind = {f.kind: f.count for f in engine.figures(unit=v.w.a, date_from=YEAR[0], date_to=YEAR[1],
                                                        kinds=["verify."], memo=False)}
    assert by_kind["verify.early"] == 3 and by_kind["verify.extended"] == 3
    assert verify_counts(v.w.b, *YEAR)["early"] == 0
    assert verify_counts(v.w.county, dt.date(2025, 1, 1), dt.date(2025, 12, 31))["early"] == 0  # fed back in 2026


def test_the_rectification_report_says_how_many_were_extended(v) -> None:
    from qinglian.reports.genres import rectification
    from qinglian.reports.selectors import gather

    made = [v.measure(text=f"措施{i}") for i in range(4)]
    _closed(made[0], dt.date(2026, 6, 1))
    _closed(made[1], JUNE_30)
    _extended(v, made[2], dt.date(2026, 9, 30))
    _extended(v, made[3], dt.date(2026, 10, 31))
    data = gather(unit=v.w.a, genre="rectification", date_from=YEAR[0], date_to=YEAR[1], today=dt.date(2026, 7, 6))
    text = "".join(getattr(b, "text", "") for b in rectification.build(data).blocks)
    assert "提前完成1项" in text and "按期完成1项" in text and "经批准延期2项" in text
    assert "逾期完成" not in text  # a zero figure is left out
