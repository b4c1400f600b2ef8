"""The figures of seed 000's sentences, counted by the engine for a subtree and a period:

"县委理论学习中心组集中学习*次 … 全年讲授廉政党课*次 … 截至10月，约谈班子成员*人次，廉政提醒谈话**人次，
重要岗位谈话*人次 … 单位共排查出职权风险点*项，班子成员排查出风险点*个"
"""

from __future__ import annotations

import datetime as dt

import pytest

from qinglian.lib.testing import make_person
from qinglian.records.models import ActivityRollup, ActivityTally, ActivityTotal, RiskCategory, RiskLevel
from qinglian.records.services import activity_delete, activity_restore, risk_point_create, tally_rebuild
from qinglian.records.stats import activity_totals, split_period
from qinglian.records.tests.helpers import at, make_activity
from qinglian.stats import engine
from qinglian.stats.registry import Scope

D = dt.date
JAN1, OCT31 = D(2022, 1, 1), D(2022, 10, 31)


def counts(unit, date_from=JAN1, date_to=OCT31):
    return {f.kind: f for f in engine.figures(unit=unit, date_from=date_from, date_to=date_to)}


@pytest.fixture
def seeded(world):
    w = world
    extra = [make_person(w.a, f"干部{i}") for i in range(6)]
    # 中心组学习: monthly Jan–Oct in A (10), one in A1 (sub-unit: counted), one in November (outside), one in B
    for month in range(1, 11):
        make_activity(w.clerk_a, w.a, "central_group_study", D(2022, month, 15))
    make_activity(w.clerk_a, w.a1, "central_group_study", D(2022, 6, 20), people=[w.staff_a1])
    make_activity(w.clerk_a, w.a, "central_group_study", D(2022, 11, 10))
    make_activity(w.clerk_b, w.b, "central_group_study", D(2022, 3, 3))
    # 廉政党课: 2, one of them entered two months late (补录: counted and flagged)
    make_activity(w.clerk_a, w.a, "integrity_lecture", D(2022, 4, 28))
    make_activity(w.clerk_a, w.a, "integrity_lecture", D(2022, 9, 1), entered=D(2022, 11, 5))
    # talks in 人次 = persons talked to
    make_activity(w.clerk_a, w.a, "admonition_talk", D(2022, 2, 10), talked_to=[w.member_a])
    make_activity(w.clerk_a, w.a, "admonition_talk", D(2022, 8, 10), talked_to=[w.member_a, w.staff_a])
    make_activity(w.clerk_a, w.a, "integrity_reminder_talk", D(2022, 1, 25), talked_to=extra[:6])  # 春节前
    make_activity(w.clerk_a, w.a, "integrity_reminder_talk", D(2022, 9, 26), talked_to=[*extra[:4], w.staff_a1])
    make_activity(w.clerk_a, w.a, "key_post_talk", D(2022, 3, 1), talked_to=[w.staff_a, w.staff_a1])
    deleted = make_activity(w.clerk_a, w.a, "key_post_talk", D(2022, 3, 2), talked_to=[w.staff_a])
    activity_delete(user=w.clerk_a, activity=deleted)
    # risk points
    for i, (cat, holder) in enumerate([(RiskCategory.AUTHORITY, w.principal_a), (RiskCategory.AUTHORITY, w.member_a),
                                       (RiskCategory.AUTHORITY, None), (RiskCategory.POST, w.staff_a),
                                       (RiskCategory.PROCESS, None)]):
        risk_point_create(user=w.clerk_a, unit=w.a, post=holder.post if holder else "财务岗", category=cat,
                          level=RiskLevel.MEDIUM, description=f"风险{i}", identified_on=D(2022, 3, 10),
                          holder=holder, controls=["建立台账"], now=at(D(2022, 3, 10)))
    risk_point_create(user=w.clerk_b, unit=w.b, post="局长", category=RiskCategory.AUTHORITY, level=RiskLevel.HIGH,
                      description="B 的风险", identified_on=D(2022, 3, 10), now=at(D(2022, 3, 10)))
    return w


def test_seed_000_sentences_count_for_the_subtree_and_period(seeded):
    got = counts(seeded.a)
    assert got["activity.central_group_study"].count == 11  # 10 in A + 1 in A1; not Nov, not B
    assert got["activity.central_group_study"].counting_unit == "次"
    assert got["activity.integrity_lecture"].count == 2
    assert got["activity.integrity_lecture"].late == 1  # 补录: counted, and said so
    assert (got["activity.admonition_talk"].count, got["activity.admonition_talk"].counting_unit) == (3, "人次")
    assert got["activity.integrity_reminder_talk"].count == 11
    assert got["activity.key_post_talk"].count == 2  # the deleted talk is not counted
    assert (got["risk.authority"].count, got["risk.authority"].counting_unit) == (3, "项")
    assert got["risk.points"].count == 5
    assert (got["risk.team_member"].count, got["risk.team_member"].counting_unit) == (2, "个")


def test_county_counts_everything_and_sub_unit_only_itself(seeded):
    assert counts(seeded.county)["activity.central_group_study"].count == 12
    assert counts(seeded.county)["risk.authority"].count == 4
    assert counts(seeded.a1)["activity.central_group_study"].count == 1
    assert counts(seeded.a, JAN1, D(2022, 12, 31))["activity.central_group_study"].count == 12


def test_each_figure_lists_its_records_and_their_weights_add_up(seeded):
    for kind in ("activity.central_group_study", "activity.integrity_lecture", "activity.admonition_talk",
                 "activity.integrity_reminder_talk", "activity.key_post_talk", "risk.authority", "risk.team_member"):
        refs = engine.records(unit=seeded.a, date_from=JAN1, date_to=OCT31, kind=kind)
        figure = counts(seeded.a)[kind]
        assert sum(r.weight for r in refs) == figure.count, kind
        assert sum(1 for r in refs if r.late) == figure.late, kind
        assert all(JAN1 <= r.date <= OCT31 for r in refs)
        assert all(r.url for r in refs)
    talks = engine.records(unit=seeded.a, date_from=JAN1, date_to=OCT31, kind="activity.admonition_talk")
    assert [r.weight for r in talks] == [1, 2]
    lectures = engine.records(unit=seeded.a, date_from=JAN1, date_to=OCT31, kind="activity.integrity_lecture")
    assert [r.late for r in lectures] == [False, True]


def test_period_with_end_before_start_is_refused_in_chinese(seeded):
    with pytest.raises(engine.PeriodError, match="早于开始日期"):
        engine.figures(unit=seeded.a, date_from=OCT31, date_to=JAN1)


def test_kinds_filter_and_unknown_kind(seeded):
    only = engine.figures(unit=seeded.a, date_from=JAN1, date_to=OCT31, kinds=["activity.integrity_lecture"])
    assert [f.kind for f in only] == ["activity.integrity_lecture"]
    prefix = engine.figures(unit=seeded.a, date_from=JAN1, date_to=OCT31, kinds=["risk."])
    assert {f.kind for f in prefix} >= {"risk.points", "risk.authority"} and all(f.kind.startswith("risk.") for f in prefix)
    with pytest.raises(engine.UnknownKind):
        engine.records(unit=seeded.a, date_from=JAN1, date_to=OCT31, kind="activity.no_such_kind")


def _raw(unit, a, b):
    """The same answer computed the slow way, straight from the records."""
    from collections import Counter

    from qinglian.org.scoping import subtree_q
    from qinglian.records.models import Activity

    total: Counter[int] = Counter()
    for act in Activity.objects.filter(subtree_q(unit), happened_on__gte=a, happened_on__lte=b):
        total[act.kind_id] += act.weight
    return dict(total)


@pytest.mark.parametrize("a,b", [
    (D(2022, 1, 1), D(2022, 12, 31)), (D(2022, 1, 16), D(2022, 9, 14)), (D(2022, 2, 10), D(2022, 2, 10)),
    (D(2021, 12, 5), D(2023, 1, 3)), (D(2022, 3, 1), D(2022, 3, 31)), (D(2022, 8, 11), D(2022, 11, 9)),
])
def test_pre_aggregate_answers_exactly_like_the_records(seeded, a, b):
    for unit in (seeded.county, seeded.a, seeded.a1, seeded.b):
        scope = Scope(root=unit, date_from=a, date_to=b)
        got = {k: v[1] for k, v in activity_totals(scope).items() if v[1]}
        assert got == _raw(unit, a, b), (unit.name, a, b)


def cells():
    per_unit = {(t.unit_id, t.kind_id, t.grain, t.start): (t.records, t.weight, t.late)
                for t in ActivityTally.objects.all() if t.records}
    whole = {(t.kind_id, t.grain, t.start): (t.records, t.weight, t.late)
             for t in ActivityTotal.objects.all() if t.records}
    subtree = {(t.unit_id, t.kind_id, t.grain, t.start): (t.records, t.weight, t.late)
               for t in ActivityRollup.objects.all() if t.records}
    return per_unit, whole, subtree


def test_pre_aggregate_follows_delete_restore_and_rebuild(seeded):
    before = cells()
    act = make_activity(seeded.clerk_a, seeded.a, "admonition_talk", D(2022, 5, 5), talked_to=[seeded.member_a])
    activity_delete(user=seeded.clerk_a, activity=act)
    activity_restore(user=seeded.clerk_a, activity=act)
    activity_delete(user=seeded.clerk_a, activity=act)
    assert cells() == before
    tally_rebuild()
    assert cells() == before


def test_memoised_answer_changes_with_the_next_write(seeded):
    first = counts(seeded.a)["activity.integrity_lecture"].count
    assert counts(seeded.a)["activity.integrity_lecture"].count == first  # served from the memo
    make_activity(seeded.clerk_a, seeded.a, "integrity_lecture", D(2022, 5, 5))
    assert counts(seeded.a)["activity.integrity_lecture"].count == first + 1
    fresh = engine.figures(unit=seeded.a, date_from=JAN1, date_to=OCT31, memo=False)
    assert fresh == engine.figures(unit=seeded.a, date_from=JAN1, date_to=OCT31)


def test_split_period():
    years, months, days = split_period(D(2021, 12, 5), D(2023, 2, 3))
    assert years == [D(2022, 1, 1)]
    assert months == [D(2023, 1, 1)]
    assert days == [(D(2021, 12, 5), D(2021, 12, 31)), (D(2023, 2, 1), D(2023, 2, 3))]
    assert split_period(D(2022, 2, 10), D(2022, 2, 10)) == ([], [], [(D(2022, 2, 10), D(2022, 2, 10))])


def test_subtree_pre_aggregate_follows_a_unit_moved_in_the_tree(seeded):
    """A1 moves from 县委宣传部 to B: both subtrees answer like their records at once."""
    from qinglian.org.models import Unit
    from qinglian.org.services import unit_save

    a1 = Unit.objects.get(pk=seeded.a1.pk)
    a1.parent = seeded.b
    unit_save(user=seeded.sysadmin, unit=a1)
    a, b = D(2022, 1, 1), D(2022, 12, 31)
    for unit in (Unit.objects.get(pk=seeded.a.pk), Unit.objects.get(pk=seeded.b.pk), seeded.county):
        got = {k: v[1] for k, v in activity_totals(Scope(root=unit, date_from=a, date_to=b)).items() if v[1]}
        assert got == _raw(unit, a, b), unit.name
    before = cells()
    tally_rebuild()
    assert cells() == before
