"""Reads of 质效评估: a source's ledger outcomes, what each counted indicator scores from them, the band of a
total, and the .docx 质效评估结果.

The outcomes are the ledger's own definitions: 提前 / 按期 / 逾期 and 延期 are `verify.stats.measure_qs` (the
销号 date against the deadline in force); a problem counts as reopened once its `reopened_count` is above
zero (回头看 relapse, recurrence in the watch window, 反向核查 不属实); spot checks are the findings on the
source's items. Nothing here reads how anyone used the system (DESIGN §7).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Max, Q

from qinglian.ledger.models import Closure, Measure, MeasureStatus, Problem, Source
from qinglian.org.models import Unit, path_prefixes
from qinglian.verify.models import (
    Assessment,
    Band,
    Indicator,
    IndicatorKind,
    IndicatorSet,
    SpotCheckItem,
)
from qinglian.verify.rules import add_months
from qinglian.verify.spotchecks import verdict_counts
from qinglian.verify.stats import measure_qs

# the usual indicators of 巡察整改质效评估 (主体责任落实, 组织实施, 整改成效, 民主测评): name, kind, weight, guidance
STANDARD_INDICATORS: tuple[tuple[str, str, str, str], ...] = (
    ("主体责任落实", IndicatorKind.ASSESSOR, "20", "党组织研究部署整改、主要负责人履行第一责任人职责的情况（个别谈话、查阅会议记录）。"),
    ("组织实施：按期完成", IndicatorKind.ON_TIME, "20", ""),
    ("整改成效：完成销号", IndicatorKind.CLOSED, "15", ""),
    ("整改成效：抽查属实", IndicatorKind.SPOT_TRUE, "15", ""),
    ("整改成效：问题未反弹", IndicatorKind.NOT_REOPENED, "10", ""),
    ("民主测评", IndicatorKind.ASSESSOR, "20", "问卷调查、民主测评的满意度折算为分值。"),
)
TENTH = Decimal("0.1")


def tenth(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def sets_for(unit: Unit) -> list[IndicatorSet]:
    """The indicator sets that may assess a source of `unit`: made by it or by a unit above it, nearest first."""
    return list(IndicatorSet.objects.filter(unit__path__in=path_prefixes(unit.path)).select_related("unit")
                .order_by("-unit__path", "-id"))


def weights_total(indicator_set: IndicatorSet) -> Decimal:
    return sum((i.weight for i in Indicator.objects.filter(indicator_set=indicator_set)), Decimal("0"))


def last_deadline(source: Source) -> dt.date | None:
    return Measure.objects.filter(source=source).aggregate(last=Max("deadline"))["last"]


def assessable_from(source: Source, indicator_set: IndicatorSet) -> dt.date | None:
    """The first day the source may be assessed: its last deadline in force plus the set's months."""
    last = last_deadline(source)
    return add_months(last, indicator_set.months_after) if last else None


def outcomes(source: Source) -> dict[str, int]:
    """The ledger's counts for the source, as they stand now (kept on the assessment when it starts)."""
    measures = Measure.objects.filter(source=source)
    qs = measure_qs()
    found = measures.aggregate(
        measures=Count("pk"), with_deadline=Count("pk", filter=Q(deadline__isnull=False)),
        closed=Count("pk", filter=Q(closure=Closure.CLOSED) | Q(status=MeasureStatus.LONG_TERM)),
        **{key: Count("pk", filter=qs[key]) for key in ("early", "on_time", "late", "extended")})
    problems = Problem.objects.filter(source=source, is_leaf=True).aggregate(
        problems=Count("pk"), reopened=Count("pk", filter=Q(reopened_count__gt=0)))
    spot = verdict_counts(SpotCheckItem.objects.filter(problem__source=source))
    return {**{k: int(v or 0) for k, v in found.items()}, **{k: int(v or 0) for k, v in problems.items()},
            **{f"spot_{k}": v for k, v in spot.items()}}


def counted_share(kind: str, o: dict[str, int]) -> tuple[Decimal, str]:
    """The share (0–1) a counted indicator earns from the outcomes `o`, and the sentence that explains it."""
    def ratio(part: float, whole: int, text: str, empty: str) -> tuple[Decimal, str]:
        if whole == 0:
            return Decimal("1"), empty
        return Decimal(str(part)) / whole, text

    if kind == IndicatorKind.ON_TIME:
        done = o["early"] + o["on_time"]
        return ratio(done, o["with_deadline"], f"有时限的措施{o['with_deadline']}项，提前完成{o['early']}项、"
                     f"按期完成{o['on_time']}项、逾期完成{o['late']}项（经批准延期的按新时限）", "没有设时限的措施，按满分计")
    if kind == IndicatorKind.CLOSED:
        return ratio(o["closed"], o["measures"], f"措施{o['measures']}项，已销号（含长期坚持）{o['closed']}项",
                     "没有整改措施，按满分计")
    if kind == IndicatorKind.NO_EXTENSION:
        return ratio(o["measures"] - o["extended"], o["measures"],
                     f"措施{o['measures']}项，经批准延期{o['extended']}项", "没有整改措施，按满分计")
    if kind == IndicatorKind.NOT_REOPENED:
        return ratio(o["problems"] - o["reopened"], o["problems"],
                     f"具体问题{o['problems']}项，被重新打开整改{o['reopened']}项", "没有具体问题，按满分计")
    if kind == IndicatorKind.SPOT_TRUE:
        return ratio(o["spot_true"] + o["spot_partial"] / 2, o["spot_checked"],
                     f"抽查核查{o['spot_checked']}项，属实{o['spot_true']}项、部分属实{o['spot_partial']}项、"
                     f"不属实{o['spot_false']}项", "未经抽查，按满分计")
    raise ValueError(f"not a counted indicator: {kind}")


def counted_score(indicator: Indicator, o: dict[str, int]) -> tuple[Decimal, str]:
    share, basis = counted_share(indicator.kind, o)
    return tenth(indicator.weight * share), basis


def band_of(total: Decimal, indicator_set: IndicatorSet) -> str:
    if total >= indicator_set.excellent_min:
        return Band.EXCELLENT
    if total >= indicator_set.good_min:
        return Band.GOOD
    if total >= indicator_set.fair_min:
        return Band.FAIR
    return Band.POOR


def assessment_docx(assessment: Assessment, *, issuer: str, today: dt.date) -> bytes:
    from paperwork.write import Heading, Paragraph, Report, Table, build_docx

    scores = list(assessment.scores.select_related("indicator"))
    rows = [[s.indicator.name, f"{s.indicator.weight}", "" if s.score is None else f"{s.score}",
             "台账计算" if s.indicator.counted else "评估组打分", s.basis] for s in scores]
    o = assessment.outcomes
    lead = (f"按照{assessment.indicator_set.name}，对{assessment.unit.name}{assessment.source.choice_label}"
            f"反馈问题的整改质效进行了评估。台账显示：整改措施{o.get('measures', 0)}项，"
            f"已销号{o.get('closed', 0)}项，其中提前完成{o.get('early', 0)}项、按期完成{o.get('on_time', 0)}项、"
            f"逾期完成{o.get('late', 0)}项，经批准延期{o.get('extended', 0)}项；重新打开整改的问题{o.get('reopened', 0)}项；"
            f"抽查核查{o.get('spot_checked', 0)}项，不属实{o.get('spot_false', 0)}项。")
    result = (f"评估总分{assessment.total}分，等次为“{assessment.get_band_display()}”。" if assessment.band
              else "评估尚未定级。")
    blocks: list[Any] = [Paragraph(lead), Heading(1, "评估结果"), Paragraph(result),
                         Table(header=["指标", "分值", "得分", "计分方式", "依据"], rows=rows, title="质效评估得分")]
    if assessment.opinion:
        blocks += [Heading(1, "评估意见"), Paragraph(assessment.opinion)]
    report = Report(title=f"关于{assessment.unit.name}整改质效评估结果的通报", genre="bulletin", issuer=issuer,
                    date=today, blocks=blocks)
    return build_docx(report)
