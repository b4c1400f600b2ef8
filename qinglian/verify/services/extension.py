"""延期申请: asked by the unit answering the feedback, decided by its leader and, for feedback from a higher
level, by the issuing office's supervisor. Approved, the measure's deadline in force moves (the ledger's
三色 and 逾期 then judge the new one); the replaced deadline stays on the extension."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from qinglian.audit.models import Action
from qinglian.ledger.models import Measure
from qinglian.lib.services import record_create, record_update
from qinglian.org.models import Role
from qinglian.org.scoping import may_see_unit, may_write_unit
from qinglian.verify.models import Extension, ExtensionState
from qinglian.verify.models.extension import PENDING_STATES
from qinglian.verify.rules import HIGHER_LEVEL_KINDS, is_issuing_supervisor, issuer_label
from qinglian.verify.services import date_zh, refuse, require


def verify_extension_request(*, user: Any, measure: Measure, reason: str, proposed_date: dt.date | None,
                             request: Any = None) -> Extension:
    if not may_write_unit(user, measure.unit):
        raise refuse(user, "只有整改单位的录入员或负责人可以申请延期。", measure)
    if not measure.is_active:
        raise ValidationError("只有尚未完成、未销号的措施可以申请延期。")
    if measure.deadline is None:
        raise ValidationError("该措施没有整改时限（如“长期坚持”），无需申请延期。")
    if proposed_date is None or proposed_date <= measure.deadline:
        raise ValidationError({"proposed_date": [f"请填写晚于现整改时限（{date_zh(measure.deadline)}）的日期。"]})
    if Extension.objects.filter(measure=measure, state__in=PENDING_STATES).exists():
        raise ValidationError("该措施已有一份延期申请正在审批，请等待审批结果。")
    return record_create(user=user, obj=Extension(
        measure=measure, unit=measure.unit, reason=require(reason, "延期理由"), proposed_date=proposed_date,
        original_deadline=measure.deadline, original_text=measure.deadline_text,
        needs_issuer=measure.source.kind in HIGHER_LEVEL_KINDS, security_label=measure.security_label),
        summary=f"申请延期至{date_zh(proposed_date)}：{measure}", request=request)


def may_decide(user: Any, extension: Extension) -> bool:
    """Whose turn it is: the unit's leader first, then (feedback from a higher level) the issuing office."""
    if extension.state == ExtensionState.LEADER:
        return getattr(user, "role", None) == Role.LEADER and may_see_unit(user, extension.unit)
    if extension.state == ExtensionState.ISSUER:
        return is_issuing_supervisor(user, extension.measure.source, extension.unit)
    return False


def verify_extension_decide(*, user: Any, extension: Extension, approve: bool, opinion: str,
                            today: dt.date | None = None, request: Any = None) -> Extension:
    today = today or timezone.localdate()
    if not extension.is_pending:
        raise ValidationError("该延期申请已审批完毕。")
    if not may_decide(user, extension):
        who = "本单位负责人" if extension.state == ExtensionState.LEADER else issuer_label(extension.measure.source)
        raise refuse(user, f"该延期申请现在须由{who}审批。", extension)
    opinion = require(opinion, "审批意见")
    data: dict[str, Any]
    if extension.state == ExtensionState.LEADER:
        data = {"leader_by": user, "leader_opinion": opinion}
        after = ExtensionState.ISSUER if approve and extension.needs_issuer else None
    else:
        data = {"issuer_by": user, "issuer_opinion": opinion}
        after = None
    data["state"] = after or (ExtensionState.APPROVED if approve else ExtensionState.REFUSED)
    if data["state"] in (ExtensionState.APPROVED, ExtensionState.REFUSED):
        data["decided_on"] = today
    word = "同意" if approve else "不同意"
    with transaction.atomic():
        extension = record_update(user=user, obj=extension, data=data, version=extension.version,
                                  action=Action.APPROVE if approve else Action.RETURN,
                                  summary=f"{word}延期申请（{opinion}）：{extension.measure}", request=request)
        if extension.state == ExtensionState.APPROVED:
            _apply(user=user, extension=extension, request=request)
    return extension


def _apply(*, user: Any, extension: Extension, request: Any) -> None:
    measure = Measure.objects.get(pk=extension.measure_id)
    new = extension.proposed_date
    record_update(user=user, obj=measure, data={"deadline": new, "deadline_text": date_zh(new)},
                  version=measure.version, action=Action.APPROVE, request=request,
                  summary=f"经批准延期至{date_zh(new)}（原时限{date_zh(extension.original_deadline)}）：{measure}")
