from __future__ import annotations

import datetime as dt

import pytest

from qinglian.ledger.models import Aspect, Measure, Problem, Source
from qinglian.lib.testing import World


@pytest.fixture
def measure(world: World) -> Measure:
    """A rectification measure of unit A, in progress: what evidence is uploaded to."""
    source = Source.objects.create(unit=world.a, kind="inspection", issued_by="县委第三巡察组",
                                   feedback_date=dt.date(2026, 7, 26))
    aspect = Aspect.objects.create(source=source, unit=world.a, title="落实管党治党政治责任", order=1)
    problem = Problem.objects.create(aspect=aspect, source=source, unit=world.a, text="财务制度执行不严", order=1)
    return Measure.objects.create(problem=problem, aspect=aspect, source=source, unit=world.a,
                                  text="修订完善机关财务管理制度", status="in_progress")
