"""三个清单 (due/done), 责任书 (issue, sign by a leader, status across a subtree), 廉政风险点."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qinglian.records.models import Duty, DutyList, DutyListKind, Letter, LetterKind, RiskPoint
from qinglian.records.selectors import duty_statuses
from qinglian.records.services import duty_add, duty_list_create, letters_issue
from qinglian.records.tests.helpers import kind, make_activity
from qinglian.stats import engine

TODAY = timezone.localdate()


def make_duty(world, frequency="quarterly", codes=("party_group_meeting",), year=TODAY.year):
    dl = duty_list_create(user=world.clerk_a, unit=world.a, kind=DutyListKind.PRINCIPAL, year=year,
                          owner=world.principal_a)
    return duty_add(user=world.clerk_a, duty_list=dl, text="每季度主持专题研究党风廉政建设工作",
                    frequency=frequency, kinds=[kind(c) for c in codes])


def test_duty_is_due_until_a_record_of_its_kind_in_its_current_period(world):
    duty = make_duty(world)
    client = world.client("clerk_a")
    page = client.get("/records/duties/").content.decode()
    assert "待履行" in page and "每季度主持专题研究党风廉政建设工作" in page
    assert "当期待履行责任事项" in client.get("/").content.decode()
    make_activity(world.clerk_a, world.a, "party_group_meeting", TODAY)
    duty = Duty.objects.select_related("duty_list").prefetch_related("kinds").get(pk=duty.pk)
    assert duty_statuses([duty], TODAY)[0].done
    assert "已履行" in client.get("/records/duties/").content.decode()
    detail = client.get(f"/records/duties/{duty.pk}/").content.decode()
    assert "党组会（部务会）" in detail
    figures = {f.kind: f.count for f in engine.figures(unit=world.a, date_from=TODAY.replace(month=1, day=1),
                                                       date_to=TODAY)}
    assert figures["duty.total"] == 1 and figures["duty.due"] == 0


def test_a_record_of_another_kind_can_be_linked_by_hand(world):
    duty = make_duty(world, frequency="yearly", codes=())
    activity = make_activity(world.clerk_a, world.a, "seminar", TODAY)
    client = world.client("clerk_a")
    assert "待履行" in client.get(f"/records/duties/{duty.pk}/").content.decode()
    client.post(f"/records/duties/{duty.pk}/link/", {"activity": activity.pk, "linked": "on"})
    fresh = Duty.objects.select_related("duty_list").prefetch_related("kinds").get(pk=duty.pk)
    assert duty_statuses([fresh], TODAY)[0].done
    assert world.client("supervisor").post(f"/records/duties/{duty.pk}/link/",
                                           {"activity": activity.pk}).status_code == 403
    assert world.client("clerk_b").get(f"/records/duties/{duty.pk}/").status_code == 404


def test_duty_list_owner_must_fit_the_kind(world):
    client = world.client("clerk_a")
    client.post("/records/duties/new/", {"kind": "principal", "year": TODAY.year, "owner": world.member_a.pk})
    assert not DutyList.objects.exists()
    client.post("/records/duties/new/", {"kind": "party_org", "year": TODAY.year})
    assert DutyList.objects.get().owner is None


def test_letters_issued_signed_by_a_leader_and_status_across_the_subtree(world):
    created = letters_issue(user=world.clerk_a, issuer=world.a, year=2024, kind=LetterKind.RESPONSIBILITY)
    # one to the sub-unit A1 (signed by its principal — none here) and one to the team member
    assert {(x.unit_id, x.to_member) for x in created} == {(world.a1.pk, False), (world.a.pk, True)}
    assert letters_issue(user=world.clerk_a, issuer=world.a, year=2024, kind=LetterKind.RESPONSIBILITY) == []
    member_letter = Letter.objects.get(to_member=True)
    status = world.client("clerk_a").get(f"/records/letters/?unit={world.a.pk}&year=2024&kind=responsibility")
    assert "未签订" in status.content.decode() and "李副部长" in status.content.decode()
    sign = {"signed_on": "2024年2月1日", "version": member_letter.version,
            "scan": SimpleUploadedFile("责任书.pdf", b"%PDF-1.4 scan")}
    assert world.client("clerk_a").post(f"/records/letters/{member_letter.pk}/sign/", sign).status_code == 403
    assert world.client("supervisor").post(f"/records/letters/{member_letter.pk}/sign/", sign).status_code == 403
    sign["scan"].seek(0)
    response = world.client("leader_a").post(f"/records/letters/{member_letter.pk}/sign/", sign)
    assert response.status_code == 302
    member_letter.refresh_from_db()
    assert member_letter.signed_on == dt.date(2024, 2, 1) and member_letter.signed_recorded_by == world.leader_a
    scan = world.client("supervisor").get(f"/records/letters/{member_letter.pk}/scan/")
    assert scan.status_code == 200 and b"".join(scan.streaming_content) == b"%PDF-1.4 scan"
    assert world.client("clerk_b").get(f"/records/letters/{member_letter.pk}/scan/").status_code == 404
    figures = {f.kind: f.count for f in engine.figures(unit=world.county, date_from=dt.date(2024, 1, 1),
                                                       date_to=dt.date(2024, 12, 31))}
    assert figures["letter.responsibility_signed"] == 1 and figures["letter.responsibility_unsigned"] == 1
    future = {"signed_on": f"{TODAY + dt.timedelta(days=3):%Y-%m-%d}", "version": member_letter.version}
    assert "晚于今天" in world.client("leader_a").post(f"/records/letters/{member_letter.pk}/sign/",
                                                      future).content.decode()


def test_risk_point_with_controls_and_yearly_review(world):
    client = world.client("clerk_a")
    response = client.post("/records/risks/new/", {
        "unit": world.a.pk, "post": "部长", "holder": world.principal_a.pk, "category": "authority",
        "level": "high", "description": "干部选拔任用中的廉政风险", "identified_on": "2024.3.1",
        "controls": "严格执行民主集中制\n重大事项集体决策"})
    point = RiskPoint.objects.get()
    assert response.status_code == 302 and point.controls.count() == 2
    client.post(f"/records/risks/{point.pk}/", {"form": "review", "reviewed_by": world.member_a.pk,
                                               "reviewed_on": "2024-12-20", "finding": "措施有效"})
    assert point.reviews.get().year == 2024
    page = client.post(f"/records/risks/{point.pk}/", {"form": "review", "reviewed_by": world.member_a.pk,
                                                      "reviewed_on": "2024-12-21", "finding": "重复"})
    assert "已复核" in page.content.decode()
    assert world.client("clerk_b").get(f"/records/risks/{point.pk}/").status_code == 404
    assert world.client("supervisor").get(f"/records/risks/{point.pk}/").status_code == 200
    assert world.client("supervisor").post(f"/records/risks/{point.pk}/", {"form": "control",
                                                                           "measure": "x"}).status_code == 404
    assert point.controls.count() == 2


def test_risk_point_is_corrected_with_its_version_and_counted_as_corrected(world):
    client = world.client("clerk_a")
    client.post("/records/risks/new/", {
        "unit": world.a.pk, "post": "部长", "holder": world.principal_a.pk, "category": "authority",
        "level": "high", "description": "干部选拔任用中的廉政风险", "identified_on": "2024.3.1", "controls": "集体决策"})
    point = RiskPoint.objects.get()
    form = client.get(f"/records/risks/{point.pk}/edit/").content.decode()
    assert "干部选拔任用中的廉政风险" in form and 'id="id_controls"' not in form and 'id="id_unit"' not in form
    edit = {"post": "部长", "holder": world.principal_a.pk, "category": "process", "level": "medium",
            "description": "经费审批中的廉政风险", "identified_on": "2024年3月2日", "version": point.version}
    assert client.post(f"/records/risks/{point.pk}/edit/", edit).status_code == 302
    point.refresh_from_db()
    assert (point.category, point.level, point.identified_on) == ("process", "medium", dt.date(2024, 3, 2))
    assert point.controls.count() == 1  # kept
    # a second save with the old version names who changed what
    stale = client.post(f"/records/risks/{point.pk}/edit/", {**edit, "level": "low"}).content.decode()
    assert "风险等级" in stale and RiskPoint.objects.get().level == "medium"
    # a date in the future and a holder of another unit are refused in Chinese
    point.refresh_from_db()
    bad = client.post(f"/records/risks/{point.pk}/edit/", {**edit, "version": point.version,
                                                           "identified_on": "2099-1-1"}).content.decode()
    assert "晚于今天" in bad and RiskPoint.objects.get().identified_on == dt.date(2024, 3, 2)
    bad = client.post(f"/records/risks/{point.pk}/edit/", {**edit, "version": point.version,
                                                           "holder": world.staff_a1.pk}).content.decode()
    assert f"“{world.staff_a1.name}”不是" in bad and RiskPoint.objects.get().holder == world.principal_a
    # the figures count the corrected category; others may not edit
    found = {f.kind: f.count for f in engine.figures(unit=world.a, date_from=dt.date(2024, 1, 1),
                                                     date_to=dt.date(2024, 12, 31), kinds=["risk."])}
    assert found["risk.process"] == 1 and found["risk.authority"] == 0
    assert world.client("clerk_b").get(f"/records/risks/{point.pk}/edit/").status_code == 404
    assert world.client("supervisor").get(f"/records/risks/{point.pk}/edit/").status_code == 403


def test_a_duty_is_reworded_with_its_version_and_removed_from_the_list(world):
    duty = make_duty(world)
    client = world.client("clerk_a")
    page = client.get(f"/records/duties/{duty.pk}/edit/").content.decode()
    assert duty.text in page and "删除此事项" in page
    study = kind("central_group_study")
    data = {"text": "每月召开党组会研究党风廉政建设", "frequency": "monthly", "kinds": [study.pk],
            "version": duty.version}
    assert client.post(f"/records/duties/{duty.pk}/edit/", data).status_code == 302
    duty.refresh_from_db()
    assert (duty.text, duty.frequency, list(duty.kinds.all())) == ("每月召开党组会研究党风廉政建设", "monthly", [study])
    from qinglian.audit.models import AuditEntry

    assert AuditEntry.objects.filter(summary__contains="佐证记录类型：党组会（部务会） → 中心组学习").exists()
    stale = client.post(f"/records/duties/{duty.pk}/edit/", {**data, "text": "旧版本"}).content.decode()
    assert "责任事项" in stale and Duty.objects.get(pk=duty.pk).text == "每月召开党组会研究党风廉政建设"
    assert world.client("clerk_b").get(f"/records/duties/{duty.pk}/edit/").status_code == 404
    assert world.client("supervisor").post(f"/records/duties/{duty.pk}/delete/").status_code == 403
    assert client.post(f"/records/duties/{duty.pk}/delete/").status_code == 302
    assert not Duty.objects.filter(pk=duty.pk).exists() and Duty.with_deleted.filter(pk=duty.pk).exists()
    assert f"/records/duties/{duty.pk}/\"" not in client.get(f"/records/duties/lists/{duty.duty_list_id}/").content.decode()
