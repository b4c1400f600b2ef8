"""The verification world: the demo ledger world plus an inspection office (县委巡察办) with its supervisor,
the leader in charge's own account, and one measure of an inspection with evidence, ready to be walked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qinglian.ledger.models import Measure, Problem, Source
from qinglian.ledger.services import (
    ledger_aspect_create,
    ledger_measure_create,
    ledger_problem_create,
    ledger_progress_add,
    ledger_source_create,
)
from qinglian.lib.files import Upload
from qinglian.lib.testing import World, make_person, make_unit, make_user
from qinglian.org.models import Role, TeamRole, User
from qinglian.verify.services.units import verify_issuer_set

FEEDBACK = dt.date(2026, 3, 2)


@dataclass
class V:
    w: World
    office_supervisor: User  # 县委巡察办's supervisor: overseeing the county, working in the office
    member_leader: User  # 李副部长, the leader in charge of the measures below
    owner_leader: User  # 张干事 made a leader: an account that is also a measure's 责任人
    source: Source
    problem: Problem

    def measure(self, text: str = "修订完善财务管理制度", deadline: str = "2026年6月30日", owner: Any = None,
                problem: Problem | None = None) -> Measure:
        return ledger_measure_create(user=self.w.clerk_a, problem=problem or self.problem, text=text,
                                     leader_in_charge=self.w.member_a, responsible_unit=self.w.a1,
                                     owner=owner or self.w.staff_a1, deadline_text=deadline, today=FEEDBACK)

    def done(self, measure: Measure, with_file: bool = True) -> Measure:
        files = [Upload.of(SimpleUploadedFile("制度.pdf", b"%PDF-1.4 test", "application/pdf"))] if with_file else []
        ledger_progress_add(user=self.w.clerk_a, measure=measure, text="制度已修订印发", status_after="done",
                            date=FEEDBACK, files=files)
        return Measure.objects.get(pk=measure.pk)


def new_problem(v_source: Source, clerk: User, text: str) -> Problem:
    aspect = ledger_aspect_create(user=clerk, source=v_source, title=f"{text}方面")
    return ledger_problem_create(user=clerk, aspect=aspect, text=text)


@pytest.fixture
def v(world: World) -> V:
    office = make_unit("县委巡察办", world.county)
    inspector = make_person(office, "孙主任", TeamRole.STAFF, "主任")
    office_supervisor = make_user("xuncha", Role.SUPERVISOR, world.county, inspector)
    member_leader = make_user("leader_member", Role.LEADER, world.a, world.member_a)
    owner_leader = make_user("leader_owner", Role.LEADER, world.a, world.staff_a1)
    source = ledger_source_create(user=world.clerk_a, unit=world.a, kind="inspection", issued_by="县委第三巡察组",
                                  feedback_date=FEEDBACK)
    verify_issuer_set(user=world.clerk_a, source=source, office=office)
    problem = new_problem(source, world.clerk_a, "财务管理不规范")
    return V(world, office_supervisor, member_leader, owner_leader, source, problem)
