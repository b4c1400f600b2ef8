"""A few records for unit A of the test world (and one for B, which A's reports must not count)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from qinglian.ledger.models import Aspect, Measure, MeasureStatus, Problem, Source
from qinglian.lib.testing import World
from qinglian.records.models import Activity, ActivityKind, RiskPoint
from qinglian.records.services import tally_rebuild

YEAR = 2026


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture(autouse=True)
def _fresh_figures():
    """The engine memoises figures by the audit chain's head; these tests write records directly, so
    each starts with an empty memo (ids repeat after a rolled-back test)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@dataclass
class Seeded:
    world: World
    source: Source
    talks: Activity


def _activity(unit, code: str, day: dt.date, topic: str, presided=None, talked_to=(), participants=()) -> Activity:
    kind = ActivityKind.objects.get(code=code)
    a = Activity.objects.create(unit=unit, kind=kind, happened_on=day, topic=topic, presided_by=presided,
                                weight=len(talked_to) if kind.counts_persons else 1)
    if talked_to:
        a.talked_to.set(talked_to)
    if participants:
        a.participants.set(participants)
    return a


@pytest.fixture
def seeded(world: World) -> Seeded:
    w = world
    for month in (3, 6, 9):
        _activity(w.a, "central_group_study", dt.date(YEAR, month, 10), f"{month}月中心组学习",
                  participants=[w.principal_a, w.member_a])
    _activity(w.a1, "central_group_study", dt.date(YEAR, 4, 2), "股室学习", participants=[w.staff_a1])
    _activity(w.a, "party_group_meeting", dt.date(YEAR, 2, 1), "研究党风廉政建设", presided=w.principal_a)
    _activity(w.a, "party_group_meeting", dt.date(YEAR, 8, 1), "研究整改工作", presided=w.principal_a)
    talks = _activity(w.a, "integrity_reminder_talk", dt.date(YEAR, 5, 5), "节前廉政提醒", presided=w.principal_a,
                      talked_to=[w.member_a, w.staff_a])
    _activity(w.a, "central_group_study", dt.date(YEAR - 1, 12, 30), "去年的学习")  # outside the period
    for month in (1, 2, 3, 4, 5):
        _activity(w.b, "central_group_study", dt.date(YEAR, month, 3), "财政局学习")  # another unit
    tally_rebuild()
    RiskPoint.objects.create(unit=w.a, post="部长", holder=w.principal_a, category="authority", level="high",
                             description="干部选拔任用把关不严", identified_on=dt.date(YEAR, 3, 1))
    source = Source.objects.create(unit=w.a, kind="inspection", issued_by="县委第三巡察组",
                                   feedback_date=dt.date(YEAR, 7, 26))
    first = Aspect.objects.create(source=source, unit=w.a, title="学习贯彻党中央重大决策部署方面", order=1)
    second = Aspect.objects.create(source=source, unit=w.a, title="落实管党治党政治责任", order=2)
    p1 = Problem.objects.create(aspect=first, source=source, unit=w.a, text="党中央重大决策部署学习贯彻不到位", order=1)
    parent = Problem.objects.create(aspect=second, source=source, unit=w.a, text="单位财务管理不规范，制度执行不严格",
                                    order=1, is_leaf=False)
    p2 = Problem.objects.create(aspect=second, source=source, unit=w.a, parent=parent, order=1,
                                text="针对“财务支出审核把关不严”问题")
    p3 = Problem.objects.create(aspect=second, source=source, unit=w.a, parent=parent, order=2,
                                text="针对“执行财经纪律不严”问题")
    for problem, text, status in ((p1, "创新学习方式，开展集中学习", MeasureStatus.DONE),
                                  (p1, "经常性开展警示教育", MeasureStatus.LONG_TERM),
                                  (p2, "追缴违规报销资金", MeasureStatus.DONE),
                                  (p3, "修订完善机关财务管理制度", MeasureStatus.IN_PROGRESS)):
        Measure.objects.create(problem=problem, aspect=problem.aspect, source=source, unit=w.a, text=text,
                               status=status, leader_in_charge=w.member_a, deadline=dt.date(YEAR, 12, 31))
    return Seeded(world=w, source=source, talks=talks)
