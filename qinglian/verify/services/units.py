"""配合单位 and their progress; a unit's rules of 验收; the office that issued a source."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from qinglian.ledger.models import Closure, Measure, Source
from qinglian.lib.dates import not_in_future
from qinglian.lib.services import record_create, record_update
from qinglian.org.models import Role, Unit
from qinglian.org.scoping import may_see_unit, may_write_unit
from qinglian.verify.models import AssistingUnit, PartProgress, PartStatus, SourceIssuer, UnitRules
from qinglian.verify.rules import lead_unit, may_report_part
from qinglian.verify.services import refuse, require


def find_unit(name: str) -> Unit:
    """A unit by its name, or its full name or "上级/本级" label where names repeat (办公室)."""
    name = require(name, "单位名称").replace("／", "/")
    found = list(Unit.objects.filter(name=name)[:2]) if "/" not in name else []
    if "/" in name:
        found = list(Unit.objects.filter(full_name=name)[:2]) or list(Unit.objects.filter(
            full_name__endswith="/" + name)[:2])
    if not found:
        raise ValidationError({"unit": [f"没有名为“{name}”的单位，请核对名称。"]})
    if len(found) > 1:
        raise ValidationError({"unit": [f"名为“{name}”的单位不止一个，请写上级单位，如“县委宣传部/办公室”。"]})
    return found[0]


def verify_part_add(*, user: Any, measure: Measure, unit: Unit, part: str, request: Any = None) -> AssistingUnit:
    if not may_write_unit(user, measure.unit):
        raise refuse(user, "只有牵头单位（整改单位）可以指定配合单位。", measure)
    if unit.pk in (lead_unit(measure).pk, measure.unit_id):
        raise ValidationError({"unit": ["牵头单位不必再列为配合单位。"]})
    if AssistingUnit.objects.filter(measure=measure, unit=unit).exists():
        raise ValidationError({"unit": [f"{unit.name}已是该措施的配合单位。"]})
    return record_create(user=user, obj=AssistingUnit(measure=measure, unit=unit, part=require(part, "配合事项"),
                                                      security_label=measure.security_label),
                         summary=f"指定配合单位{unit.name}：{measure}", request=request)


def verify_part_progress(*, user: Any, part: AssistingUnit, text: str, status_after: str,
                         date: dt.date | None = None, request: Any = None) -> PartProgress:
    """An assisting unit reports on its part (only the lead unit asks for 销号 of the measure)."""
    if not may_report_part(user, part):
        raise refuse(user, "只有配合单位本单位的录入员或负责人可以报送配合事项的进展。", part)
    if part.measure.closure == Closure.CLOSED:
        raise ValidationError("该措施已销号，不再报送配合进展。")
    if status_after not in PartStatus.values:
        raise ValidationError({"status_after": ["请选择报送后的完成状态。"]})
    not_in_future(date, what="进展日期", field="date", hint="请填写进展实际发生的日期，留空为今天。")
    with transaction.atomic():
        progress = record_create(user=user, obj=PartProgress(
            part=part, unit=part.unit, date=date or timezone.localdate(), text=require(text, "进展情况"),
            status_after=status_after, security_label=part.security_label), request=request,
            summary=f"报送配合进展（{part.unit.name}）：{part.measure}")
        if part.status != status_after:
            record_update(user=user, obj=part, data={"status": status_after}, version=part.version, request=request,
                          summary=f"配合事项{PartStatus(status_after).label}（{part.unit.name}）：{part.measure}")
    return progress


def verify_rules_set(*, user: Any, unit: Unit, acceptance: str, watch_months: int,
                     request: Any = None) -> UnitRules:
    """A leader sets the rules of 验收 for its unit and the units below it."""
    if getattr(user, "role", None) != Role.LEADER or not may_see_unit(user, unit):
        raise refuse(user, "只有本单位负责人可以设置验收规则。", unit)
    if not 1 <= watch_months <= 36:
        raise ValidationError({"watch_months": ["观察期应在1至36个月之间。"]})
    current = UnitRules.objects.filter(unit=unit).first()
    data = {"acceptance": acceptance, "watch_months": watch_months}
    if current is None:
        return record_create(user=user, obj=UnitRules(unit=unit, **data), summary=f"设置验收规则：{unit}",
                             request=request)
    return record_update(user=user, obj=current, data=data, version=current.version,
                         summary=f"修改验收规则：{unit}", request=request)


def verify_issuer_set(*, user: Any, source: Source, office: Unit, request: Any = None) -> SourceIssuer:
    """Which office issued the feedback: set by the unit answering it, or by a supervisor overseeing it."""
    role = getattr(user, "role", None)
    if not (may_write_unit(user, source.unit) or (role == Role.SUPERVISOR and may_see_unit(user, source.unit))):
        raise refuse(user, "无权设置该反馈来源的反馈机关。", source)
    if office.is_within(source.unit):
        raise ValidationError({"unit": ["反馈机关应是发出反馈意见的上级机关，不能是整改单位本身或其下级。"]})
    current = SourceIssuer.objects.filter(source=source).first()
    if current is not None and role != Role.SUPERVISOR:  # the office approves extensions: not the unit's pick
        raise refuse(user, "反馈机关已经设置；如需更改，请联系监督员。", source)
    if current is None:
        return record_create(user=user, obj=SourceIssuer(source=source, unit=source.unit, office=office),
                             summary=f"反馈机关：{office.name}（{source}）", request=request)
    return record_update(user=user, obj=current, data={"office": office}, version=current.version,
                         summary=f"反馈机关改为{office.name}（{source}）", request=request)
