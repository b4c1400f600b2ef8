"""The verification figures (provider prefix "verify"), counted like the ledger's: the measures of the
sources fed back in the period (`ledger.selectors.scoped_sources`), their state as of now.

提前 / 按期 / 逾期完成: a 销号 measure (closure closed) judged by its 销号 date (`closed_at`: the day its
销号, or under 验收 its 完成, was approved) against the deadline in force (`deadline`, which an approved
extension moved): before the deadline's day, on it, after it. 延期: the measures with an approved extension,
whatever they came to. 已完成待验收 counts apart: they are not closed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from qinglian.ledger.models import Closure, Measure, Problem
from qinglian.ledger.selectors import record_label, scoped_sources
from qinglian.stats.registry import Figure, RecordRef, Scope
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


def verify_counts(root: Any, date_from: dt.date, date_to: dt.date,
                  only: Sequence[int] | None = None) -> dict[str, int]:
    """The count of every kind: the measures' in one aggregate, the problems' in one COUNT."""
    measures, recurred = _sets(root, date_from, date_to, only)
    counts = measures.aggregate(**{key: Count("pk", filter=q) for key, q in measure_qs().items()})
    counts["recurred"] = recurred.count()
    return {key: int(counts[key] or 0) for key in FIGURES}


class VerifyProvider:
    prefix = "verify"

    def figures(self, scope: Scope) -> list[Figure]:
        counts = verify_counts(scope.root, scope.date_from, scope.date_to)
        return [Figure(kind=f"verify.{key}", name=name, counting_unit=unit, count=counts[key], group="整改")
                for key, (name, unit) in FIGURES.items()]

    def records(self, scope: Scope, kind: str) -> list[RecordRef]:
        key = kind.removeprefix("verify.")
        if key not in FIGURES:
            return []
        refs = []
        for obj in figure_querysets(scope.root, scope.date_from, scope.date_to)[key].order_by("pk")[:TRACE_LIMIT]:
            label, url, when = record_label(key, obj)
            refs.append(RecordRef(type=obj._meta.label_lower, id=obj.pk, label=label, date=when, url=url))
        return refs
