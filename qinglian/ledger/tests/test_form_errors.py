"""A ledger form refused (by the form or by the service) comes back with everything the user typed, and the
message next to what to fix; nothing is written."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qinglian.ledger import services
from qinglian.ledger.models import (
    Aspect,
    FollowUp,
    Measure,
    MeasureStatus,
    Problem,
    Progress,
    SupervisionOrder,
)
from qinglian.lib import tracking
from qinglian.verify.testing import one_step_closure

FEEDBACK = dt.date(2026, 3, 2)


@pytest.fixture
def tree(world):
    source = services.ledger_source_create(user=world.clerk_a, unit=world.a, kind="inspection",
                                           issued_by="县委第三巡察组", feedback_date=FEEDBACK)
    aspect = services.ledger_aspect_create(user=world.clerk_a, source=source, title="落实管党治党政治责任方面")
    problem = services.ledger_problem_create(user=world.clerk_a, aspect=aspect, text="财务管理不规范。")
    measure = services.ledger_measure_create(user=world.clerk_a, problem=problem, text="修订财务管理制度",
                                             deadline_text="2026年6月底", status=MeasureStatus.IN_PROGRESS)
    return source, aspect, problem, measure


def _page(response, status: int = 400) -> str:
    """A form page shown again: 400 where the form was posted from a record's page, 200 for a form's own page."""
    assert response.status_code == status, response.status_code
    return response.content.decode()


def _selected(html: str, name: str) -> str:
    """The value of the selected <option> of select `name`."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select[1])
    return chosen[1] if chosen else ""


def test_add_measure_with_a_deadline_before_the_feedback_keeps_what_was_typed(world, tree) -> None:
    _, _, problem, _ = tree
    html = _page(world.client("clerk_a").post(f"/ledger/problems/{problem.pk}/measures/", {
        "text": "开展财务专项自查", "owner": world.staff_a.pk, "leader_in_charge": world.member_a.pk,
        "deadline_text": "2026-01-05", "status": "in_progress"}))
    assert "开展财务专项自查</textarea>" in html and 'value="2026-01-05"' in html
    assert _selected(html, "owner") == str(world.staff_a.pk)
    assert _selected(html, "leader_in_charge") == str(world.member_a.pk)
    assert _selected(html, "status") == "in_progress"
    assert "整改时限2026年1月5日早于县委第三巡察组反馈日期2026年3月2日" in html
    assert "<details open>" in html  # the form is not folded away with its errors
    assert Measure.objects.count() == 1


def test_add_measure_with_an_unreadable_deadline_keeps_the_text(world, tree) -> None:
    _, _, problem, _ = tree
    html = _page(world.client("clerk_a").post(f"/ledger/problems/{problem.pk}/measures/", {
        "text": "建立财务审核台账", "deadline_text": "下个月吧", "status": "not_started"}))
    assert "建立财务审核台账</textarea>" in html and 'value="下个月吧"' in html and "长期坚持" in html
    assert Measure.objects.count() == 1


def test_progress_with_evidence_and_a_future_date_keeps_text_status_and_date(world, tree) -> None:
    *_, measure = tree
    later = timezone.localdate() + dt.timedelta(days=3)
    evidence = SimpleUploadedFile("制度文件.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    html = _page(world.client("clerk_a").post(f"/ledger/measures/{measure.pk}/progress/", {
        "text": "已印发《机关财务管理制度》", "status_after": "done", "date": later.isoformat(), "files": [evidence]}))
    assert "已印发《机关财务管理制度》</textarea>" in html
    assert _selected(html, "status_after") == "done" and f'value="{later.isoformat()}"' in html
    assert "晚于今天" in html and "请重新选择附件" in html
    assert not Progress.objects.exists()
    assert Measure.objects.get(pk=measure.pk).status == MeasureStatus.IN_PROGRESS


def test_progress_without_text_keeps_status_and_date(world, tree) -> None:
    *_, measure = tree
    html = _page(world.client("clerk_a").post(f"/ledger/measures/{measure.pk}/progress/", {
        "text": "", "status_after": "long_term", "date": "2026-05-06"}))
    assert _selected(html, "status_after") == "long_term" and 'value="2026-05-06"' in html
    assert "请重新选择附件" not in html  # no file was chosen
    assert not Progress.objects.exists()


def test_edit_measure_keeps_what_was_typed(world, tree) -> None:
    *_, measure = tree
    html = _page(world.client("clerk_a").post(f"/ledger/measures/{measure.pk}/edit/", {
        "text": "修订财务管理制度（改）", "deadline_text": "2025年12月底", "status": "in_progress", "version": 1}), 200)
    assert html.count("早于县委第三巡察组反馈日期") == 1 and "修订财务管理制度（改）</textarea>" in html
    assert Measure.objects.get(pk=measure.pk).deadline == dt.date(2026, 6, 30)


def test_approve_refused_keeps_the_opinion(world, tree) -> None:
    *_, measure = tree
    one_step_closure(world.a)  # the plain 销号 form (verify's tests cover 完成 → 验收)
    services.ledger_progress_add(user=world.clerk_a, measure=measure, text="已印发制度", status_after="done")
    # the leader opened the page before the clerk's report: the approval is refused, the opinion stays
    html = _page(world.client("leader_a").post(f"/ledger/measures/{measure.pk}/approve/",
                                               {"opinion": "经核实整改到位", "version": 1}))
    assert "已被他人修改" in html and 'value="经核实整改到位"' in html
    assert Measure.objects.get(pk=measure.pk).closure == "open"


def test_problem_page_answer_and_order_keep_their_text(world, tree) -> None:
    _, _, problem, measure = tree
    sup = world.client("supervisor")
    # an order due in the past, from the problem's page and from the measure's page
    html = _page(sup.post(f"/ledger/problems/{problem.pk}/orders/", {"content": "请说明整改进度",
                                                                      "due_date": "2020-01-10"}))
    assert "请说明整改进度</textarea>" in html and 'value="2020-01-10"' in html and "已经过去" in html
    assert "<h1>" in html and "财务管理不规范" in html
    html = _page(sup.post(f"/ledger/problems/{problem.pk}/orders/", {"content": "请补充佐证材料",
                                                                      "due_date": "2020-01-10",
                                                                      "measure": measure.pk}))
    assert "请补充佐证材料</textarea>" in html and "<h1>整改措施 " in html
    assert not SupervisionOrder.objects.exists()


def test_aspect_too_long_keeps_its_title(world, tree) -> None:
    source, *_ = tree
    title = "落实意识形态工作责任制" * 50
    html = _page(world.client("clerk_a").post(f"/ledger/sources/{source.pk}/aspects/", {"title": title}))
    assert f'value="{title}"' in html and "500" in html
    assert Aspect.objects.count() == 1


def test_follow_up_forms_keep_what_was_typed(world, tree) -> None:
    _, _, problem, measure = tree
    with tracking.bulk("测试准备"):
        Measure.objects.filter(pk=measure.pk).update(status=MeasureStatus.LONG_TERM)
    services.ledger_problem_approve(user=world.leader_a, problem=Problem.objects.get(pk=problem.pk), opinion="同意")
    client = world.client("clerk_a")
    html = _page(client.post(f"/ledger/problems/{problem.pk}/follow-ups/", {"scheduled_date": "九月份"}))
    assert 'value="九月份"' in html
    follow_up = services.ledger_follow_up_schedule(user=world.clerk_a, problem=Problem.objects.get(pk=problem.pk),
                                                   scheduled_date=timezone.localdate())
    later = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    html = _page(client.post(f"/ledger/follow-ups/{follow_up.pk}/record/", {
        "result": "relapsed", "finding": "又发现违规报销2笔", "done_date": later}))
    assert "又发现违规报销2笔</textarea>" in html and f'value="{later}"' in html and "晚于今天" in html
    assert FollowUp.objects.get(pk=follow_up.pk).result == "pending"
