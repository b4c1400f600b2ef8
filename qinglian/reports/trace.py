"""Every figure of a draft and the records it counts (the trace page and the .xlsx appendix).

The draft keeps the number it printed; the records are fetched now, through the same engine (or the person
adapter), so a figure whose records changed since the draft was written shows both numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from qinglian.ledger.stats import source_records
from qinglian.org.models import Unit
from qinglian.reports.integrity import PREFIX as INTEGRITY_PREFIX
from qinglian.reports.integrity import integrity_records
from qinglian.reports.models import GeneratedReport
from qinglian.reports.person import person_records
from qinglian.stats import engine
from qinglian.stats.registry import Definition, RecordRef


@dataclass
class TraceRow:
    figure: dict[str, Any]
    refs: list[RecordRef] = field(default_factory=list)
    error: str = ""
    definition: Definition | None = None  # the 统计口径 of the figure's kind (stats.definitions)

    @property
    def current(self) -> int:
        return sum(r.weight for r in self.refs)

    @property
    def changed(self) -> bool:
        return not self.error and self.figure.get("count") is not None and self.current != self.figure["count"]

    @property
    def late(self) -> int:
        return sum(1 for r in self.refs if r.late)


def _records(generated: GeneratedReport, unit: Unit, kind: str, clearance: str | None) -> list[RecordRef]:
    if kind.startswith("ledger.") and generated.sources:  # a notice for some sources: their rows only
        scope = engine.make_scope(unit=unit, date_from=generated.date_from, date_to=generated.date_to)
        return engine.within_clearance(source_records(scope, kind, only=generated.sources), clearance)
    if kind.startswith(INTEGRITY_PREFIX):
        if generated.person is None:
            return []
        return integrity_records(generated.person, generated.date_from, generated.date_to, kind,
                                 today=timezone.localdate(generated.created_at), clearance=clearance)
    if kind.startswith("person."):
        if generated.person is None:
            return []
        return engine.within_clearance(person_records(generated.person, generated.date_from, generated.date_to, kind,
                                                      today=timezone.localdate(generated.created_at)), clearance)
    return engine.records(unit=unit, date_from=generated.date_from, date_to=generated.date_to, kind=kind,
                          clearance=clearance)


def trace_rows(generated: GeneratedReport, clearance: str | None = None) -> list[TraceRow]:
    """Each figure of the draft with its records now; `clearance`: the reader's, for the labels of rows whose
    text is content (a 意见回复's measures; None: the system itself)."""
    root = generated.unit
    units = {u.pk: u for u in Unit.objects.subtree(root).filter(
        pk__in=[f["unit_id"] for f in generated.figures if f.get("unit_id")])}
    cache: dict[tuple[int, str], list[RecordRef]] = {}

    def records(unit: Unit, kind: str) -> list[RecordRef]:
        key = (unit.pk, kind)
        if key not in cache:
            cache[key] = _records(generated, unit, kind, clearance)
        return cache[key]

    rows = []
    for f in generated.figures:
        row = TraceRow(figure=f)
        try:
            if f.get("own"):
                seen = {(r.type, r.id) for child in root.children.filter(deleted_at__isnull=True)
                        for r in records(child, f["kind"])}
                row.refs = [r for r in records(root, f["kind"]) if (r.type, r.id) not in seen]
            elif f.get("unit_id"):
                unit = units.get(f["unit_id"])
                if unit is None:
                    row.error = "该单位已不存在或已移出本单位。"
                else:
                    row.refs = records(unit, f["kind"])
            else:
                row.refs = records(root, f["kind"])
        except engine.UnknownKind as exc:
            row.error = str(exc)
        rows.append(row)
    return rows


HEADER = ["序号", "报告中的写法", "统计项", "统计项代码", "报告中的数量", "现有记录合计", "记录日期", "记录", "计数", "补录",
          "链接"]


def trace_table(rows: list[TraceRow], base_url: str = "") -> list[list[Any]]:
    out: list[list[Any]] = []
    for row in rows:
        f = row.figure
        head = [f["n"], f["text"], f.get("name", ""), f["kind"], f.get("count"), row.current]
        if row.error:
            out.append([*head, "", row.error, "", "", ""])
        elif not row.refs:
            out.append([*head, "", "（无记录）", 0, "", ""])
        for r in row.refs:
            out.append([*head, r.date.isoformat() if r.date else "", r.label, r.weight, "是" if r.late else "",
                        f"{base_url}{r.url}" if r.url else ""])
    return out
