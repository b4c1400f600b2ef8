"""延期: asked by the unit, approved by its leader and then the issuing office's supervisor; the deadline in
force moves, the original stays on the record, and 三色 judges the new one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qinglian.ledger.calendar import warning_bounds
from qinglian.ledger.models import Measure, warning_q
from qinglian.ledger.selectors import with_warnings
from qinglian.verify.models import Extension, ExtensionState
from qinglian.verify.services.extension import verify_extension_decide, verify_extension_request
from qinglian.verify.tests.conftest import new_problem

TODAY = dt.date(2026, 7, 6)  # a Monday after the original deadline


def test_extension_approved_by_leader_then_office(v) -> None:
    w = v.w
    m = v.measure(deadline="2026年6月30日")
    bounds = warning_bounds(TODAY)
    assert with_warnings([m], TODAY)[0].level == "red"

    ext = verify_extension_request(user=w.clerk_a, measure=m, reason="需待县财政局新系统上线后统一调整",
                                   proposed_date=dt.date(2026, 7, 10))
    assert ext.needs_issuer and ext.state == ExtensionState.LEADER and ext.original_deadline == dt.date(2026, 6, 30)
    with pytest.raises(ValidationError, match="正在审批"):
        verify_extension_request(user=w.clerk_a, measure=m, reason="再申请", proposed_date=dt.date(2026, 8, 1))

    # the office cannot decide before the leader; the clerk never
    with pytest.raises(PermissionDenied, match="负责人"):
        verify_extension_decide(user=v.office_supervisor, extension=ext, approve=True, opinion="同意")
    with pytest.raises(PermissionDenied):
        verify_extension_decide(user=w.clerk_a, extension=ext, approve=True, opinion="同意")
    ext = verify_extension_decide(user=w.leader_a, extension=ext, approve=True, opinion="同意", today=TODAY)
    assert ext.state == ExtensionState.ISSUER
    assert Measure.objects.get(pk=m.pk).deadline == dt.date(2026, 6, 30)  # not yet in force

    # only the issuing office's supervisor: not the one who merely oversees the county
    with pytest.raises(PermissionDenied, match="县委巡察办"):
        verify_extension_decide(user=w.supervisor, extension=ext, approve=True, opinion="同意")
    ext = verify_extension_decide(user=v.office_supervisor, extension=ext, approve=True, opinion="同意延期",
                                  today=TODAY)
    assert ext.state == ExtensionState.APPROVED and ext.decided_on == TODAY

    m = Measure.objects.get(pk=m.pk)
    assert m.deadline == dt.date(2026, 7, 10) and m.deadline_text == "2026年7月10日"
    assert Extension.objects.get(pk=ext.pk).original_deadline == dt.date(2026, 6, 30)
    # 三色 by the new deadline: four working days ahead is yellow, not red; the list rule agrees
    assert with_warnings([m], TODAY)[0].level == "yellow"
    assert Measure.objects.filter(warning_q("red", bounds), pk=m.pk).count() == 0
    assert Measure.objects.filter(warning_q("yellow", bounds), pk=m.pk).count() == 1


def test_own_feedback_needs_the_leader_only_and_refusal_keeps_the_deadline(v) -> None:
    w = v.w
    from qinglian.ledger.services import ledger_source_create

    own = ledger_source_create(user=w.clerk_a, unit=w.a, kind="self_check", issued_by="县委宣传部",
                               feedback_date=dt.date(2026, 3, 2))
    m = v.measure(problem=new_problem(own, w.clerk_a, "学习制度落实不够"))
    ext = verify_extension_request(user=w.clerk_a, measure=m, reason="x", proposed_date=dt.date(2026, 9, 30))
    assert not ext.needs_issuer
    ext = verify_extension_decide(user=w.leader_a, extension=ext, approve=True, opinion="同意")
    assert ext.state == ExtensionState.APPROVED and Measure.objects.get(pk=m.pk).deadline == dt.date(2026, 9, 30)

    ext2 = verify_extension_request(user=w.clerk_a, measure=Measure.objects.get(pk=m.pk), reason="再延",
                                    proposed_date=dt.date(2026, 12, 31))
    ext2 = verify_extension_decide(user=w.leader_a, extension=ext2, approve=False, opinion="不同意，按期完成")
    assert ext2.state == ExtensionState.REFUSED and Measure.objects.get(pk=m.pk).deadline == dt.date(2026, 9, 30)


def test_a_date_not_later_is_refused_and_other_units_cannot_ask(v) -> None:
    m = v.measure(deadline="2026年6月30日")
    with pytest.raises(ValidationError, match="晚于"):
        verify_extension_request(user=v.w.clerk_a, measure=m, reason="x", proposed_date=dt.date(2026, 6, 30))
    with pytest.raises(PermissionDenied):
        verify_extension_request(user=v.w.clerk_b, measure=m, reason="x", proposed_date=dt.date(2026, 9, 30))
