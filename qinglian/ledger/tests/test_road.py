"""The whole road through HTTP: feedback → problems → measures → progress → 销号 → 回头看 → reopen, with the
foundation's scoping at every step (clerk_b 404s; supervisor returns and 督办 but cannot edit; clerk cannot
approve 销号; leader can)."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qinglian.audit.models import AuditEntry
from qinglian.ledger.models import (
    Aspect,
    Closure,
    Evidence,
    FollowUp,
    Measure,
    MeasureStatus,
    OrderState,
    Problem,
    Source,
    SupervisionOrder,
)
from qinglian.verify.testing import one_step_closure


def _ok(response, status: int = 302) -> None:
    assert response.status_code == status, response.content.decode()[:500]


def test_the_whole_road(world) -> None:
    one_step_closure(world.a)  # 销号 in one step here; verify's tests walk 完成 → 验收 of a 巡察 item
    clerk, leader, other, sup = (world.client(n) for n in ("clerk_a", "leader_a", "clerk_b", "supervisor"))

    # feedback
    _ok(clerk.post("/ledger/sources/new/", {"kind": "inspection", "issued_by": "县委第三巡察组",
                                             "feedback_date": "2026年3月2日"}))
    source = Source.objects.get()
    assert source.unit == world.a and str(source) == "县委第三巡察组巡察反馈问题整改台账"
    assert other.get(f"/ledger/sources/{source.pk}/").status_code == 404
    assert sup.get(f"/ledger/sources/{source.pk}/").status_code == 200
    _ok(sup.post("/ledger/sources/new/", {"kind": "audit", "issued_by": "x"}), 403)

    # aspects, problems, sub-problems
    _ok(clerk.post(f"/ledger/sources/{source.pk}/aspects/", {"title": "落实管党治党政治责任方面"}))
    aspect = Aspect.objects.get()
    _ok(other.post(f"/ledger/sources/{source.pk}/aspects/", {"title": "偷加"}), 404)
    _ok(sup.post(f"/ledger/sources/{source.pk}/aspects/", {"title": "偷加"}), 403)
    _ok(clerk.post(f"/ledger/aspects/{aspect.pk}/problems/", {"text": "单位财务管理不规范，制度执行不严格。"}))
    parent = Problem.objects.get()
    _ok(clerk.post(f"/ledger/aspects/{aspect.pk}/problems/", {"text": "针对“执行财经纪律不严”问题。",
                                                               "parent": parent.pk}))
    problem = Problem.objects.get(parent=parent)
    assert problem.number == "（1）" and not Problem.objects.get(pk=parent.pk).is_leaf

    # measures, owners from the unit tree, deadlines as typed
    _ok(clerk.post(f"/ledger/problems/{problem.pk}/measures/", {
        "text": "修订完善财务管理制度", "leader_in_charge": world.member_a.pk, "responsible_unit": world.a1.pk,
        "owner": world.staff_a1.pk, "deadline_text": "2026年6月底", "status": "not_started"}))
    _ok(clerk.post(f"/ledger/problems/{problem.pk}/measures/", {
        "text": "经常性开展警示教育", "owner": world.staff_a.pk, "deadline_text": "长期坚持", "status": "in_progress"}))
    m1, m2 = Measure.objects.order_by("order")
    assert m1.deadline == dt.date(2026, 6, 30) and m2.status == MeasureStatus.LONG_TERM and m2.deadline is None
    _ok(other.post(f"/ledger/problems/{problem.pk}/measures/", {"text": "x"}), 404)
    assert other.get(f"/ledger/measures/{m1.pk}/").status_code == 404
    _ok(sup.post(f"/ledger/measures/{m1.pk}/edit/", {"text": "改", "status": "done", "version": 1}), 403)

    # progress with evidence, served only to those who may see the item
    evidence = SimpleUploadedFile("制度文件.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    _ok(clerk.post(f"/ledger/measures/{m1.pk}/progress/", {"text": "已印发《机关财务管理制度》", "status_after": "done",
                                                            "files": [evidence]}))
    m1.refresh_from_db()
    assert m1.status == MeasureStatus.DONE
    ev = Evidence.objects.get()
    download = clerk.get(f"/ledger/evidence/{ev.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 test"
    assert other.get(f"/ledger/evidence/{ev.pk}/").status_code == 404
    assert world.client("auditor").get(f"/ledger/evidence/{ev.pk}/").status_code == 403

    # 销号 of a measure: the clerk asks, cannot approve; the supervisor returns; the leader approves
    _ok(clerk.post(f"/ledger/measures/{m1.pk}/request-close/", {"opinion": "制度已印发"}))
    _ok(clerk.post(f"/ledger/measures/{m1.pk}/approve/", {"opinion": "同意"}), 403)
    _ok(sup.post(f"/ledger/measures/{m1.pk}/approve/", {"opinion": "同意"}), 403)
    _ok(sup.post(f"/ledger/measures/{m1.pk}/return/", {"opinion": "未见制度执行情况的材料"}))
    m1.refresh_from_db()
    assert m1.closure == Closure.RETURNED and m1.status == MeasureStatus.IN_PROGRESS
    _ok(clerk.post(f"/ledger/measures/{m1.pk}/progress/", {"text": "补充执行情况：开展财务自查1次", "status_after": "done"}))
    _ok(leader.post(f"/ledger/measures/{m1.pk}/approve/", {"opinion": ""}), 400)
    m1.refresh_from_db()
    assert m1.closure == Closure.OPEN  # an approval needs an opinion
    _ok(leader.post(f"/ledger/measures/{m1.pk}/approve/", {"opinion": "同意销号", "version": m1.version}))
    m1.refresh_from_db()
    assert m1.closure == Closure.CLOSED and m1.closed_at is not None

    # 销号 of the problem: all measures closed or 长期坚持; then the parent with all its parts
    _ok(clerk.post(f"/ledger/problems/{problem.pk}/approve/", {"opinion": "同意"}), 403)
    _ok(leader.post(f"/ledger/problems/{problem.pk}/approve/", {"opinion": "整改到位，同意销号"}))
    problem.refresh_from_db()
    assert problem.closure == Closure.CLOSED
    _ok(leader.post(f"/ledger/problems/{parent.pk}/approve/", {"opinion": "同意"}))
    assert Problem.objects.get(pk=parent.pk).closure == Closure.CLOSED

    # 督办: the supervisor issues, the unit answers, open orders counted on both sides
    due = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    _ok(sup.post(f"/ledger/problems/{problem.pk}/orders/", {"content": "请补充制度执行情况", "due_date": due}))
    _ok(clerk.post(f"/ledger/problems/{problem.pk}/orders/", {"content": "x", "due_date": due}), 403)
    order = SupervisionOrder.objects.get()
    assert "未办结督办 1 件" in clerk.get("/ledger/").content.decode()
    assert "未办结督办（1 件）" in sup.get("/ledger/mine/").content.decode()
    _ok(clerk.post(f"/ledger/orders/{order.pk}/answer/", {"answer": "已补充自查报告"}))
    _ok(clerk.post(f"/ledger/orders/{order.pk}/close/"), 403)
    _ok(sup.post(f"/ledger/orders/{order.pk}/close/"))
    assert SupervisionOrder.objects.get().state == OrderState.CLOSED

    # 回头看: scheduled, relapse found → the same problem reopened, never duplicated
    _ok(clerk.post(f"/ledger/problems/{problem.pk}/follow-ups/", {"scheduled_date": "2026-09-30"}))
    follow_up = FollowUp.objects.get()
    _ok(sup.post(f"/ledger/follow-ups/{follow_up.pk}/record/", {"result": "relapsed", "finding": "x"}), 403)
    _ok(clerk.post(f"/ledger/follow-ups/{follow_up.pk}/record/", {"result": "relapsed",
                                                                   "finding": "又发现违规报销差旅费2笔"}))
    problem.refresh_from_db()
    assert problem.closure == Closure.REOPENED and problem.reopened_count == 1
    assert Problem.objects.get(pk=parent.pk).closure == Closure.REOPENED
    assert Problem.objects.count() == 2
    _ok(clerk.post(f"/ledger/problems/{problem.pk}/measures/", {"text": "追缴违规报销费用", "owner": world.staff_a.pk,
                                                                 "deadline_text": "立行立改", "status": "in_progress"}))

    # the problem's page tells the whole story, from our rows and the audit trail
    page = leader.get(f"/ledger/problems/{problem.pk}/").content.decode()
    for event in ("进展", "申请销号", "退回", "批准销号", "督办", "答复督办", "回头看", "重新整改", "新增"):
        assert event in page, event
    assert "制度文件.pdf" in page
    assert other.get(f"/ledger/problems/{problem.pk}/").status_code == 404
    # refused by decorators before the services: audited by the error pages, with the path
    assert AuditEntry.objects.filter(action="refused", summary__contains="POST /ledger/sources/new/").exists()


def test_services_refuse_and_audit_what_the_role_may_not(world) -> None:
    import pytest
    from django.core.exceptions import PermissionDenied

    from qinglian.ledger import services

    source = services.ledger_source_create(user=world.clerk_a, unit=world.a, kind="self_check", issued_by="本单位",
                                           feedback_date=None)
    aspect = services.ledger_aspect_create(user=world.clerk_a, source=source, title="作风方面")
    problem = services.ledger_problem_create(user=world.clerk_a, aspect=aspect, text="问题")
    measure = services.ledger_measure_create(user=world.clerk_a, problem=problem, text="措施", status="done")
    with pytest.raises(PermissionDenied):
        services.ledger_measure_approve(user=world.clerk_a, measure=measure, opinion="同意")
    with pytest.raises(PermissionDenied):
        services.ledger_measure_create(user=world.supervisor, problem=problem, text="x")
    with pytest.raises(PermissionDenied):
        services.ledger_order_issue(user=world.clerk_a, problem=problem, content="x", due_date=dt.date(2026, 1, 1))
    assert AuditEntry.objects.filter(action="refused").count() == 3


def test_a_problem_is_not_closed_while_a_measure_is_open(world) -> None:
    from qinglian.ledger import services

    source = services.ledger_source_create(user=world.clerk_a, unit=world.a, kind="audit", issued_by="县审计局",
                                           feedback_date=None)
    aspect = services.ledger_aspect_create(user=world.clerk_a, source=source, title="财务方面")
    problem = services.ledger_problem_create(user=world.clerk_a, aspect=aspect, text="问题")
    services.ledger_measure_create(user=world.clerk_a, problem=problem, text="措施一", status="in_progress")
    services.ledger_measure_create(user=world.clerk_a, problem=problem, text="措施二", deadline_text="长期坚持")
    response = world.client("leader_a").post(f"/ledger/problems/{problem.pk}/approve/", {"opinion": "同意"},
                                             follow=True)
    assert "措施“措施一”尚未销号" in response.content.decode()
    assert Problem.objects.get(pk=problem.pk).closure == Closure.OPEN
