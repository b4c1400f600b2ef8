"""The verification figures (provider prefix "verify"), counted like the ledger's: the measures of the
sources fed back in the period (`ledger.selectors.scoped_sources`), their state as of now.

提前 / 按期 / 逾期完成: a 销号 measure (closure closed) judged by its 销号 date (`closed_at`: the day its
销号, or under 验收 its 完成, was approved) against the deadline in force (`deadline`, which an approved
extension moved): before the deadline's day, on it, after it. 延期: the measures with an approved extension,
whatever they came to. 已完成待验收 counts apart: they are not closed.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from qinglian.ledger.models import Closure, Measure, Problem, Source
from qinglian.ledger.selectors import record_label, scoped_sources
from qinglian.ledger.stats import MEASURE_UNIT, SOURCES, UNDATED
from qinglian.lib import sql
from qinglian.stats.definitions import DELETED
from qinglian.stats.registry import Definition, Figure, RecordRef, Scope
from qinglian.verify.models import Extension, ExtensionState, Recurrence

FIGURES: dict[str, tuple[str, str]] = {  # kind → (name, counting unit)
    "early": ("提前完成", "项"),
    "on_time": ("按期完成", "项"),
    "late": ("逾期完成", "项"),
    "extended": ("经批准延期", "项"),
    "awaiting": ("已完成待验收", "项"),
    "recurred": ("观察期内复发问题", "项"),
}
TRACE_LIMIT = 5000

CLOSED = (f"{SOURCES}的整改措施中，已销号（两步销号的须已验收）、有整改时限的措施，按销号日期（两步销号的为完成获批"
          "之日）与现行整改时限（经批准延期的为延期后的时限）比较：")
NOT_CLOSED = "尚未销号（含已完成待验收）的措施；没有具体整改时限的措施"


def _closed(name: str, rule: str, other: str) -> Definition:
    return Definition(name=name, group="整改", counting_unit=MEASURE_UNIT, counts=f"{CLOSED}{rule}。",
                      excludes=f"{DELETED}；{NOT_CLOSED}；{other}；{UNDATED}。",
                      records=f"{name}的整改措施，逐条显示措施内容和整改时限。")


DEFINITIONS: dict[str, Definition] = {
    "early": _closed("提前完成", "销号日期早于时限当天的", "按期或逾期销号的措施"),
    "on_time": _closed("按期完成", "销号日期恰为时限当天的", "提前或逾期销号的措施"),
    "late": _closed("逾期完成", "销号日期晚于时限的", "提前或按期销号的措施"),
    "extended": Definition(
        name="经批准延期", group="整改", counting_unit=MEASURE_UNIT,
        counts=f"{SOURCES}的整改措施中，有一份延期申请已获批准的（不论后来是否完成、何时完成）；批准时间不受统计时段限制。",
        excludes=f"{DELETED}（含已删除的延期申请）；延期申请待审批或未获批准的措施；{UNDATED}。",
        records="经批准延期的整改措施，逐条显示措施内容和延期后的整改时限。"),
    "awaiting": Definition(
        name="已完成待验收", group="整改", counting_unit=MEASURE_UNIT,
        counts=f"{SOURCES}的整改措施中，已报完成（作出真实性承诺）、正等待验收的；按现状统计。",
        excludes=f"{DELETED}；已验收销号的措施（计入提前/按期/逾期完成）；退回重新整改的措施；{UNDATED}。",
        records="已完成待验收的整改措施，逐条显示措施内容和整改时限。"),
    "recurred": Definition(
        name="观察期内复发问题", group="整改", counting_unit="项：每个登记过复发的问题记1项",
        counts=f"{SOURCES}下的问题中，在验收后的观察期内登记过复发的（同一问题多次复发只计1项）。",
        excludes=f"{DELETED}（含已删除的复发登记）；从未登记复发的问题；{UNDATED}。",
        records="登记过复发的问题，逐项显示问题内容和销号日期。"),
}


def measure_qs() -> dict[str, Q]:
    """kind → the Q of its measures among a period's: one definition for the counts and their traces."""
    closed = Q(closure=Closure.CLOSED, closed_at__isnull=False, deadline__isnull=False)
    approved = Extension.objects.filter(measure=OuterRef("pk"), state=ExtensionState.APPROVED,
                                        deleted_at__isnull=True)
    return {
        "early": closed & Q(closed_at__lt=F("deadline")),
        "on_time": closed & Q(closed_at=F("deadline")),
        "late": closed & Q(closed_at__gt=F("deadline")),
        "extended": Q(Exists(approved)),
        "awaiting": Q(closure=Closure.VERIFYING),
    }


def _sets(root: Any, date_from: dt.date, date_to: dt.date,
          only: Sequence[int] | None) -> tuple[QuerySet[Measure], QuerySet[Problem]]:
    sources = scoped_sources(root, date_from, date_to, only).values("pk")
    recurred = Exists(Recurrence.objects.filter(problem=OuterRef("pk"), deleted_at__isnull=True))
    return Measure.objects.filter(source__in=sources), Problem.objects.filter(source__in=sources).filter(recurred)


def figure_querysets(root: Any, date_from: dt.date, date_to: dt.date,
                     only: Sequence[int] | None = None) -> dict[str, QuerySet[Any]]:
    """kind → the rows behind it."""
    measures, recurred = _sets(root, date_from, date_to, only)
    return {**{key: measures.filter(q) for key, q in measure_qs().items()}, "recurred": recurred}


@functools.cache
def _counts_sql(whole: bool) -> str:
    """`figure_querysets` counted in one statement (see lib.sql): the ORM took longer to build its two
    aggregates than the database to answer them."""
    t = sql.tables(Source, Measure, Problem, Extension, Recurrence)
    closed = ("m.closure = %(closed)s AND m.closed_at IS NOT NULL AND m.deadline IS NOT NULL "
              "AND m.closed_at {} m.deadline")

    def when(condition: str) -> str:
        return f"COALESCE(SUM(CASE WHEN {condition} THEN 1 ELSE 0 END), 0)"

    # identifiers from the models (lib.sql.tables), every value a bound parameter
    return f"""
        WITH src AS (
            SELECT s.id FROM {t["source"]} s WHERE s.deleted_at IS NULL AND {sql.in_subtree("s.unit_id", whole)}
              AND s.feedback_date >= %(date_from)s AND s.feedback_date <= %(date_to)s)
        SELECT m.early, m.on_time, m.late, m.extended, m.awaiting,
            (SELECT COUNT(*) FROM {t["problem"]} p WHERE p.deleted_at IS NULL AND p.source_id IN (SELECT id FROM src)
               AND EXISTS (SELECT 1 FROM {t["recurrence"]} r WHERE r.problem_id = p.id AND r.deleted_at IS NULL))
        FROM (SELECT {when(closed.format("<"))} AS early, {when(closed.format("="))} AS on_time,
                     {when(closed.format(">"))} AS late,
                     {when(f"EXISTS (SELECT 1 FROM {t['extension']} e WHERE e.measure_id = m.id "
                           "AND e.state = %(approved)s AND e.deleted_at IS NULL)")} AS extended,
                     {when("m.closure = %(verifying)s")} AS awaiting
              FROM {t["measure"]} m WHERE m.deleted_at IS NULL AND m.source_id IN (SELECT id FROM src)) m"""  # nosec B608


def verify_counts(root: Any, date_from: dt.date, date_to: dt.date,
                  only: Sequence[int] | None = None, whole: bool = False) -> dict[str, int]:
    """The count of every kind: in one statement for a subtree (`whole`: `root` is the whole tree), in one
    aggregate and one COUNT for some sources (`only`)."""
    if not only:
        params = {**sql.subtree(root), "date_from": sql.day(date_from), "date_to": sql.day(date_to),
                  "closed": Closure.CLOSED, "verifying": Closure.VERIFYING, "approved": ExtensionState.APPROVED}
        (row,) = sql.fetch(_counts_sql(whole), params)
        return dict(zip(FIGURES, map(int, row), strict=True))
    measures, recurred = _sets(root, date_from, date_to, only)
    counts = measures.aggregate(**{key: Count("pk", filter=q) for key, q in measure_qs().items()})
    counts["recurred"] = recurred.count()
    return {key: int(counts[key] or 0) for key in FIGURES}


class VerifyProvider:
    prefix = "verify"

    def figures(self, scope: Scope) -> list[Figure]:
        counts = verify_counts(scope.root, scope.date_from, scope.date_to, whole=scope.whole)
        return [Figure(kind=f"verify.{key}", name=name, counting_unit=unit, count=counts[key], group="整改")
                for key, (name, unit) in FIGURES.items()]

    def definitions(self) -> dict[str, Definition]:
        return {f"verify.{key}": DEFINITIONS[key] for key in FIGURES}

    def records(self, scope: Scope, kind: str) -> list[RecordRef]:
        key = kind.removeprefix("verify.")
        if key not in FIGURES:
            return []
        refs = []
        for obj in figure_querysets(scope.root, scope.date_from, scope.date_to)[key].order_by("pk")[:TRACE_LIMIT]:
            label, url, when = record_label(key, obj)
            refs.append(RecordRef(type=obj._meta.label_lower, id=obj.pk, label=label, date=when, url=url))
        return refs
