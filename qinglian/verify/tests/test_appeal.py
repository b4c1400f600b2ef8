"""申诉: decided only by the office that issued the thing (the level above for a colour), audited, the original
kept; 投诉建议: reaches the system admin's inbox and the unit above, answered on the list page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qinglian.audit.models import Action, AuditEntry
from qinglian.ledger.models import Measure, OrderState, SupervisionOrder
from qinglian.notify.models import Message
from qinglian.verify.models import Appeal, AppealState, Complaint, SpotCheckItem, Verdict
from qinglian.verify.services import date_zh
from qinglian.verify.services.appeal import verify_appeal_decide, verify_appeal_file, verify_complaint_answer
from qinglian.verify.services.spotcheck import verify_spotcheck_draw, verify_spotcheck_record
from qinglian.verify.tests.test_spotcheck import closed_measures


def _false_finding(v) -> SpotCheckItem:  # type: ignore[no-untyped-def]
    closed_measures(v, 1)
    check = verify_spotcheck_draw(user=v.w.supervisor, unit=v.w.county, title="核查", size=1, seed=3)
    item = check.items.get()
    return verify_spotcheck_record(user=v.w.supervisor, item=item, verdict=Verdict.FALSE, notes="群众反映未落实")


def test_an_order_appeal_is_decided_by_the_issuing_office_only_audited_and_the_original_kept(v) -> None:  # type: ignore[no-untyped-def]
    w = v.w
    order = SupervisionOrder.objects.get(pk=_false_finding(v).order_issued_id)
    with pytest.raises(PermissionDenied):
        verify_appeal_file(user=w.clerk_b, subject="order", target=order, reason="不是本单位的")
    appeal = verify_appeal_file(user=w.clerk_a, subject="order", target=order,
                                reason="该制度已于上月印发执行，附会议纪要，走访对象非本单位职工")
    assert appeal.original.startswith("督办") and order.content in appeal.original
    assert Message.objects.filter(user=w.supervisor, kind="appeal").exists()  # the issuer hears of it

    with pytest.raises(PermissionDenied, match="自己提出"):
        verify_appeal_decide(user=w.clerk_a, appeal=appeal, state=AppealState.GRANTED, decision="同意")
    for other in (w.leader_a, v.office_supervisor):  # the unit itself; a supervisor of another office
        with pytest.raises(PermissionDenied, match="作出该督办的机关"):
            verify_appeal_decide(user=other, appeal=appeal, state=AppealState.GRANTED, decision="同意")
    assert AuditEntry.objects.filter(action=Action.REFUSED, actor=v.office_supervisor).exists()

    appeal = verify_appeal_decide(user=w.supervisor, appeal=appeal, state=AppealState.GRANTED,
                                  decision="经复核，申诉理由成立，撤销督办")
    assert appeal.state == AppealState.GRANTED and appeal.decided_by == w.supervisor
    assert SupervisionOrder.objects.get(pk=order.pk).state == OrderState.CLOSED
    assert Appeal.objects.get(pk=appeal.pk).original.startswith("督办")  # as it read when appealed
    entry = AuditEntry.objects.filter(object_type="verify.appeal", object_id=str(appeal.pk),
                                      action=Action.APPROVE).get()
    assert entry.actor == w.supervisor and "申诉成立" in entry.summary
    assert Message.objects.filter(user=w.clerk_a, kind="appeal", title__contains="申诉成立").exists()
    with pytest.raises(ValidationError, match="已处理"):
        verify_appeal_decide(user=w.supervisor, appeal=appeal, state=AppealState.UPHELD, decision="x")


def test_a_finding_appeal_granted_changes_the_verdict_and_keeps_the_first(v) -> None:  # type: ignore[no-untyped-def]
    w = v.w
    item = _false_finding(v)
    appeal = verify_appeal_file(user=w.leader_a, subject="finding", target=item, reason="核查对象有误")
    with pytest.raises(ValidationError, match="正在处理"):
        verify_appeal_file(user=w.clerk_a, subject="finding", target=item, reason="再申诉")
    verify_appeal_decide(user=w.supervisor, appeal=appeal, state=AppealState.GRANTED, decision="复核属实",
                         verdict=Verdict.TRUE)
    assert SpotCheckItem.objects.get(pk=item.pk).verdict == Verdict.TRUE
    assert "不属实" in Appeal.objects.get(pk=appeal.pk).original


def test_a_colour_is_decided_by_the_level_above_and_units_see_only_their_own(v) -> None:  # type: ignore[no-untyped-def]
    w = v.w
    today = timezone.localdate()
    m = v.measure(deadline=date_zh(today - dt.timedelta(days=3)))  # open and overdue: red
    appeal = verify_appeal_file(user=w.clerk_a, subject="colour", target=m, reason="时限系录入错误，应为年底")
    assert appeal.original.startswith("红色预警")
    with pytest.raises(PermissionDenied, match="上级单位"):
        verify_appeal_decide(user=w.leader_a, appeal=appeal, state=AppealState.GRANTED, decision="同意")
    verify_appeal_decide(user=w.supervisor, appeal=appeal, state=AppealState.UPHELD, decision="时限以反馈意见为准")
    assert Measure.objects.get(pk=m.pk).deadline == today - dt.timedelta(days=3)

    assert w.client("clerk_b").get(f"/verify/appeals/{appeal.pk}/").status_code == 404
    page = w.client("clerk_a").get(f"/verify/appeals/{appeal.pk}/")
    assert page.status_code == 200 and "维持原结论" in page.content.decode() and "红色预警" in page.content.decode()
    green = v.measure(text="远期措施", deadline=date_zh(today + dt.timedelta(days=200)))
    with pytest.raises(ValidationError, match="没有三色预警"):
        verify_appeal_file(user=w.clerk_a, subject="colour", target=green, reason="x")


def test_a_complaint_reaches_the_sysadmin_and_the_unit_above_and_is_answered(v) -> None:  # type: ignore[no-untyped-def]
    w = v.w
    client = w.client("clerk_a")
    response = client.post("/verify/complaints/", {"kind": "complaint", "title": "要求重复填报同一表格",
                                                    "text": "县委办和纪委先后要求报送同一份整改台账。"})
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.unit == w.a and complaint.above == w.county
    assert Message.objects.filter(user=w.sysadmin, kind="complaint", title__contains="要求重复填报").exists()
    assert Message.objects.filter(user=w.supervisor, kind="complaint").exists()  # the county's overseer
    assert not Message.objects.filter(user=w.clerk_b).exists()
    assert "投诉：要求重复填报同一表格" in w.client("sysadmin").get("/notify/").content.decode()

    assert "要求重复填报" not in w.client("clerk_b").get("/verify/complaints/").content.decode()
    with pytest.raises(PermissionDenied):
        verify_complaint_answer(user=w.clerk_b, complaint=complaint, answer="x")
    admin = w.client("sysadmin")
    assert admin.post(f"/verify/complaints/{complaint.pk}/answer/", {"answer": "已转县委办统筹，只报一次。"}).status_code == 302
    assert Complaint.objects.get().answer == "已转县委办统筹，只报一次。"
    assert Message.objects.filter(user=w.clerk_a, kind="complaint", title__contains="已答复").exists()


def test_the_measure_and_order_pages_lead_to_an_appeal(v) -> None:  # type: ignore[no-untyped-def]
    w = v.w
    order = SupervisionOrder.objects.get(pk=_false_finding(v).order_issued_id)
    clerk = w.client("clerk_a")
    listing = clerk.get("/ledger/orders/?state=open").content.decode()
    link = f'/verify/appeals/new/?order={order.pk}'
    assert f'href="{link}"' in listing
    assert clerk.get(link).status_code == 200
    late = v.measure(deadline="2026年4月30日")  # long past: red
    page = clerk.get(f"/ledger/measures/{late.pk}/").content.decode()
    assert f'href="/verify/appeals/new/?measure={late.pk}"' in page and "对预警颜色申诉" in page
    green = v.measure(deadline="2027年6月30日")  # nothing to appeal while it is green
    assert "对预警颜色申诉" not in clerk.get(f"/ledger/measures/{green.pk}/").content.decode()
