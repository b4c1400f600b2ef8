"""What 全程纪实 contributes to the statistics engine: activities by kind, risk points, letters, duties.

Activities are counted from `ActivityTally` for the whole years and whole months inside the period and from
the records themselves only for the partial months at its ends, so a year for a province reads a few
hundred thousand small rows instead of millions of records, and the answer stays exact.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from qinglian.org.models import TeamRole
from qinglian.org.scoping import subtree_q
from qinglian.records.models import (
    Activity, ActivityKind, ActivityTally, Category, Duty, Grain, Letter, LetterKind, RiskCategory, RiskLevel,
    RiskPoint,
)
from qinglian.stats.registry import Figure, RecordRef, Scope

CATEGORY_GROUP = {c.value: f"纪实·{c.label}" for c in Category}


# -- activities ---------------------------------------------------------------------------------------------
def split_period(date_from: dt.date, date_to: dt.date) -> tuple[list[dt.date], list[dt.date], list[tuple[dt.date, dt.date]]]:
    """[date_from, date_to] as whole years, whole months and (at most two) leftover day ranges."""
    years: list[dt.date] = []
    months: list[dt.date] = []
    days: list[tuple[dt.date, dt.date]] = []
    cur = date_from
    while cur <= date_to:
        if cur.month == 1 and cur.day == 1 and dt.date(cur.year, 12, 31) <= date_to:
            years.append(cur)
            cur = dt.date(cur.year + 1, 1, 1)
            continue
        month_end = cur.replace(day=calendar.monthrange(cur.year, cur.month)[1])
        if cur.day == 1 and month_end <= date_to:
            months.append(cur)
        else:
            end = min(month_end, date_to)
            if days and days[-1][1] + dt.timedelta(days=1) == cur:
                days[-1] = (days[-1][0], end)
            else:
                days.append((cur, end))
        cur = month_end + dt.timedelta(days=1)
    return years, months, days


def activity_totals(scope: Scope, kind_ids: list[int] | None = None) -> dict[int, list[int]]:
    """{kind id: [records, weight, late records]} for the scope's subtree and period."""
    years, months, days = split_period(scope.date_from, scope.date_to)
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    where = subtree_q(scope.root)
    if kind_ids is not None:
        where &= Q(kind_id__in=kind_ids)
    if years or months:
        cells = Q(grain=Grain.YEAR, start__in=years) if years else Q(pk__in=[])
        if months:
            cells |= Q(grain=Grain.MONTH, start__in=months)
        rows = (ActivityTally.objects.filter(where, cells).order_by().values_list("kind_id")
                .annotate(n=Sum("records"), w=Sum("weight"), l=Sum("late")))
        for kind_id, n, w, late in rows:
            t = totals[kind_id]
            t[0] += n
            t[1] += w
            t[2] += late
    if days:
        span = Q(pk__in=[])
        for start, end in days:
            span |= Q(happened_on__gte=start, happened_on__lte=end)
        rows = (Activity.objects.filter(where, span).order_by().values_list("kind_id")
                .annotate(n=Count("id"), w=Sum("weight"), l=Count("id", filter=Q(late=True))))
        for kind_id, n, w, late in rows:
            t = totals[kind_id]
            t[0] += n
            t[1] += w or 0
            t[2] += late
    return totals


def _activity_url(pk: int) -> str:
    return reverse("records:activity", args=[pk])


class ActivityProvider:
    prefix = "activity"

    def figures(self, scope: Scope) -> list[Figure]:
        totals = activity_totals(scope)
        result = []
        for kind in ActivityKind.objects.all():
            n, weight, late = totals.get(kind.pk, (0, 0, 0))
            if not kind.active and not n:
                continue
            result.append(Figure(kind=kind.stat_code, name=kind.name, counting_unit=kind.counting_unit,
                                 count=weight, late=late, group=CATEGORY_GROUP.get(kind.category, "纪实")))
        return result

    def records(self, scope: Scope, kind: str) -> list[RecordRef]:
        code = kind.removeprefix(self.prefix + ".")
        found = ActivityKind.objects.filter(code=code).first()
        if found is None:
            from qinglian.stats.engine import UnknownKind

            raise UnknownKind(f"没有统计项“{kind}”。")
        rows = (Activity.objects.filter(subtree_q(scope.root), kind=found)
                .between(scope.date_from, scope.date_to).select_related("unit").order_by("happened_on", "id"))
        return [RecordRef(type="records.activity", id=a.pk, label=f"{a.unit.name}：{a.topic}", date=a.happened_on,
                          late=a.late, weight=a.weight, url=_activity_url(a.pk)) for a in rows]


# -- risk points --------------------------------------------------------------------------------------------
TEAM = [TeamRole.PRINCIPAL, TeamRole.TEAM_MEMBER]


def _risk_codes() -> list[tuple[str, str, str, Q]]:
    codes = [("risk.points", "排查廉政风险点", "项", Q())]
    codes += [(f"risk.{c.value}", f"{c.label}风险点", "项", Q(category=c.value)) for c in RiskCategory]
    codes += [(f"risk.level_{lv.value}", f"{lv.label}等级风险点", "项", Q(level=lv.value)) for lv in RiskLevel]
    codes.append(("risk.team_member", "班子成员排查风险点", "个", Q(holder__team_role__in=TEAM)))
    return codes


class RiskProvider:
    prefix = "risk"

    def _base(self, scope: Scope):  # type: ignore[no-untyped-def]
        return RiskPoint.objects.filter(subtree_q(scope.root), identified_on__gte=scope.date_from,
                                        identified_on__lte=scope.date_to)

    def figures(self, scope: Scope) -> list[Figure]:
        codes = _risk_codes()
        aggregates = {}
        for i, (_code, _name, _unit, q) in enumerate(codes):
            aggregates[f"n{i}"] = Count("id", filter=q) if q else Count("id")
            aggregates[f"l{i}"] = Count("id", filter=q & Q(late=True))
        row = self._base(scope).order_by().aggregate(**aggregates)
        return [Figure(kind=code, name=name, counting_unit=unit, count=row[f"n{i}"], late=row[f"l{i}"],
                       group="风险防控") for i, (code, name, unit, _q) in enumerate(codes)]

    def records(self, scope: Scope, kind: str) -> list[RecordRef]:
        q = next((q for code, _n, _u, q in _risk_codes() if code == kind), None)
        if q is None:
            from qinglian.stats.engine import UnknownKind

            raise UnknownKind(f"没有统计项“{kind}”。")
        rows = self._base(scope).filter(q).select_related("unit").order_by("identified_on", "id")
        return [RecordRef(type="records.riskpoint", id=r.pk, label=f"{r.unit.name}·{r.post}：{r.description[:40]}",
                          date=r.identified_on, late=r.late, url=reverse("records:risk", args=[r.pk]),
                          extra={"category": r.get_category_display(), "level": r.get_level_display()})
                for r in rows]


# -- letters ------------------------------------------------------------------------------------------------
class LetterProvider:
    prefix = "letter"

    NAMES = {
        "letter.responsibility_signed": ("签订党风廉政建设责任书", LetterKind.RESPONSIBILITY, True),
        "letter.pledge_signed": ("签订廉政承诺书", LetterKind.PLEDGE, True),
        "letter.responsibility_unsigned": ("未签订党风廉政建设责任书", LetterKind.RESPONSIBILITY, False),
        "letter.pledge_unsigned": ("未签订廉政承诺书", LetterKind.PLEDGE, False),
    }

    def _query(self, scope: Scope, kind: str, signed: bool):  # type: ignore[no-untyped-def]
        qs = Letter.objects.filter(subtree_q(scope.root), kind=kind)
        if signed:
            return qs.filter(signed_on__gte=scope.date_from, signed_on__lte=scope.date_to)
        # letters of the period's years still unsigned
        return qs.filter(year__gte=scope.date_from.year, year__lte=scope.date_to.year, signed_on__isnull=True)

    def figures(self, scope: Scope) -> list[Figure]:
        base = Letter.objects.filter(subtree_q(scope.root))
        in_period = Q(signed_on__gte=scope.date_from, signed_on__lte=scope.date_to)
        unsigned = Q(year__gte=scope.date_from.year, year__lte=scope.date_to.year, signed_on__isnull=True)
        aggregates = {}
        for code, (_name, kind, signed) in self.NAMES.items():
            q = Q(kind=kind) & (in_period if signed else unsigned)
            aggregates[code.replace(".", "_")] = Count("id", filter=q)
            aggregates[code.replace(".", "_") + "_late"] = Count("id", filter=q & Q(late=True))
        row = base.order_by().aggregate(**aggregates)
        return [Figure(kind=code, name=name, counting_unit="份", count=row[code.replace(".", "_")],
                       late=row[code.replace(".", "_") + "_late"], group="责任书")
                for code, (name, _k, _s) in self.NAMES.items()]

    def records(self, scope: Scope, kind: str) -> list[RecordRef]:
        if kind not in self.NAMES:
            from qinglian.stats.engine import UnknownKind

            raise UnknownKind(f"没有统计项“{kind}”。")
        _name, letter_kind, signed = self.NAMES[kind]
        rows = (self._query(scope, letter_kind, signed).select_related("issuer", "unit", "signatory")
                .order_by("signed_on", "unit__path", "id"))
        return [RecordRef(type="records.letter", id=x.pk, label=str(x), date=x.signed_on, late=x.late,
                          url=reverse("records:letter", args=[x.pk])) for x in rows]


# -- duties -------------------------------------------------------------------------------------------------
class DutyProvider:
    prefix = "duty"

    def _statuses(self, scope: Scope):  # type: ignore[no-untyped-def]
        from qinglian.records.selectors import duties_in, duty_statuses

        as_of = min(scope.date_to, timezone.localdate())
        return duty_statuses(list(duties_in(scope.root, scope.date_to.year)), as_of)

    def figures(self, scope: Scope) -> list[Figure]:
        statuses = self._statuses(scope)
        due = sum(1 for s in statuses if s.due)
        return [Figure(kind="duty.total", name="责任清单事项", counting_unit="项", count=len(statuses), group="责任清单"),
                Figure(kind="duty.due", name="当期待履行责任事项", counting_unit="项", count=due, group="责任清单")]

    def records(self, scope: Scope, kind: str) -> list[RecordRef]:
        if kind not in ("duty.total", "duty.due"):
            from qinglian.stats.engine import UnknownKind

            raise UnknownKind(f"没有统计项“{kind}”。")
        return [RecordRef(type="records.duty", id=s.duty.pk, label=f"{s.duty.duty_list}：{s.duty.text}",
                          date=s.last_on, url=reverse("records:duty", args=[s.duty.pk]),
                          extra={"period": s.period.label, "status": "待履行" if s.due else "已履行"})
                for s in self._statuses(scope) if kind == "duty.total" or s.due]


def register_all() -> None:
    from qinglian.stats.registry import register

    for provider in (ActivityProvider(), RiskProvider(), LetterProvider(), DutyProvider()):
        register(provider)


__all__ = ["ActivityProvider", "DutyProvider", "LetterProvider", "RiskProvider", "Duty", "register_all"]
