"""What 全程纪实 contributes to the statistics engine: activities by kind, risk points, letters, duties.

Activities are counted from the pre-aggregates for the whole years and whole months inside the period (a
subtree's own `ActivityRollup`, or `ActivityTotal` for the whole tree: a few dozen rows either way) and from
the records themselves only for the partial months at its ends, so the answer stays exact and its cost does
not grow with the number of units or records.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections import defaultdict
from typing import Any

from django.db import connection
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from qinglian.lib import sql
from qinglian.org.models import Person, TeamRole, Unit, path_successor
from qinglian.org.scoping import subtree_q
from qinglian.records.models import (
    Activity,
    ActivityKind,
    ActivityRollup,
    ActivityTotal,
    Category,
    Duty,
    DutyEvidence,
    DutyList,
    Frequency,
    Grain,
    Letter,
    LetterKind,
    RiskCategory,
    RiskLevel,
    RiskPoint,
)
from qinglian.stats.definitions import DELETED, PERIOD, SUBTREE, late_counted
from qinglian.stats.registry import Definition, Figure, RecordRef, Scope

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


def activity_totals(scope: Scope) -> dict[int, list[int]]:
    """{kind id: [records, weight, late records]} for the scope's subtree and period.

    Whole years and months come from the per-unit pre-aggregate (or, for the whole tree, from the totals, which
    also hold single days); leftover days of a subtree come from the records. Plain SQL that SQLite and
    PostgreSQL both run: this is the engine's hot path, and the ORM would spend longer building it than the
    database spends answering it.
    """
    years, months, days = split_period(scope.date_from, scope.date_to)
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    whole = scope.whole
    statements: list[tuple[str, list[Any]]] = []
    sums = "SELECT t.kind_id, SUM(t.records), SUM(t.weight), SUM(t.late)"
    if whole:
        cells, params = [], []
        for grain, starts in ((Grain.YEAR, years), (Grain.MONTH, months)):
            if starts:
                cells.append(f"(t.grain = %s AND t.start IN ({sql.placeholders(starts)}))")
                params += [grain, *starts]
        for first, last in days:
            cells.append("(t.grain = %s AND t.start >= %s AND t.start <= %s)")
            params += [Grain.DAY, first, last]
        statements.append((f"{sums} FROM {ActivityTotal._meta.db_table} t WHERE {' OR '.join(cells)} "
                           f"GROUP BY t.kind_id", params))
    else:
        tree = [scope.root.path, path_successor(scope.root.path)]
        join = f"JOIN {Unit._meta.db_table} u ON u.id = t.unit_id WHERE u.path >= %s AND u.path < %s"
        # whole years and months: the subtree's own pre-aggregate, one index range
        for grain, starts in ((Grain.YEAR, years), (Grain.MONTH, months)):
            if starts:
                statements.append((f"{sums} FROM {ActivityRollup._meta.db_table} t WHERE t.unit_id = %s "
                                   f"AND t.grain = %s AND t.start IN ({sql.placeholders(starts)}) GROUP BY t.kind_id",
                                   [scope.root.pk, grain, *starts]))
        for first, last in days:
            statements.append((f"SELECT t.kind_id, COUNT(*), SUM(t.weight), SUM(CASE WHEN t.late THEN 1 ELSE 0 END) "  # identifiers from the models (lib.sql.tables), every value a bound parameter  # nosec B608
                               f"FROM {Activity._meta.db_table} t {join} AND t.deleted_at IS NULL "
                               f"AND t.happened_on >= %s AND t.happened_on <= %s GROUP BY t.kind_id",
                               [*tree, first, last]))
    with connection.cursor() as cursor:
        for text, args in statements:
            cursor.execute(text, args)
            for kind_id, n, w, late in cursor.fetchall():
                t = totals[kind_id]
                t[0] += n
                t[1] += w or 0
                t[2] += late or 0
    return totals


def _activity_url(pk: int) -> str:
    return reverse("records:activity", args=[pk])


def activity_definition(kind: ActivityKind) -> Definition:
    """The 统计口径 of one activity kind (kinds are data: the definition follows the admin's settings)."""
    cu = kind.counting_unit
    if kind.counts_persons:
        weight = f"每条记录按谈话（提醒）对象人数计数（对象去重，约谈3人记3{cu}；未填写对象的记录计0{cu}）"
        unit = f"{cu}：每名谈话（提醒）对象记1{cu}"
        beside = "谈话（提醒）对象以外的参加人员、主持人不计数"
    else:
        weight = f"每条记录计1{cu}，与参加人数无关"
        unit = f"{cu}：每条活动记录记1{cu}"
        beside = "同一活动的参加人员不另计数"
    retired = "；该类型已停用，已有记录照常统计" if not kind.active else ""
    return Definition(
        name=kind.name, group=CATEGORY_GROUP.get(kind.category, "纪实"), counting_unit=unit,
        counts=(f"{SUBTREE}登记的、发生日期在{PERIOD}内的“{kind.name}”活动记录；{weight}；"
                f"{late_counted('发生日期')}{retired}。"),
        excludes=(f"{DELETED}；发生日期在时段之外的记录（即使在时段内录入）；其他活动类型的记录；{beside}。"),
        records=f"纪实·活动记录（类型“{kind.name}”），逐条显示单位、主题、发生日期、计数和补录标记。")


class ActivityProvider:
    prefix = "activity"

    def figures(self, scope: Scope) -> list[Figure]:
        totals = activity_totals(scope)
        result = []
        q = connection.ops.quote_name
        with connection.cursor() as cursor:  # the kinds, in the admin's order (plain SQL: asked on every count)
            cursor.execute(f"SELECT id, code, name, category, counting_unit, active FROM "  # identifiers from the models (lib.sql.tables), every value a bound parameter  # nosec B608
                           f"{q(ActivityKind._meta.db_table)} ORDER BY {q('order')}, id")
            kinds = cursor.fetchall()
        for pk, code, name, category, counting_unit, active in kinds:
            n, weight, late = totals.get(pk, (0, 0, 0))
            if not active and not n:
                continue
            result.append(Figure(kind=f"{self.prefix}.{code}", name=name, counting_unit=counting_unit,
                                 count=weight, late=late, group=CATEGORY_GROUP.get(category, "纪实")))
        return result

    def definitions(self) -> dict[str, Definition]:
        return {kind.stat_code: activity_definition(kind) for kind in ActivityKind.objects.all()}

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

    @staticmethod
    @functools.cache
    def _sql(whole: bool) -> str:
        """`_base` grouped by what the figures split on, in one statement (see lib.sql)."""
        t = sql.tables(RiskPoint, Person)
        return (f"SELECT r.category, r.level, p.team_role, r.late, COUNT(*) FROM {t['riskpoint']} r "  # identifiers from the models (lib.sql.tables), every value a bound parameter  # nosec B608
                f"LEFT JOIN {t['person']} p ON p.id = r.holder_id "
                f"WHERE r.deleted_at IS NULL AND {sql.in_subtree('r.unit_id', whole)} AND r.identified_on >= %(date_from)s "
                f"AND r.identified_on <= %(date_to)s GROUP BY r.category, r.level, p.team_role, r.late")

    def figures(self, scope: Scope) -> list[Figure]:
        # one small GROUP BY; the figures are sums of its rows
        groups = sql.fetch(self._sql(scope.whole), sql.period(scope))
        sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for category, level, team_role, late, n in groups:
            for code in ("risk.points", f"risk.{category}", f"risk.level_{level}",
                         *(["risk.team_member"] if team_role in TEAM else [])):
                sums[code][0] += n
                sums[code][1] += n if late else 0
        return [Figure(kind=code, name=name, counting_unit=unit, count=sums[code][0], late=sums[code][1],
                       group="风险防控") for code, name, unit, _q in _risk_codes()]

    def definitions(self) -> dict[str, Definition]:
        common = f"{SUBTREE}登记的、排查日期在{PERIOD}内的廉政风险点"
        late = late_counted("排查日期")
        out = {}
        for code, name, unit, _q in _risk_codes():
            which = code.removeprefix("risk.")
            if which == "points":
                rule, other = "，不分类别和等级", "排查日期在时段之外的风险点（往年排查、本年仅复核的不计）"
            elif which == "team_member":
                rule = "中，岗位人员为主要领导或班子成员的"
                other = "岗位人员为一般干部或未指定岗位人员的风险点；排查日期在时段之外的风险点"
            elif which.startswith("level_"):
                level = RiskLevel(which.removeprefix("level_")).label
                rule, other = f"中，风险等级为“{level}”的", "其他等级的风险点；排查日期在时段之外的风险点"
            else:
                cat = RiskCategory(which).label
                rule, other = f"中，类别为“{cat}”风险的", "其他类别的风险点；排查日期在时段之外的风险点"
            out[code] = Definition(
                name=name, group="风险防控", counting_unit=f"{unit}：每个风险点记1{unit}",
                counts=f"{common}{rule}；{late}。", excludes=f"{DELETED}；{other}；风险点下的防控措施、年度复核不另计数。",
                records="廉政风险点，逐条显示单位、岗位、描述（敏感的不显示）、排查日期、类别和等级。")
        return out

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

    @staticmethod
    @functools.cache
    def _sql(whole: bool) -> str:
        """`_query` of every kind at once, grouped by kind (see lib.sql): signed in the period, or of the
        period's years and still unsigned."""
        t = sql.tables(Letter)
        return (f"SELECT x.kind, x.late, COUNT(x.signed_on), COUNT(*) FROM {t['letter']} x "  # identifiers from the models (lib.sql.tables), every value a bound parameter  # nosec B608
                f"WHERE x.deleted_at IS NULL AND {sql.in_subtree('x.unit_id', whole)} "
                f"AND ((x.signed_on >= %(date_from)s AND x.signed_on <= %(date_to)s) OR (x.signed_on IS NULL "
                f"AND x.year >= %(year_from)s AND x.year <= %(year_to)s)) GROUP BY x.kind, x.late")

    def figures(self, scope: Scope) -> list[Figure]:
        params = {**sql.period(scope), "year_from": scope.date_from.year, "year_to": scope.date_to.year}
        groups = sql.fetch(self._sql(scope.whole), params)
        sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for kind, late, signed, n in groups:
            # rows in the period are signed, the others unsigned (a row is one or the other)
            for code, count in ((f"letter.{kind}_signed", signed), (f"letter.{kind}_unsigned", n - signed)):
                sums[code][0] += count
                sums[code][1] += count if late else 0
        return [Figure(kind=code, name=name, counting_unit="份", count=sums[code][0], late=sums[code][1],
                       group="责任书") for code, (name, _k, _s) in self.NAMES.items()]

    def definitions(self) -> dict[str, Definition]:
        out = {}
        for code, (name, letter_kind, signed) in self.NAMES.items():
            what = LetterKind(letter_kind).label
            if signed:
                counts = (f"签订对象单位属于{SUBTREE}、签订日期在{PERIOD}内的{what}（含与本单位干部签订的）；"
                          f"{late_counted('签订日期')}。")
                excludes = f"{DELETED}；尚未登记签订日期的{what}；签订日期在时段之外的{what}（不论其年度）；另一类文书。"
            else:
                counts = (f"签订对象单位属于{SUBTREE}、年度在统计时段所含年份内、至今尚未登记签订日期的{what}"
                          "（按现在的状态统计）。")
                excludes = f"{DELETED}；已登记签订日期的{what}；年度在时段所含年份之外的{what}；另一类文书。"
            out[code] = Definition(
                name=name, group="责任书", counting_unit="份：每份责任书（承诺书）记1份",
                counts=counts, excludes=excludes,
                records=f"{what}，逐份显示年度、签订单位和签订对象、签订日期和补录标记。")
        return out

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

        t = sql.tables(DutyList)
        if not sql.fetch(f"SELECT 1 FROM {t['dutylist']} d JOIN {t['unit']} u ON u.id = d.unit_id WHERE "  # identifiers from the models (lib.sql.tables), every value a bound parameter  # nosec B608
                         f"d.deleted_at IS NULL AND {sql.IN_SUBTREE} AND d.year = %(year)s LIMIT 1",
                         {**sql.subtree(scope.root), "year": scope.date_to.year}):
            return []  # the common case outside the units that keep lists: one cheap statement
        as_of = min(scope.date_to, timezone.localdate())
        return duty_statuses(list(duties_in(scope.root, scope.date_to.year)), as_of)

    def figures(self, scope: Scope) -> list[Figure]:
        total, due = duty_counts(scope)
        return [Figure(kind="duty.total", name="责任清单事项", counting_unit="项", count=total, group="责任清单"),
                Figure(kind="duty.due", name="当期待履行责任事项", counting_unit="项", count=due, group="责任清单")]

    def definitions(self) -> dict[str, Definition]:
        lists = (f"{SUBTREE}的三个清单（主体责任、第一责任人、一岗双责）中，年度为统计时段结束日所在年份的责任事项"
                 "（时段开始日不影响此项）")
        judged = ("每项按其履行频次（每季度、每半年、每年）判断当期：以结束日和今天中较早的一天所在的周期为当期，"
                  "当期内本清单单位登记了该事项佐证类型的活动记录、或有手工关联的记录，即为已履行")
        return {
            "duty.total": Definition(
                name="责任清单事项", group="责任清单", counting_unit="项：每个责任事项记1项",
                counts=f"{lists}，不论是否已履行。", excludes=f"已删除的清单及其事项；{DELETED}；其他年度清单的事项。",
                records="责任事项，逐项显示所属清单、事项内容、当期和履行状态（已履行/待履行）、最近佐证日期。"),
            "duty.due": Definition(
                name="当期待履行责任事项", group="责任清单", counting_unit="项：每个责任事项记1项",
                counts=f"{lists}中，当期尚无佐证记录的事项。{judged}。",
                excludes=("当期已有佐证记录的事项；以往周期未履行而当期已履行的事项；已删除的清单、事项和活动记录；"
                          "下级单位的记录不作本单位事项的佐证。"),
                records="待履行的责任事项，逐项显示所属清单、事项内容、当期和最近佐证日期。"),
        }

    def records(self, scope: Scope, kind: str) -> list[RecordRef]:
        if kind not in ("duty.total", "duty.due"):
            from qinglian.stats.engine import UnknownKind

            raise UnknownKind(f"没有统计项“{kind}”。")
        return [RecordRef(type="records.duty", id=s.duty.pk, label=f"{s.duty.duty_list}：{s.duty.text}",
                          date=s.last_on, url=reverse("records:duty", args=[s.duty.pk]),
                          extra={"period": s.period.label, "status": "待履行" if s.due else "已履行"})
                for s in self._statuses(scope) if kind == "duty.total" or s.due]


@functools.cache
def _duty_sql(whole: bool) -> str:
    """`DutyProvider._statuses` counted in one statement (see lib.sql): the scope's duties of the year, and those
    evidenced in their judged period. Every duty of one frequency is judged in the same window (the lists are all
    of one year), so each frequency's window is a pair of parameters; whether a duty was evidenced in it is read
    from the pre-aggregate (`DutyEvidence`: the first evidence day of each of its periods), one row per duty
    instead of a probe of the records per duty."""
    t = sql.tables(Duty, DutyList, DutyEvidence)
    start = " ".join(f"WHEN %(f_{f})s THEN %(s_{f})s" for f in Frequency.values)
    last = " ".join(f"WHEN %(f_{f})s THEN %(l_{f})s" for f in Frequency.values)
    # identifiers from the models (lib.sql.tables), every value a bound parameter. One pass over the scope's
    # duties (no CTE read twice): the evidence row of each one's judged period, if any, is joined to it.
    return f"""
        SELECT COUNT(*), COUNT(e.duty_id) FROM {t["duty"]} d JOIN {t["dutylist"]} l ON l.id = d.duty_list_id
        LEFT JOIN {t["dutyevidence"]} e ON e.duty_id = d.id AND e.start = CASE d.frequency {start} END
            AND e.first_on <= CASE d.frequency {last} END
        WHERE d.deleted_at IS NULL AND l.deleted_at IS NULL AND l.year = %(year)s
          AND {sql.in_subtree("l.unit_id", whole)}"""  # nosec B608


def duty_counts(scope: Scope) -> tuple[int, int]:
    """(duties, due duties) of the scope: what `DutyProvider._statuses` lists, counted without fetching them."""
    from qinglian.records.selectors import judged_period

    year = scope.date_to.year
    as_of = min(scope.date_to, timezone.localdate())
    params: dict[str, Any] = {**sql.subtree(scope.root), "year": year}
    for f in Frequency.values:
        period, last = judged_period(Duty(duty_list=DutyList(year=year), frequency=f), as_of)
        params |= {f"f_{f}": f, f"s_{f}": sql.day(period.start), f"l_{f}": sql.day(last)}
    ((total, done),) = sql.fetch(_duty_sql(scope.whole), params)
    return int(total), int(total) - int(done)


def register_all() -> None:
    from qinglian.stats.registry import register

    for provider in (ActivityProvider(), RiskProvider(), LetterProvider(), DutyProvider()):
        register(provider)


__all__ = ["ActivityProvider", "Duty", "DutyProvider", "LetterProvider", "RiskProvider", "register_all"]
