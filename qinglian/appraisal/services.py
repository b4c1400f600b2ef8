"""Writes of 考核: a rule set drafted, its indicators, publishing (which locks it), scoring, appeals.

Every write is audited (record_create / record_update, or audit_log for the bulk scoring); every refusal of a
forbidden indicator is audited as refused and raised with the rule it breaks.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from qinglian.appraisal import bands as band_rules
from qinglian.appraisal.catalogue import ForbiddenMeasure, measure_for
from qinglian.appraisal.forbidden import refusal
from qinglian.appraisal.models import (
    LOCKED,
    AppealState,
    AppraisalAppeal,
    AppraisalIndicator,
    AppraisalRuleSet,
    AppraisalRun,
    AppraisalScore,
    RuleSetState,
)
from qinglian.appraisal.scoring import as_of_for, score_all
from qinglian.audit.models import Action
from qinglian.audit.services import audit_log, client_ip
from qinglian.lib.services import record_create, record_update
from qinglian.org.models import Role, Unit
from qinglian.org.scoping import may_see_unit, may_write_unit, scope_root


def _refuse(user: Any, message: str, obj: Any = None, request: Any = None) -> PermissionDenied:
    audit_log(action=Action.REFUSED, summary=message, actor=user, obj=obj, ip=client_ip(request))
    return PermissionDenied(message)


def may_edit(user: Any, unit: Unit) -> bool:
    """The publisher's leaders draft and publish its rules (一把手 and team: 负责人 of the unit itself)."""
    root = scope_root(user)
    return getattr(user, "role", None) == Role.LEADER and root is not None and root.pk == unit.pk


def _editor(user: Any, rule_set: AppraisalRuleSet, request: Any = None) -> None:
    if not may_edit(user, rule_set.unit):
        raise _refuse(user, f"只有{rule_set.unit.name}的负责人可以制定和发布本单位的考核规则。", rule_set, request)
    if rule_set.is_published:
        raise _refuse(user, LOCKED, rule_set, request)


def screen(user: Any, *, measure: str = "", name: str = "", evidence: str = "", formula: str = "",
           request: Any = None) -> None:
    """Refuse, audited, an indicator that reads a forbidden kind: by its key, its name, its evidence, or a
    formula of one's own (none is accepted: indicators come from the catalogue)."""
    for text in (measure, name, evidence, formula):
        if reason := refusal(text):
            raise _refuse(user, reason, request=request)
    if formula.strip():
        raise _refuse(user, "考核指标只能从考核指标目录中选择，不接受自定义的公式或统计口径。", request=request)
    try:
        measure_for(measure)
    except ForbiddenMeasure as exc:
        raise _refuse(user, str(exc), request=request) from exc


def appraisal_rule_set_create(*, user: Any, unit: Unit, year: int, name: str = "",
                              request: Any = None) -> AppraisalRuleSet:
    if not may_edit(user, unit):
        raise _refuse(user, f"只有{unit.name}的负责人可以制定本单位的考核规则。", unit, request)
    if AppraisalRuleSet.objects.filter(unit=unit, year=year).exists():
        raise ValidationError(f"{unit.name}已有{year}年度的考核规则，请在原规则中修改（发布前）。")
    return record_create(user=user, obj=AppraisalRuleSet(
        unit=unit, year=year, name=(name or "").strip() or f"{year}年度党风廉政建设责任制考核细则"),
        summary=f"起草{year}年度考核规则（{unit.name}）", request=request)


def appraisal_indicator_add(*, user: Any, rule_set: AppraisalRuleSet, measure: str, weight: Decimal,
                            name: str = "", bands: str = "", evidence: str = "", if_none: str = "full",
                            formula: str = "", request: Any = None) -> AppraisalIndicator:
    _editor(user, rule_set, request)
    screen(user, measure=measure, name=name, evidence=evidence, formula=formula, request=request)
    try:
        parsed = band_rules.parse(bands, Decimal(weight))
    except band_rules.BandError as exc:
        raise ValidationError({"bands": [str(exc)]}) from exc
    order = AppraisalIndicator.objects.filter(rule_set=rule_set).count() + 1
    return record_create(user=user, obj=AppraisalIndicator(
        rule_set=rule_set, measure=measure, name=(name or "").strip() or measure_for(measure).name,
        weight=weight, bands=[b.as_list() for b in parsed], evidence=(evidence or "").strip(), if_none=if_none,
        order=order), summary=f"考核规则“{rule_set.name}”增加指标：{name or measure_for(measure).name}",
        request=request)


def appraisal_indicator_remove(*, user: Any, indicator: AppraisalIndicator, request: Any = None) -> None:
    from qinglian.lib.services import record_delete

    _editor(user, indicator.rule_set, request)
    record_delete(user=user, obj=indicator, request=request)


def appraisal_rule_set_update(*, user: Any, rule_set: AppraisalRuleSet, data: dict[str, Any], version: int,
                              request: Any = None) -> AppraisalRuleSet:
    _editor(user, rule_set, request)
    if reason := refusal(str(data.get("name", ""))):
        raise _refuse(user, reason, rule_set, request)
    allowed = {k: v for k, v in data.items() if k in ("name", "excellent_min", "good_min", "fair_min")}
    return record_update(user=user, obj=rule_set, data=allowed, version=version, request=request)


def total_weight(rule_set: AppraisalRuleSet) -> Decimal:
    return sum((i.weight for i in AppraisalIndicator.objects.filter(rule_set=rule_set)), Decimal(0))


def appraisal_rule_set_publish(*, user: Any, rule_set: AppraisalRuleSet, today: dt.date | None = None,
                               request: Any = None) -> AppraisalRuleSet:
    """Publish (and so lock) the rules. Published in the year they govern at the latest, weights adding to
    100, every indicator still a catalogue one."""
    _editor(user, rule_set, request)
    today = today or timezone.localdate()
    if today.year > rule_set.year:
        raise ValidationError(f"{rule_set.year}年度已过，不能再发布该年度的考核规则：考核规则应在年初发布。")
    indicators = list(AppraisalIndicator.objects.filter(rule_set=rule_set))
    if not indicators:
        raise ValidationError("请先加入考核指标再发布。")
    for i in indicators:
        screen(user, measure=i.measure, name=i.name, evidence=i.evidence, request=request)
    if (weight := total_weight(rule_set)) != Decimal(100):
        raise ValidationError(f"各项指标分值合计为{weight}分，应为100分，请调整后再发布。")
    return record_update(user=user, obj=rule_set, data={
        "state": RuleSetState.PUBLISHED, "published_at": timezone.now(), "published_by": user},
        version=rule_set.version, action=Action.APPROVE, request=request,
        summary=f"发布{rule_set.year}年度考核规则“{rule_set.name}”（发布后锁定）")


def appraisal_run(*, user: Any, rule_set: AppraisalRuleSet, today: dt.date | None = None,
                  request: Any = None) -> AppraisalRun:
    """Score every unit of the publisher's subtree (user None: the command line)."""
    if user is not None and not may_edit(user, rule_set.unit):
        raise _refuse(user, f"只有{rule_set.unit.name}的负责人可以计算考核得分。", rule_set, request)
    if not rule_set.is_published:
        raise ValidationError("考核规则发布后才能计分：先发布（发布后锁定），再计分。")
    as_of = as_of_for(rule_set, today or timezone.localdate())
    scored = score_all(rule_set, as_of)
    with transaction.atomic():
        run = AppraisalRun.objects.create(rule_set=rule_set, as_of=as_of, units=len(scored),
                                          computed_by=user if getattr(user, "is_authenticated", False) else None)
        AppraisalScore.objects.bulk_create(
            [AppraisalScore(run=run, unit=s.unit, total=s.total, grade=s.grade, working=s.working) for s in scored],
            batch_size=2000)
        audit_log(action=Action.GENERATE, actor=user, obj=rule_set, ip=client_ip(request),
                  summary=f"计算考核得分：{rule_set.name}，截至{as_of}，{len(scored)}个单位")
    return run


# -- 申诉 ----------------------------------------------------------------------------------------------------
def appeal_refusal(user: Any, appeal: AppraisalAppeal) -> str:
    """Who decides: a leader or supervisor of the level that published the rules (or above), never the one who
    appealed."""
    if appeal.created_by_id == user.pk:
        return "不能处理自己提出的申诉。"
    publisher = appeal.score.run.rule_set.unit
    if getattr(user, "role", None) in (Role.LEADER, Role.SUPERVISOR) and may_see_unit(user, publisher):
        root = scope_root(user)
        if root is not None and root.pk != appeal.unit_id:
            return ""
    return f"考核得分的申诉由发布考核规则的{publisher.name}（负责人或监督员）处理。"


def appraisal_appeal_file(*, user: Any, score: AppraisalScore, reason: str, request: Any = None) -> AppraisalAppeal:
    from qinglian.verify.services.appeal import tell

    if not may_write_unit(user, score.unit):
        raise _refuse(user, "只有被考核单位的录入员或负责人可以对本单位的得分申诉。", score, request)
    if not (reason or "").strip():
        raise ValidationError({"reason": ["请填写申诉理由：哪项指标、哪条记录有误。"]})
    if AppraisalAppeal.objects.filter(score=score, state=AppealState.PENDING).exists():
        raise ValidationError("该得分已有一份申诉正在处理，请等待处理结果。")
    lines = "；".join(f"{w['name']}{w['points']}分（{w['basis']}）" for w in score.working)
    with transaction.atomic():
        appeal = record_create(user=user, obj=AppraisalAppeal(
            score=score, unit=score.unit, reason=reason.strip(),
            original=f"总分{score.total}分（截至{score.run.as_of}）：{lines}"), request=request,
            summary=f"对考核得分提出申诉：{score.unit.name}")
        publisher = score.run.rule_set.unit
        from qinglian.org.models import User

        deciders = [u for u in User.objects.filter(is_active=True, unit=publisher,
                                                   role__in=[Role.LEADER, Role.SUPERVISOR])[:50]
                    if not appeal_refusal(u, appeal)]
        tell(deciders, kind="appeal", title=f"{score.unit.name}对考核得分提出申诉", body=appeal.reason[:500],
             link=reverse("appraisal:appeal", args=[appeal.pk]))
    return appeal


def appraisal_appeal_decide(*, user: Any, appeal: AppraisalAppeal, state: str, decision: str,
                            request: Any = None) -> AppraisalAppeal:
    from qinglian.verify.services.appeal import tell

    if not appeal.is_pending:
        raise ValidationError("该申诉已处理。")
    if reason := appeal_refusal(user, appeal):
        raise _refuse(user, reason, appeal, request)
    if state not in (AppealState.GRANTED, AppealState.UPHELD):
        raise ValidationError({"state": ["请选择处理结果：申诉成立，或维持原结论。"]})
    if not (decision or "").strip():
        raise ValidationError({"decision": ["请填写处理意见。"]})
    with transaction.atomic():
        appeal = record_update(user=user, obj=appeal, data={
            "state": state, "decided_by": user, "decided_on": timezone.localdate(), "decision": decision.strip()},
            version=appeal.version, request=request,
            action=Action.APPROVE if state == AppealState.GRANTED else Action.RETURN,
            summary=f"处理考核申诉：{AppealState(state).label}（{decision.strip()[:80]}）")
        if appeal.created_by is not None:
            tell([appeal.created_by], kind="appeal", title=f"您的考核申诉已处理：{appeal.get_state_display()}",
                 body=appeal.decision[:500], link=reverse("appraisal:appeal", args=[appeal.pk]))
    return appeal
