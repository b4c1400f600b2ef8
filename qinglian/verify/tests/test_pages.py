"""The pages: the measure page's panel (延期, 完成 with the 真实性承诺, 验收, 配合单位) walked through HTTP; an
assisting unit sees the measure and reports on its part but cannot ask for 销号; the pending list."""

from __future__ import annotations

import datetime as dt

from qinglian.ledger.models import Closure, Measure
from qinglian.lib.testing import client_for, make_unit, make_user
from qinglian.org.models import Role, UnitKind
from qinglian.verify.models import AssistingUnit, Extension, ExtensionState, PartProgress


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def test_extension_and_acceptance_through_the_pages(v) -> None:
    w = v.w
    m = v.measure(deadline="2030年6月30日")
    clerk, leader, office = w.client("clerk_a"), w.client("leader_a"), client_for(v.office_supervisor)
    page = _text(clerk.get(m.get_absolute_url()))
    assert "牵头单位" in page and "新闻宣传股" in page and 'for="id_proposed_date"' in page

    assert clerk.post(f"/verify/measures/{m.pk}/extensions/", {"proposed_date": "2030年9月30日",
                                                                 "reason": "需配合上级统一部署"}).status_code == 302
    ext = Extension.objects.get()
    assert "待负责人审批" in _text(leader.get("/verify/"))
    leader.post(f"/verify/extensions/{ext.pk}/decide/", {"decision": "approve", "opinion": "同意"})
    assert Extension.objects.get().state == ExtensionState.ISSUER
    assert "没有待审批的延期申请" in _text(leader.get("/verify/"))
    assert m.text in _text(office.get("/verify/"))
    office.post(f"/verify/extensions/{ext.pk}/decide/", {"decision": "approve", "opinion": "同意延期", "back": "pending"})
    m = Measure.objects.get(pk=m.pk)
    assert m.deadline == dt.date(2030, 9, 30)
    page = _text(clerk.get(m.get_absolute_url()))
    assert "经批准延期" in page and "原时限 2030年6月30日，现时限 2030年9月30日" in page, page

    # 完成 without the 真实性承诺 is refused with what to do; with it the item waits for 验收
    v.done(m)
    clerk.post(f"/ledger/measures/{m.pk}/request-close/", {"opinion": "已完成，申请销号"})
    refused = leader.post(f"/verify/measures/{m.pk}/complete/", {"opinion": "同意"}, follow=True)
    assert "请勾选真实性承诺" in _text(refused)
    assert "批准销号" not in _text(leader.get(m.get_absolute_url()))  # the one-step form is not offered
    assert "须经验收" in _text(leader.post(f"/ledger/measures/{m.pk}/approve/", {"opinion": "同意", "version": 1}))
    leader.post(f"/verify/measures/{m.pk}/complete/", {"opinion": "同意", "pledge": "on"})
    m = Measure.objects.get(pk=m.pk)
    assert m.closure == Closure.VERIFYING and "已完成待验收" in _text(clerk.get(m.get_absolute_url()))
    again = leader.post(f"/verify/measures/{m.pk}/accept/", {"decision": "accept", "opinion": "通过"}, follow=True)
    assert "批准完成以外的账号" in _text(again) and Measure.objects.get(pk=m.pk).closure == Closure.VERIFYING
    assert "提交验收结果" in _text(office.get(m.get_absolute_url()))
    office.post(f"/verify/measures/{m.pk}/accept/", {"decision": "accept", "opinion": "书面审核通过"})
    assert Measure.objects.get(pk=m.pk).closure == Closure.CLOSED
    assert w.client("clerk_b").get(m.get_absolute_url()).status_code == 404


def test_an_assisting_unit_sees_the_measure_and_reports_its_part(v) -> None:
    w = v.w
    m = v.measure()
    clerk = w.client("clerk_a")
    clerk.post(f"/verify/measures/{m.pk}/parts/", {"unit": "县财政局", "part": "提供公务支出明细"})
    part = AssistingUnit.objects.get()
    assert part.unit == w.b

    finance = w.client("clerk_b")
    page = _text(finance.get(m.get_absolute_url()))
    assert "配合单位" in page and "报送县财政局的配合进展" in page
    assert finance.post(f"/verify/parts/{part.pk}/progress/", {"text": "已提供2025年明细",
                                                               "status_after": "done"}).status_code == 302
    assert PartProgress.objects.get().text == "已提供2025年明细"
    assert m.text in _text(finance.get("/verify/"))
    # the lead unit alone asks for 销号 and edits the measure; a third unit sees nothing
    assert finance.post(f"/ledger/measures/{m.pk}/request-close/", {"opinion": "申请"}).status_code == 404
    assert finance.get(f"/ledger/measures/{m.pk}/edit/").status_code == 404
    assert finance.post(f"/ledger/measures/{m.pk}/progress/", {"text": "x", "status_after": "done"}).status_code == 403
    other = make_user("clerk_c", Role.CLERK, w.a1)
    assert client_for(other).post(f"/verify/parts/{part.pk}/progress/", {"text": "x", "status_after": "done"}
                                  ).status_code == 404
    outsider = make_user("town_clerk", Role.CLERK, make_unit("城关镇", w.county, UnitKind.TOWN))
    assert client_for(outsider).get(m.get_absolute_url()).status_code == 404


def test_the_problem_page_offers_a_recurrence_in_the_window(v) -> None:
    from qinglian.ledger.models import Problem
    from qinglian.ledger.services import ledger_measure_request_close
    from qinglian.verify.services.acceptance import verify_measure_accept, verify_measure_complete

    w = v.w
    m = v.done(v.measure())
    ledger_measure_request_close(user=w.clerk_a, measure=m, opinion="申请")
    verify_measure_complete(user=w.leader_a, measure=Measure.objects.get(pk=m.pk), opinion="同意", pledge=True)
    verify_measure_accept(user=v.member_leader, measure=Measure.objects.get(pk=m.pk), opinion="通过")
    office = client_for(v.office_supervisor)
    page = _text(office.get(v.problem.get_absolute_url()))
    assert "整改成效观察期" in page and "登记复发" in page and 'for="id_note"' in page
    office.post(f"/verify/problems/{v.problem.pk}/recurrence/", {"note": "又发现公车私用"})
    assert Problem.objects.get(pk=v.problem.pk).closure == Closure.REOPENED
    assert "又发现公车私用" in _text(w.client("clerk_a").get(v.problem.get_absolute_url()))
    assert w.client("clerk_b").post(f"/verify/problems/{v.problem.pk}/recurrence/", {"note": "x"}).status_code == 404
