"""质效评估: an office keeps indicator sets; its supervisor assesses a source it issued once the months after the
last deadline have passed. Counted indicators are filled from the ledger when the assessment starts; the
assessors type the others; the total and band follow (verify.assessments)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from qinglian.audit.models import Action
from qinglian.ledger.models import Source
from qinglian.lib.services import record_create, record_update
from qinglian.org.models import Role, Unit
from qinglian.org.scoping import may_see_unit
from qinglian.verify.assessments import (
    STANDARD_INDICATORS,
    assessable_from,
    band_of,
    counted_score,
    outcomes,
    tenth,
    weights_total,
)
from qinglian.verify.models import (
    Assessment,
    AssessmentScore,
    AssessmentState,
    Indicator,
    IndicatorKind,
    IndicatorSet,
)
from qinglian.verify.rules import is_issuing_supervisor, issuer_label
from qinglian.verify.services import date_zh, refuse, require


def _check_office(user: Any, unit: Unit, obj: Any = None) -> None:
    if getattr(user, "role", None) != Role.SUPERVISOR or not may_see_unit(user, unit):
        raise refuse(user, "只有监督员可以制定质效评估指标。", obj)


def verify_indicator_set_create(*, user: Any, unit: Unit, name: str, months_after: int = 6,
                                excellent_min: Decimal = Decimal("90"), good_min: Decimal = Decimal("80"),
                                fair_min: Decimal = Decimal("60"), standard: bool = True,
                                request: Any = None) -> IndicatorSet:
    """A set for `unit`'s subtree; `standard` adds the usual indicators (weights total 100)."""
    _check_office(user, unit)
    if not excellent_min > good_min > fair_min >= 0:
        raise ValidationError("等次分数线应为：优秀 > 较好 > 一般 ≥ 0。")
    with transaction.atomic():
        indicator_set = record_create(user=user, obj=IndicatorSet(
            unit=unit, name=require(name, "名称"), months_after=months_after, excellent_min=excellent_min,
            good_min=good_min, fair_min=fair_min), request=request)
        if standard:
            for n, (label, kind, weight, guidance) in enumerate(STANDARD_INDICATORS, start=1):
                record_create(user=user, obj=Indicator(indicator_set=indicator_set, unit=unit, name=label, kind=kind,
                                                       weight=Decimal(weight), guidance=guidance, order=n))
    return indicator_set


def verify_indicator_add(*, user: Any, indicator_set: IndicatorSet, name: str, kind: str, weight: Decimal,
                         guidance: str = "", request: Any = None) -> Indicator:
    _check_office(user, indicator_set.unit, indicator_set)
    if kind not in IndicatorKind.values:  # the fixed list: ledger outcomes, or the assessors' score
        raise ValidationError({"kind": ["请从列表中选择计分方式。"]})
    total = weights_total(indicator_set) + weight
    if total > 100:
        raise ValidationError({"weight": [f"加上该指标，分值合计为{total}分，超过100分。"]})
    order = Indicator.objects.filter(indicator_set=indicator_set).count() + 1
    return record_create(user=user, obj=Indicator(indicator_set=indicator_set, unit=indicator_set.unit,
                                                  name=require(name, "指标名称"), kind=kind, weight=weight,
                                                  guidance=guidance.strip(), order=order), request=request)


def may_assess(user: Any, source: Source) -> bool:
    """The issuing office's supervisor (the one overseeing the unit where no office is recorded)."""
    return is_issuing_supervisor(user, source, source.unit)


def verify_assessment_start(*, user: Any, source: Source, indicator_set: IndicatorSet, today: dt.date | None = None,
                            request: Any = None) -> Assessment:
    """Start the assessment: the ledger's outcomes are counted now and kept, the counted indicators scored."""
    if not may_assess(user, source):
        raise refuse(user, f"该来源的质效评估由{issuer_label(source)}开展。", source)
    if not source.unit.path.startswith(indicator_set.unit.path):
        raise ValidationError("所选指标体系不适用于该单位：请选择本级或上级制定的指标体系。")
    total = weights_total(indicator_set)
    if total != 100:
        raise ValidationError(f"指标体系“{indicator_set.name}”的分值合计为{total}分，应为100分：请先调整指标。")
    today = today or timezone.localdate()
    start = assessable_from(source, indicator_set)
    if start is None:
        raise ValidationError("该来源的整改措施都没有整改时限，无法确定评估时间。")
    if today < start:
        raise ValidationError(f"整改时限届满{indicator_set.months_after}个月后才能评估：{date_zh(start)}起可以开展。")
    if Assessment.objects.filter(source=source, state=AssessmentState.DRAFT).exists():
        raise ValidationError("该来源已有一份正在进行的质效评估，请在其中继续。")
    found = outcomes(source)
    with transaction.atomic():
        assessment = record_create(user=user, obj=Assessment(
            indicator_set=indicator_set, source=source, unit=source.unit, outcomes=found, assessed_by=user,
            assessed_on=today, security_label=source.security_label),
            summary=f"开始质效评估：{source}", request=request)
        for ind in Indicator.objects.filter(indicator_set=indicator_set):
            score, basis = counted_score(ind, found) if ind.counted else (None, "")
            record_create(user=user, obj=AssessmentScore(assessment=assessment, indicator=ind, unit=source.unit,
                                                         score=score, basis=basis))
        return _totalled(user, assessment, request)


def _totalled(user: Any, assessment: Assessment, request: Any, *, opinion: str | None = None,
              finish: bool = False) -> Assessment:
    scores = list(assessment.scores.all())
    filled = all(s.score is not None for s in scores)
    if finish and not filled:
        raise ValidationError("还有评估组打分的指标没有填写得分，填完后才能定级。")
    total = tenth(sum((s.score for s in scores if s.score is not None), Decimal("0")))
    data: dict[str, Any] = {"total": total, "band": band_of(total, assessment.indicator_set) if filled else ""}
    if opinion is not None:
        data["opinion"] = opinion.strip()
    if finish:
        data["state"] = AssessmentState.FINAL
    summary = (f"质效评估定级：{assessment.source}，{total}分" if finish else f"质效评估计分：{assessment.source}")
    return record_update(user=user, obj=assessment, data=data, version=assessment.version, request=request,
                         action=Action.APPROVE if finish else Action.UPDATE, summary=summary)


def verify_assessment_score(*, user: Any, assessment: Assessment, scores: Mapping[int, tuple[Decimal | None, str]],
                            opinion: str = "", finish: bool = False, request: Any = None) -> Assessment:
    """The assessors' scores (indicator id → score, reason) for the indicators not counted from the ledger."""
    if not may_assess(user, assessment.source):
        raise refuse(user, f"该来源的质效评估由{issuer_label(assessment.source)}开展。", assessment)
    if assessment.state == AssessmentState.FINAL:
        raise ValidationError("该评估已定级，不能再修改。")
    with transaction.atomic():
        for row in assessment.scores.select_related("indicator"):
            if row.indicator.counted or row.indicator_id not in scores:
                continue  # counted indicators come from the ledger only
            score, basis = scores[row.indicator_id]
            if score is not None and not Decimal("0") <= score <= row.indicator.weight:
                raise ValidationError(f"“{row.indicator.name}”的得分应在0到{row.indicator.weight}分之间。")
            if (score, basis.strip()) != (row.score, row.basis):
                record_update(user=user, obj=row, data={"score": None if score is None else tenth(score),
                                                        "basis": basis.strip()}, version=row.version,
                              summary=f"评估组打分：{row.indicator.name} {score}", request=request)
        return _totalled(user, Assessment.objects.get(pk=assessment.pk), request, opinion=opinion, finish=finish)
