from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.test import Client

from qinglian.lib.testing import World, client_for, make_user
from qinglian.org.models import Role, User
from qinglian.publicity.models import Outlet, Publication, ReviewStage, Stage


@dataclass
class Review:
    """A's three named reviewers: 初审 张干事 (clerk_a), 复审 李副部长 (deputy_a), 终审 王部长 (leader_a)."""

    deputy_a: User

    def client(self, world: World, who: str) -> Client:
        return client_for(self.deputy_a) if who == "deputy_a" else world.client(who)


@pytest.fixture
def review(world: World) -> Review:
    deputy = make_user("deputy_a", Role.CLERK, world.a, world.member_a)
    for stage, person in ((Stage.FIRST, world.staff_a), (Stage.SECOND, world.member_a),
                          (Stage.FINAL, world.principal_a)):
        ReviewStage.objects.create(unit=world.a, stage=stage, person=person)
    return Review(deputy_a=deputy)


def outlet(name: str) -> Outlet:
    return Outlet.objects.get(name=name)


def publish(unit, name: str, on: date, title: str = "稿件", adopted: bool = True, counting_unit: str = "篇"):
    return Publication.objects.create(unit=unit, outlet=outlet(name), published_on=on, title=title,
                                      adopted=adopted, counting_unit=counting_unit)
