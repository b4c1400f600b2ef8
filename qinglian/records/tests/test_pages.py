"""Every page of 全程纪实 renders for each business role, with labels for keyboard users."""

from __future__ import annotations

import datetime as dt

from qinglian.records.models import DutyListKind, LetterKind, RiskCategory, RiskLevel
from qinglian.records.services import duty_add, duty_list_create, letters_issue, risk_point_create
from qinglian.records.tests.helpers import at, kind, make_activity


def test_all_pages_render_for_clerk_leader_and_supervisor(world):
    today = dt.date.today()
    activity = make_activity(world.clerk_a, world.a, "central_group_study", today)
    dl = duty_list_create(user=world.clerk_a, unit=world.a, kind=DutyListKind.PARTY_ORG, year=today.year, owner=None)
    duty = duty_add(user=world.clerk_a, duty_list=dl, text="每月中心组学习", frequency="monthly",
                    kinds=[kind("central_group_study")])
    letter = letters_issue(user=world.clerk_a, issuer=world.a, year=today.year, kind=LetterKind.PLEDGE)[0]
    point = risk_point_create(user=world.clerk_a, unit=world.a, post="部长", category=RiskCategory.AUTHORITY,
                              level=RiskLevel.HIGH, description="选人用人", identified_on=today, now=at(today))
    pages = ["/records/", f"/records/activities/{activity.pk}/", "/records/duties/",
             f"/records/duties/lists/{dl.pk}/", f"/records/duties/{duty.pk}/", "/records/letters/",
             f"/records/letters/{letter.pk}/", "/records/risks/", f"/records/risks/{point.pk}/", "/stats/", "/"]
    writer_pages = ["/records/activities/new/", "/records/import/", "/records/risks/new/",
                    f"/records/activities/{activity.pk}/edit/"]
    for who in ("clerk_a", "leader_a", "supervisor"):
        client = world.client(who)
        for url in pages + (writer_pages if who != "supervisor" else []):
            response = client.get(url)
            assert response.status_code == 200, (who, url)
    form = world.client("clerk_a").get("/records/activities/new/").content.decode()
    assert '<label for="id_happened_on">' in form and "<legend>参加人员</legend>" in form
    picker = world.client("clerk_a").get(f"/records/activities/people/?unit={world.a1.pk}").content.decode()
    assert "赵股长" in picker and "王部长" not in picker
    assert world.client("clerk_a").get(f"/records/activities/people/?unit={world.b.pk}").status_code == 404
