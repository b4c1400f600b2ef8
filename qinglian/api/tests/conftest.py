from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from qinglian.api.services import token_create
from qinglian.ledger.models import (
    Aspect,
    Measure,
    MeasureStatus,
    Problem,
    Source,
    measure_position,
    problem_key,
)
from qinglian.lib.testing import World, build_world
from qinglian.records.tests.helpers import make_activity


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def new_token(user: Any, scope: str = "write", days: int = 30) -> str:
    return token_create(user=user, name="测试", scope=scope, days=days, verified=True)[1]


@dataclass
class Ledger:
    source: Source
    aspect: Aspect
    problem: Problem
    measure: Measure


def make_ledger(unit: Any, text: str = "建立制度", kind: str = "inspection") -> Ledger:
    source = Source.objects.create(unit=unit, kind=kind, issued_by="县委巡察组", title="巡察反馈",
                                   feedback_date=dt.date(2026, 7, 26))
    aspect = Aspect.objects.create(source=source, unit=unit, title="落实管党治党政治责任", order=1)
    problem = Problem.objects.create(aspect=aspect, source=source, unit=unit, text="学习不深入", order=1)
    measure = Measure.objects.create(problem=problem, aspect=aspect, source=source, unit=unit, text=text,
                                     deadline=dt.date(2026, 12, 31), status=MeasureStatus.IN_PROGRESS,
                                     position=measure_position(unit, source.pk, 1, problem_key(problem), 1))
    return Ledger(source, aspect, problem, measure)


@dataclass
class ApiWorld:
    world: World
    a: Ledger
    b: Ledger
    activity_a: Any
    activity_b: Any
    write_a: str  # clerk_a's write token
    read_a: str  # clerk_a's read token
    leader_a: str

    def client(self, secret: str) -> Client:
        return Client(**bearer(secret))


@pytest.fixture
def api_world(db: None) -> ApiWorld:
    world = build_world()
    return ApiWorld(world=world, a=make_ledger(world.a), b=make_ledger(world.b, "财政整改"),
                    activity_a=make_activity(world.clerk_a, world.a, "central_group_study", dt.date(2026, 3, 2)),
                    activity_b=make_activity(world.clerk_b, world.b, "central_group_study", dt.date(2026, 3, 2)),
                    write_a=new_token(world.clerk_a), read_a=new_token(world.clerk_a, "read"),
                    leader_a=new_token(world.leader_a))
