"""Measures at each 三色 level in a small tree, for the dashboard's tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from qinglian.ledger import services
from qinglian.ledger.models import Measure
from qinglian.lib.testing import make_user
from qinglian.org.models import Role, Unit, User


def measure(world, unit: Unit, text: str, deadline: dt.date, status: str = "in_progress") -> Measure:
    user = world.clerk_b if unit == world.b else world.clerk_a if unit in (world.a, world.a1) else county_clerk(world)
    source = services.ledger_source_create(user=user, unit=unit, kind="self_check", issued_by="本单位",
                                           feedback_date=dt.date(2026, 1, 5))
    aspect = services.ledger_aspect_create(user=user, source=source, title="方面")
    problem = services.ledger_problem_create(user=user, aspect=aspect, text=f"问题{text}")
    return services.ledger_measure_create(user=user, problem=problem, text=text, deadline_text=deadline.isoformat(),
                                          status=status)


def county_clerk(world) -> User:
    found = User.objects.filter(username="county_clerk").first()
    return found or make_user("county_clerk", Role.CLERK, world.county)


def plant(world) -> dict[str, list[Measure]]:
    """Two overdue in 宣传部 (one in its 股), one overdue and one far off in 财政局, one done."""
    today = timezone.localdate()
    return {
        "red_a": [measure(world, world.a, "宣传部逾期措施", today - dt.timedelta(days=30)),
                  measure(world, world.a1, "股逾期措施", today - dt.timedelta(days=3))],
        "red_b": [measure(world, world.b, "财政局逾期措施", today - dt.timedelta(days=10))],
        "open_b": [measure(world, world.b, "财政局远期措施", today + dt.timedelta(days=300))],
        "done_a": [measure(world, world.a, "宣传部已完成措施", today - dt.timedelta(days=40), status="done")],
    }
