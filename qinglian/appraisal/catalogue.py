"""The closed catalogue of outcome measures an appraisal indicator may read (DESIGN §7).

Each entry is a rate, numerator over denominator, counted from the records other apps keep:

    ledger.on_time          整改按期完成率       measures due this year, 销号 on or before the deadline in force
    ledger.not_reopened     销号问题未反弹率     problems 销号 this year (or reopened), never reopened
    records.duties          责任事项按期履行率   (duty, period) pairs of this year's lists, evidenced in the period
    records.letters         责任书签订率         this year's letters, signed
    publicity.review        稿件三审按序完成率   drafts through review this year, 初审 → 复审 → 终审 in order by 3 people
    publicity.opinion       舆情提示函办结核实率 alert letters due this year, verified and closed

`counts(root, year, as_of)` answers {unit id: (numerator, denominator)} of each unit's own records in the
subtree of `root`, in a fixed number of aggregate queries whatever the size of the subtree (scoring rolls
them up the tree); `trace(unit, year, as_of)` lists the records behind one unit's subtree figure, each
marked as counted in the numerator or not, with its link. The ledger's definitions are reused, not copied:
提前/按期 is `verify.stats.measure_qs`, a duty's evidence the kinds and links of `records.selectors`.

`register` refuses an entry whose key or name reads a forbidden kind (`appraisal.forbidden`): nothing that
counts logins, clicks, time online, study time or uploads can enter the catalogue, even from code.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import BooleanField, Count, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import ExtractMonth
from django.urls import reverse

from paperwork.calendar import periods_between
from qinglian.appraisal.forbidden import refusal
from qinglian.org.models import Unit
from qinglian.org.scoping import subtree_q

Counts = dict[int, tuple[int, int]]


class ForbiddenMeasure(ValueError):
    """A catalogue entry (or an indicator) that would read what DESIGN §7 forbids; the message cites the rule."""


@dataclass(frozen=True)
class TraceRow:
    label: str
    url: str
    day: dt.date | None
    counted: bool  # in the numerator
    note: str = ""


@dataclass(frozen=True)
class CatalogueMeasure:
    key: str
    name: str
    numerator: str  # what the numerator counts, in Chinese (“按期或提前销号的措施”)
    denominator: str
    source: str  # where the records are kept, in Chinese
    counts: Callable[[Unit, int, dt.date], Counts]
    trace: Callable[[Unit, int, dt.date], list[TraceRow]]
    counting_unit: str = "%"

    def basis(self, num: int, den: int) -> str:
        return f"{self.denominator}{den}项，其中{self.numerator}{num}项"


CATALOGUE: dict[str, CatalogueMeasure] = {}


def register(measure: CatalogueMeasure) -> None:
    for text in (measure.key, measure.name, measure.numerator, measure.denominator):
        if reason := refusal(text, "考核指标目录的指标"):
            raise ForbiddenMeasure(reason)
    CATALOGUE[measure.key] = measure


def measure_for(key: str) -> CatalogueMeasure:
    """The catalogue entry of `key`; a forbidden key is refused with the rule, an unknown one as not listed."""
    if reason := refusal(key):
        raise ForbiddenMeasure(reason)
    if key not in CATALOGUE:
        raise ForbiddenMeasure(f"“{key[:40]}”不在考核指标目录中：考核指标只能从目录中选择，不接受自定义的统计口径或公式。")
    return CATALOGUE[key]


def choices() -> list[tuple[str, str]]:
    return [(m.key, m.name) for m in CATALOGUE.values()]


def start_of(year: int) -> dt.date:
    return dt.date(year, 1, 1)


def _tally(rows: QuerySet, unit: str = "unit_id") -> Counts:
    return {r[unit]: (int(r["num"] or 0), int(r["den"] or 0)) for r in rows}


def _flag(q: Q) -> ExpressionWrapper:
    return ExpressionWrapper(q, output_field=BooleanField())


# -- 整改按期完成率 -------------------------------------------------------------------------------------------
def _due_measures(root: Unit, year: int, as_of: dt.date) -> tuple[QuerySet, Q]:
    from qinglian.ledger.models import Measure
    from qinglian.verify.stats import measure_qs

    qs = measure_qs()
    return (Measure.objects.filter(subtree_q(root), deadline__gte=start_of(year), deadline__lte=as_of),
            qs["early"] | qs["on_time"])


def on_time_counts(root: Unit, year: int, as_of: dt.date) -> Counts:
    measures, done = _due_measures(root, year, as_of)
    return _tally(measures.order_by().values("unit_id").annotate(den=Count("pk"), num=Count("pk", filter=done)))


def on_time_trace(unit: Unit, year: int, as_of: dt.date) -> list[TraceRow]:
    measures, done = _due_measures(unit, year, as_of)
    return [TraceRow(m.text[:80], reverse("ledger:measure", args=[m.pk]), m.deadline, m.ok,
                     f"时限{m.deadline}，销号{m.closed_at or '未销号'}")
            for m in measures.annotate(ok=_flag(done)).order_by("deadline", "pk")]


# -- 销号问题未反弹率 -----------------------------------------------------------------------------------------
def _closed_problems(root: Unit, year: int, as_of: dt.date) -> tuple[QuerySet, Q]:
    from qinglian.ledger.models import Closure, Problem

    closed = Q(closure=Closure.CLOSED, closed_at__gte=start_of(year), closed_at__lte=as_of)
    return (Problem.objects.filter(subtree_q(root), is_leaf=True).filter(closed | Q(reopened_count__gt=0)),
            closed & Q(reopened_count=0))


def kept_counts(root: Unit, year: int, as_of: dt.date) -> Counts:
    problems, kept = _closed_problems(root, year, as_of)
    return _tally(problems.order_by().values("unit_id").annotate(den=Count("pk"), num=Count("pk", filter=kept)))


def kept_trace(unit: Unit, year: int, as_of: dt.date) -> list[TraceRow]:
    problems, kept = _closed_problems(unit, year, as_of)
    return [TraceRow(p.text[:80], reverse("ledger:problem", args=[p.pk]), p.closed_at, p.ok,
                     f"重新整改{p.reopened_count}次" if p.reopened_count else f"{p.closed_at}销号")
            for p in problems.annotate(ok=_flag(kept)).order_by("closed_at", "pk")]


# -- 责任事项按期履行率 ---------------------------------------------------------------------------------------
def _duty_periods(duties: list, year: int, as_of: dt.date) -> dict[int, list]:
    """Each duty's periods that count: those ended by `as_of`, and the current one (counted only if evidenced)."""
    last = min(dt.date(year, 12, 31), as_of)
    if last < start_of(year):
        return {d.pk: [] for d in duties}
    return {d.pk: periods_between(start_of(year), last, d.frequency) for d in duties}


def _duty_pairs(root: Unit, year: int, as_of: dt.date) -> list[tuple[object, object, bool]]:
    """(duty, period, evidenced) for every counted period of every duty of `year` in the subtree: four queries
    (duties, their kinds, the months with records of each unit and kind, the months of hand-linked records)."""
    from qinglian.records.models import Activity, Duty

    duties = list(Duty.objects.filter(subtree_q(root, "duty_list__unit"), duty_list__year=year,
                                      duty_list__deleted_at__isnull=True)
                  .select_related("duty_list").prefetch_related("kinds").order_by("duty_list__unit__path", "pk"))
    if not duties:
        return []
    end = min(dt.date(year, 12, 31), as_of)
    months: set[tuple[int, int, int]] = set(
        Activity.objects.filter(subtree_q(root), happened_on__gte=start_of(year), happened_on__lte=end)
        .annotate(month=ExtractMonth("happened_on")).order_by().values_list("unit_id", "kind_id", "month")
        .distinct())
    linked: dict[int, set[int]] = defaultdict(set)
    for duty_id, day in (Duty.linked.through.objects.filter(
            duty_id__in=[d.pk for d in duties], activity__deleted_at__isnull=True,
            activity__happened_on__gte=start_of(year), activity__happened_on__lte=end)
            .values_list("duty_id", "activity__happened_on")):
        linked[duty_id].add(day.month)
    pairs = []
    for duty, periods in zip(duties, _duty_periods(duties, year, as_of).values(), strict=True):
        kinds = [k.pk for k in duty.kinds.all()]
        for period in periods:
            span = range(period.start.month, period.end.month + 1)
            done = any((duty.duty_list.unit_id, k, m) in months for k in kinds for m in span) or bool(
                linked[duty.pk] & set(span))
            if period.end <= as_of or done:  # a period still running counts once it is evidenced
                pairs.append((duty, period, done))
    return pairs


def duties_counts(root: Unit, year: int, as_of: dt.date) -> Counts:
    found: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for duty, _, done in _duty_pairs(root, year, as_of):
        cell = found[duty.duty_list.unit_id]
        cell[0] += int(done)
        cell[1] += 1
    return {unit_id: (num, den) for unit_id, (num, den) in found.items()}


def duties_trace(unit: Unit, year: int, as_of: dt.date) -> list[TraceRow]:
    return [TraceRow(f"{duty.text[:60]}（{period.label}）", reverse("records:duty", args=[duty.pk]), period.end,
                     done, "期内有纪实记录" if done else "期内没有纪实记录")
            for duty, period, done in _duty_pairs(unit, year, as_of)]


# -- 责任书签订率 --------------------------------------------------------------------------------------------
def _letters(root: Unit, year: int) -> QuerySet:
    from qinglian.records.models import Letter

    return Letter.objects.filter(subtree_q(root), year=year)


SIGNED = Q(signed_on__isnull=False)


def letters_counts(root: Unit, year: int, as_of: dt.date) -> Counts:
    return _tally(_letters(root, year).order_by().values("unit_id").annotate(
        den=Count("pk"), num=Count("pk", filter=SIGNED & Q(signed_on__lte=as_of))))


def letters_trace(unit: Unit, year: int, as_of: dt.date) -> list[TraceRow]:
    rows = _letters(unit, year).select_related("issuer", "unit", "signatory").order_by("unit__path", "pk")
    return [TraceRow(str(letter), reverse("records:letters") + f"?year={year}", letter.signed_on,
                     letter.signed_on is not None and letter.signed_on <= as_of,
                     f"{letter.signed_on}签订" if letter.signed_on else "未签订") for letter in rows]


# -- 稿件三审按序完成率 --------------------------------------------------------------------------------------
def _drafts(root: Unit, year: int, as_of: dt.date) -> QuerySet:
    from qinglian.publicity.models import Decision, Draft, DraftState, SignOff

    def stage(code: str, column: str) -> Subquery:
        return Subquery(SignOff.objects.filter(draft=OuterRef("pk"), stage=code, decision=Decision.APPROVE,
                                               voided_at__isnull=True).order_by("-signed_at").values(column)[:1])

    return (Draft.objects.filter(subtree_q(root), state__in=[DraftState.SIGNED, DraftState.PUBLISHED],
                                 created_at__date__gte=start_of(year), created_at__date__lte=as_of)
            .annotate(**{f"{s}_{c}": stage(s, col) for s in ("first", "second", "final")
                         for c, col in (("at", "signed_at"), ("by", "person_id"))}))


def in_order(row: dict) -> bool:
    """初审 → 复审 → 终审, each signed (not voided), in time order, by three different people."""
    at = [row["first_at"], row["second_at"], row["final_at"]]
    by = [row["first_by"], row["second_by"], row["final_by"]]
    return None not in at and None not in by and at[0] <= at[1] <= at[2] and len(set(by)) == 3


def review_counts(root: Unit, year: int, as_of: dt.date) -> Counts:
    found: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in _drafts(root, year, as_of).order_by().values("unit_id", "first_at", "first_by", "second_at",
                                                               "second_by", "final_at", "final_by"):
        cell = found[row["unit_id"]]
        cell[0] += int(in_order(row))
        cell[1] += 1
    return {unit_id: (num, den) for unit_id, (num, den) in found.items()}


def review_trace(unit: Unit, year: int, as_of: dt.date) -> list[TraceRow]:
    return [TraceRow(row["title"][:80], reverse("publicity:draft", args=[row["pk"]]), row["created_at"].date(),
                     in_order(row), "三审按序完成" if in_order(row) else "审签不全或顺序不符")
            for row in _drafts(unit, year, as_of).order_by("created_at", "pk").values(
                "pk", "title", "created_at", "first_at", "first_by", "second_at", "second_by", "final_at",
                "final_by")]


# -- 舆情提示函办结核实率 ------------------------------------------------------------------------------------
def _alert_letters(root: Unit, year: int, as_of: dt.date) -> tuple[QuerySet, Q]:
    from qinglian.publicity.models import AlertLetter, TicketState

    return (AlertLetter.objects.filter(subtree_q(root), deadline__gte=start_of(year), deadline__lte=as_of),
            Q(verified_at__isnull=False, ticket__state=TicketState.CLOSED))


def opinion_counts(root: Unit, year: int, as_of: dt.date) -> Counts:
    letters, closed = _alert_letters(root, year, as_of)
    return _tally(letters.order_by().values("unit_id").annotate(den=Count("pk"), num=Count("pk", filter=closed)))


def opinion_trace(unit: Unit, year: int, as_of: dt.date) -> list[TraceRow]:
    letters, closed = _alert_letters(unit, year, as_of)
    return [TraceRow(str(a), reverse("publicity:ticket", args=[a.ticket_id]), a.deadline, a.ok,
                     "已核实办结" if a.ok else "未核实办结")
            for a in letters.annotate(ok=_flag(closed)).order_by("deadline", "pk")]


for _entry in (
    CatalogueMeasure("ledger.on_time", "整改按期完成率", "按期或提前销号的", "本年度到期的整改措施", "整改台账",
                     on_time_counts, on_time_trace),
    CatalogueMeasure("ledger.not_reopened", "销号问题未反弹率", "销号后未被重新打开的",
                     "本年度销号或被重新打开的具体问题", "整改台账（回头看、复发、反向核查）", kept_counts, kept_trace),
    CatalogueMeasure("records.duties", "责任事项按期履行率", "期内有纪实记录佐证的",
                     "本年度责任清单各事项已届满的履行周期", "三个清单与全程纪实", duties_counts, duties_trace),
    CatalogueMeasure("records.letters", "责任书签订率", "已签订的", "本年度应签订的责任书", "责任书",
                     letters_counts, letters_trace),
    CatalogueMeasure("publicity.review", "稿件三审按序完成率", "初审、复审、终审依次由三人签署的",
                     "本年度完成审核的稿件", "三审三校", review_counts, review_trace),
    CatalogueMeasure("publicity.opinion", "舆情提示函办结核实率", "经发函单位核实并办结的",
                     "本年度到期的舆情提示函", "舆情处置", opinion_counts, opinion_trace),
):
    register(_entry)

