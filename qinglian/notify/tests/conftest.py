from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from qinglian.ledger.models import Aspect, Measure, Problem, Source
from qinglian.lib.testing import make_person, make_unit, make_user
from qinglian.org.models import Person, Role, TeamRole, Unit, UnitKind, User


@dataclass
class Office:
    county: Unit
    dept: Unit  # a department with a full team
    bare: Unit  # a department with nobody in its team
    principal: Person
    leader: Person
    owner: Person
    no_account: Person
    principal_user: User
    leader_user: User
    owner_user: User


@pytest.fixture
def office(db: None) -> Office:
    county = make_unit("示范县", kind=UnitKind.COUNTY)
    dept = make_unit("县财政局", parent=county)
    bare = make_unit("县档案馆", parent=county)
    principal = make_person(dept, "王局长", TeamRole.PRINCIPAL, post="局长")
    leader = make_person(dept, "李副局长", TeamRole.TEAM_MEMBER, post="副局长", portfolio="财务")
    owner = make_person(dept, "张科长", post="科长")
    no_account = make_person(dept, "赵干事", post="干事")
    return Office(county, dept, bare, principal, leader, owner, no_account,
                  make_user("wang", Role.LEADER, dept, principal), make_user("li", Role.LEADER, dept, leader),
                  make_user("zhang", Role.CLERK, dept, owner))


def make_measure(unit: Unit, deadline: dt.date, owner: Person | None = None, leader: Person | None = None,
                 text: str = "修订完善机关财务管理制度") -> Measure:
    source = Source.objects.create(unit=unit, kind="inspection", issued_by="县委第三巡察组",
                                   feedback_date=dt.date(2026, 7, 26))
    aspect = Aspect.objects.create(source=source, unit=unit, title="落实管党治党政治责任", order=1)
    problem = Problem.objects.create(aspect=aspect, source=source, unit=unit, text="财务制度执行不严", order=1)
    return Measure.objects.create(problem=problem, aspect=aspect, source=source, unit=unit, text=text,
                                  status="in_progress", deadline=deadline, owner=owner, leader_in_charge=leader)
