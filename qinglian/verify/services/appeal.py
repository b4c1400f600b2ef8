"""申诉 and 投诉建议: writes, audited through record_create / record_update; the people concerned are told in
their inbox (notify.Message: a plain row, no reminder machinery)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from qinglian.audit.models import Action
from qinglian.ledger.models import Measure, OrderState, SupervisionOrder
from qinglian.lib.services import record_create, record_update
from qinglian.notify.models import Message
from qinglian.org.scoping import may_write_unit, scope_root
from qinglian.verify.appeals import (
    colour_of,
    complaint_recipients,
    decider_refusal,
    deciders,
    may_answer,
    original_text,
)
from qinglian.verify.models import (
    Appeal,
    AppealState,
    AppealSubject,
    Complaint,
    ComplaintState,
    SpotCheckItem,
    Verdict,
)
from qinglian.verify.services import refuse, require


def tell(users: Iterable[Any], *, kind: str, title: str, body: str, link: str) -> int:
    """One inbox message to each of `users`."""
    now = timezone.now()
    rows = [Message(user_id=u.pk, kind=kind, title=title[:300], body=body, link=link[:300], created_at=now)
            for u in {u.pk: u for u in users}.values()]
    Message.objects.bulk_create(rows)
    return len(rows)


# -- 申诉 -------------------------------------------------------------------------------------------------
def verify_appeal_file(*, user: Any, subject: str, target: Any, reason: str, today: dt.date | None = None,
                       request: Any = None) -> Appeal:
    """A unit's appeal against a colour of its measure, a 督办 it received, or a finding about its item."""
    today = today or timezone.localdate()
    fields: dict[str, Any]
    if subject == AppealSubject.COLOUR and isinstance(target, Measure):
        if not colour_of(target, today):
            raise ValidationError("该措施目前没有三色预警，无需申诉。")
        fields = {"measure": target}
    elif subject == AppealSubject.ORDER and isinstance(target, SupervisionOrder):
        if target.state == OrderState.CLOSED:
            raise ValidationError("该督办已办结，不能再申诉。")
        fields = {"order": target}
    elif subject == AppealSubject.FINDING and isinstance(target, SpotCheckItem):
        if target.verdict not in (Verdict.FALSE, Verdict.PARTIAL):
            raise ValidationError("只能对“不属实”或“部分属实”的抽查结论申诉。")
        fields = {"finding": target}
    else:
        raise ValidationError("请选择申诉的事项。")
    if not may_write_unit(user, target.unit):
        raise refuse(user, "只有被预警、被督办或被抽查单位的录入员或负责人可以申诉。", target)
    if Appeal.objects.filter(state=AppealState.PENDING, **fields).exists():
        raise ValidationError("该事项已有一份申诉正在处理，请等待处理结果。")
    with transaction.atomic():
        appeal = record_create(user=user, obj=Appeal(
            unit=target.unit, subject=subject, original=original_text(subject, target, today),
            reason=require(reason, "申诉理由"), security_label=target.security_label, **fields),
            summary=f"提出申诉（{AppealSubject(subject).label}）：{target}", request=request)
        tell(deciders(appeal), kind="appeal", title=f"{appeal.unit.name}对{appeal.get_subject_display()}提出申诉",
             body=appeal.reason[:500], link=reverse("verify:appeal", args=[appeal.pk]))
    return appeal


def verify_appeal_decide(*, user: Any, appeal: Appeal, state: str, decision: str, verdict: str = "",
                         today: dt.date | None = None, request: Any = None) -> Appeal:
    """申诉成立 or 维持原结论, by the office that issued the thing (appeals.decider_refusal). Granted: a 督办 is
    withdrawn (办结), a finding takes the verdict decided; a colour is the system's and stays, the decision on
    record. The original stays as it was, on the appeal and in the thing's own history."""
    if not appeal.is_pending:
        raise ValidationError("该申诉已处理。")
    if reason := decider_refusal(user, appeal):
        raise refuse(user, reason, appeal)
    if state not in (AppealState.GRANTED, AppealState.UPHELD):
        raise ValidationError({"state": ["请选择处理结果：申诉成立，或维持原结论。"]})
    decision = require(decision, "处理意见")
    granted = state == AppealState.GRANTED
    with transaction.atomic():
        if granted and appeal.order_id:
            order = SupervisionOrder.objects.get(pk=appeal.order_id)
            record_update(user=user, obj=order, data={"state": OrderState.CLOSED}, version=order.version,
                          action=Action.APPROVE, request=request, summary=f"申诉成立，督办撤销：{order}（{decision}）")
        if granted and appeal.finding_id:
            finding = SpotCheckItem.objects.get(pk=appeal.finding_id)
            new = verdict or Verdict.TRUE
            if new not in (Verdict.TRUE, Verdict.PARTIAL) or new == finding.verdict:
                raise ValidationError({"verdict": ["申诉成立时，请选择改定的核查结论（属实或部分属实）。"]})
            record_update(user=user, obj=finding, data={"verdict": new}, version=finding.version,
                          action=Action.APPROVE, request=request,
                          summary=f"申诉成立，抽查结论由“{finding.get_verdict_display()}”改为“{Verdict(new).label}”")
        appeal = record_update(user=user, obj=appeal, data={
            "state": state, "decided_by": user, "decided_on": today or timezone.localdate(), "decision": decision},
            version=appeal.version, action=Action.APPROVE if granted else Action.RETURN, request=request,
            summary=f"处理申诉：{AppealState(state).label}（{decision}）")
        if appeal.created_by is not None:
            tell([appeal.created_by], kind="appeal", title=f"您的申诉已处理：{appeal.get_state_display()}",
                 body=decision[:500], link=reverse("verify:appeal", args=[appeal.pk]))
    return appeal


# -- 投诉建议 ----------------------------------------------------------------------------------------------
def verify_complaint_submit(*, user: Any, kind: str, title: str, text: str, request: Any = None) -> Complaint:
    """Anyone signed in: it reaches the system admins' inbox and the unit above the writer's."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "role", ""):
        raise refuse(user, "请先登录后再提交投诉建议。")
    unit = scope_root(user)
    with transaction.atomic():
        complaint = record_create(user=user, obj=Complaint(
            unit=unit, above=unit.parent if unit is not None else None, kind=kind, title=require(title, "标题"),
            text=require(text, "内容")), request=request)
        tell(complaint_recipients(complaint), kind="complaint",
             title=f"{complaint.get_kind_display()}：{complaint.title}",
             body=f"{unit.name if unit else '系统管理账号'} {getattr(user, 'display_name', user.username)}："
                  f"{complaint.text[:300]}",
             link=reverse("verify:complaints") + f"#c-{complaint.pk}")
    return complaint


def verify_complaint_answer(*, user: Any, complaint: Complaint, answer: str, request: Any = None) -> Complaint:
    if not may_answer(user, complaint):
        raise refuse(user, "只有系统管理员或提出人上级单位的负责人、监督员可以答复。", complaint)
    with transaction.atomic():
        complaint = record_update(user=user, obj=complaint, data={
            "answer": require(answer, "答复"), "state": ComplaintState.ANSWERED, "answered_by": user,
            "answered_at": timezone.now()}, version=complaint.version, request=request,
            summary=f"答复投诉建议：{complaint.title}")
        if complaint.created_by is not None:
            tell([complaint.created_by], kind="complaint", title=f"您的{complaint.get_kind_display()}已答复：{complaint.title}",
                 body=complaint.answer[:500], link=reverse("verify:complaints") + f"#c-{complaint.pk}")
    return complaint
