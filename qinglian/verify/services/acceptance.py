"""完成 → 验收, and a recurrence in the watch window reopening the same problem (never a new one).

The ledger calls back here before each 销号 step (`hooks.install`): where 验收 is required, asking for 销号
needs evidence, and a leader's plain approval is refused (it is 完成 here, with the 真实性承诺)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from qinglian.audit.models import Action
from qinglian.ledger.models import (
    Closure,
    ClosureStep,
    ClosureStepKind,
    Measure,
    MeasureStatus,
    Problem,
)
from qinglian.ledger.services import ledger_measure_approve, ledger_measure_return
from qinglian.lib.services import record_create, record_update
from qinglian.org.models import Role
from qinglian.org.scoping import may_see_unit
from qinglian.verify.models import Acceptance, AcceptanceState, Recurrence
from qinglian.verify.rules import (
    INSPECTION_KINDS,
    acceptance_refusal,
    acceptance_required,
    add_months,
    has_evidence,
    pending_acceptance,
    watch_months,
)
from qinglian.verify.services import date_zh, refuse, require
from qinglian.verify.services.reopen import family, reopen_for_rework

NEEDS_EVIDENCE = "须经验收的措施要附证明材料：请先在“整改进展”中上传，再申请销号或批准完成。"


# -- the ledger's 销号 steps, checked ------------------------------------------------------------------------
def check_request(*, user: Any, measure: Measure, closure: str) -> None:
    if acceptance_required(measure) and not has_evidence(measure):
        raise ValidationError(NEEDS_EVIDENCE)


def check_approve(*, user: Any, measure: Measure, closure: str) -> None:
    if closure == Closure.CLOSED and acceptance_required(measure):
        if measure.closure == Closure.VERIFYING:
            raise ValidationError("该措施已批准完成，正在等待验收：请由分管领导或反馈机关的监督员在“完成与验收”处验收。")
        raise ValidationError("该措施须经验收：请在“完成与验收”处勾选真实性承诺后批准完成，"
                              "再由分管领导或反馈机关的监督员验收。")


# -- 完成 ------------------------------------------------------------------------------------------------
def verify_measure_complete(*, user: Any, measure: Measure, opinion: str, pledge: bool,
                            request: Any = None) -> Acceptance:
    """The leader approves 完成 with the 真实性承诺; the measure waits for 验收 (已完成待验收)."""
    if not acceptance_required(measure):
        raise ValidationError("该措施不须验收：请直接批准销号。")
    if not pledge:
        raise ValidationError({"pledge": ["请勾选真实性承诺：确认整改情况和证明材料真实、完整，经得起核查。"]})
    if not has_evidence(measure):
        raise ValidationError(NEEDS_EVIDENCE)
    with transaction.atomic():
        for old in Acceptance.objects.filter(measure=measure, state=AcceptanceState.PENDING):
            record_update(user=user, obj=old, data={"state": AcceptanceState.WITHDRAWN}, version=old.version,
                          summary=f"旧的完成审批作废（重新批准完成）：{measure}")
        measure = ledger_measure_approve(user=user, measure=measure, opinion=f"批准完成（待验收）：{opinion}",
                                         closure=Closure.VERIFYING, request=request)
        assert measure.closed_at is not None
        return record_create(user=user, obj=Acceptance(
            measure=measure, unit=measure.unit, completed_by=user, completed_on=measure.closed_at, pledge=True,
            security_label=measure.security_label), summary=f"批准完成，待验收：{measure}", request=request)


# -- 验收 ------------------------------------------------------------------------------------------------
def _pending(user: Any, measure: Measure) -> Acceptance:
    acceptance = pending_acceptance(measure)
    if acceptance is None:
        raise ValidationError("该措施没有待验收的完成审批。")
    if reason := acceptance_refusal(user, measure, acceptance):
        raise refuse(user, reason, measure)
    return acceptance


def verify_measure_accept(*, user: Any, measure: Measure, opinion: str, today: dt.date | None = None,
                          request: Any = None) -> Acceptance:
    """验收通过: the measure is 销号 (its 销号 date stays the day 完成 was approved); items of an inspection
    enter the watch window."""
    acceptance = _pending(user, measure)
    opinion = require(opinion, "验收意见")
    today = today or timezone.localdate()
    watch = add_months(today, watch_months(measure.unit)) if measure.source.kind in INSPECTION_KINDS else None
    with transaction.atomic():
        record_create(user=user, obj=ClosureStep(unit=measure.unit, problem=measure.problem, measure=measure,
                                                 kind=ClosureStepKind.APPROVE, opinion=f"验收通过：{opinion}"))
        record_update(user=user, obj=measure, data={"closure": Closure.CLOSED}, version=measure.version,
                      action=Action.APPROVE, summary=f"验收通过，销号：{measure}", request=request)
        return record_update(user=user, obj=acceptance, data={
            "state": AcceptanceState.ACCEPTED, "accepted_by": user, "accepted_on": today, "opinion": opinion,
            "watch_until": watch}, version=acceptance.version, action=Action.APPROVE,
            summary=f"验收通过：{measure}", request=request)


def verify_measure_reject(*, user: Any, measure: Measure, reason: str, request: Any = None) -> Acceptance:
    """验收不通过: the measure goes back to the unit (退回), to be done and approved again."""
    acceptance = _pending(user, measure)
    reason = require(reason, "验收不通过的理由")
    with transaction.atomic():
        acceptance = record_update(user=user, obj=acceptance, data={
            "state": AcceptanceState.REFUSED, "accepted_by": user, "accepted_on": timezone.localdate(),
            "opinion": reason}, version=acceptance.version, action=Action.RETURN,
            summary=f"验收不通过：{measure}（{reason}）", request=request)
        ledger_measure_return(user=user, measure=Measure.objects.get(pk=measure.pk),
                              reason=f"验收不通过：{reason}", request=request)
    return acceptance


# -- 复发 ------------------------------------------------------------------------------------------------
def watch_window(problem: Problem) -> dt.date | None:
    """The end of the problem's watch window: the latest 验收 of its measures (of its parts, if split)."""
    found = (Acceptance.objects.filter(measure__problem__in=family(problem), state=AcceptanceState.ACCEPTED,
                                       watch_until__isnull=False).order_by("-watch_until").first())
    return found.watch_until if found else None


def verify_recurrence(*, user: Any, problem: Problem, note: str, today: dt.date | None = None,
                      request: Any = None) -> Recurrence:
    """A problem of an inspection found again within its watch window: the same problem and its measures are
    reopened for rework (重新整改), with the finding in their history."""
    if getattr(user, "role", None) not in (Role.CLERK, Role.LEADER, Role.SUPERVISOR) or not may_see_unit(
            user, problem.unit):
        raise refuse(user, "无权登记该问题的复发情况。", problem)
    note = require(note, "复发情况")
    today = today or timezone.localdate()
    if problem.source.kind not in INSPECTION_KINDS:
        raise ValidationError("只有巡察、巡视反馈的问题在验收后设有观察期；其他问题如有反弹，请通过“回头看”记录。")
    until = watch_window(problem)
    if until is None:
        raise ValidationError("该问题的整改措施尚未验收通过，还没有观察期：请继续整改，或退回重办。")
    if today > until:
        raise ValidationError(f"观察期已于{date_zh(until)}结束：此后再发现的同类问题，请作为新问题录入台账。")
    with transaction.atomic():
        measures = list(Measure.objects.filter(problem__in=family(problem)).exclude(status=MeasureStatus.LONG_TERM))
        reopened = reopen_for_rework(user=user, problem=problem, measures=measures, note=f"观察期内复发：{note}",
                                     request=request)
        return record_create(user=user, obj=Recurrence(
            problem=problem, unit=problem.unit, note=note, watch_until=until, measures_reopened=reopened,
            security_label=problem.security_label), summary=f"登记观察期内复发：{problem}", request=request)
