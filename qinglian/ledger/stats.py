"""The ledger's statistics Provider (prefix "ledger"): the figures of `selectors.ledger_figures`, each
traceable to its rows (`records`)."""

from __future__ import annotations

from collections.abc import Sequence

from qinglian.ledger.selectors import FIGURES, figure_querysets, ledger_figures, record_label
from qinglian.stats.registry import Figure, RecordRef, Scope

TRACE_LIMIT = 5000


class LedgerProvider:
    prefix = "ledger"

    def figures(self, scope: Scope) -> list[Figure]:
        values = ledger_figures(scope)
        return [Figure(kind=f"ledger.{key}", name=name, counting_unit=unit, count=int(values[key]), group="整改")
                for key, (name, unit) in FIGURES.items()]

    def records(self, scope: Scope, kind: str) -> list[RecordRef]:
        return source_records(scope, kind)


def source_records(scope: Scope, kind: str, only: Sequence[int] | None = None) -> list[RecordRef]:
    """The rows behind a ledger figure; `only`: of these sources alone (a notice for one inspection)."""
    key = kind.removeprefix("ledger.")
    if key not in FIGURES:
        return []
    qs = figure_querysets(scope.root, scope.date_from, scope.date_to, only=only)[key]
    refs = []
    for obj in qs.order_by("pk")[:TRACE_LIMIT]:
        label, url, when = record_label(key, obj)
        refs.append(RecordRef(type=obj._meta.label_lower, id=obj.pk, label=label, date=when, url=url))
    return refs
