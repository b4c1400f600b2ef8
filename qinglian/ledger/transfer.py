"""Excel in and out, for the web pages and the CLI alike: parse (excel.py) → plan → ledger_create_from_plan;
and the unit subtree's ledger → one sheet per source in the same layout."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from paperwork.calendar import parse_date
from qinglian.audit.models import Action
from qinglian.audit.services import audit_log
from qinglian.ledger.excel import (
    FIELD_LABELS,
    SOURCE_KIND_LABELS,
    ParsedLedger,
    RowError,
    read_ledger,
    write_ledger,
)
from qinglian.ledger.imports import PlanResult, ledger_create_from_plan
from qinglian.ledger.models import Aspect, Measure, Problem, Source
from qinglian.ledger.template_xlsx import EXAMPLE_MARK
from qinglian.lib.files import Upload
from qinglian.lib.models import labels_within
from qinglian.org.models import Unit
from qinglian.org.scoping import subtree_q

KIND_BY_LABEL = {label: code for code, label in SOURCE_KIND_LABELS.items()}


@dataclass
class ImportOutcome:
    parsed: ParsedLedger
    result: PlanResult
    source_fields: dict[str, Any]
    skipped: bool = False  # rows with problems were left out (listed in result.refused), the rest imported

    def as_dict(self) -> dict[str, Any]:
        data = self.result.as_dict()
        data["errors"] = [e.as_dict() for e in self.errors]
        data["sheet"] = self.parsed.sheet
        data["columns"] = self.parsed.mapping()
        data["source"] = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in self.source_fields.items()}
        return data

    @property
    def kind_label(self) -> str:
        """The source kind by its name (巡察, 督查 …), never its code."""
        return SOURCE_KIND_LABELS.get(self.source_fields.get("kind") or "", "")

    @property
    def errors(self) -> list[RowError]:
        return self.result.errors if self.skipped else self.parsed.errors + self.result.errors

    @property
    def ok(self) -> bool:
        return not self.errors


def source_fields_from(given: dict[str, Any], meta: dict[str, str]) -> dict[str, Any]:
    """What the user gave wins; else what the sheet's title rows say (the export writes them)."""
    fields: dict[str, Any] = {"kind": given.get("kind") or KIND_BY_LABEL.get(meta.get("来源", ""), ""),
                              "issued_by": given.get("issued_by") or meta.get("反馈机关", ""),
                              "feedback_date": given.get("feedback_date")}
    if fields["feedback_date"] is None and meta.get("反馈日期"):
        try:
            fields["feedback_date"] = parse_date(meta["反馈日期"]).date
        except ValueError:
            pass
    if given.get("title"):
        fields["title"] = given["title"]
    return fields


def ledger_read_xlsx(data: bytes, filename: str, *, sheet: str | None = None, mapping: dict[str, str] | None = None,
                     today: dt.date | None = None) -> ParsedLedger:
    """Parse a ledger upload within the configured limits (upload size, unpacked size, rows per import)."""
    return read_ledger(data, filename, max_bytes=settings.QINGLIAN_MAX_UPLOAD_BYTES, sheet=sheet, mapping=mapping,
                       today=today or timezone.localdate(), max_unpacked=settings.QINGLIAN_MAX_UNPACKED_BYTES,
                       max_rows=settings.QINGLIAN_MAX_IMPORT_ROWS)


def ledger_import_xlsx(*, user: Any, unit: Unit, data: bytes = b"", filename: str, source_fields: dict[str, Any],
                       sheet: str | None = None, mapping: dict[str, str] | None = None, dry_run: bool = False,
                       today: dt.date | None = None, parsed: ParsedLedger | None = None,
                       names: dict[str, str] | None = None, skip_refused: bool = False, via: str = "web",
                       ) -> ImportOutcome:
    """Parse `data` (or take `parsed`, what an earlier ledger_read_xlsx of the same upload stored) and write
    its plan as one import batch (`data`, the original file, is kept with it); importing the same plan twice
    creates nothing the second time. All or nothing, unless `skip_refused`: then the rows with problems are
    left out, listed with why in `result.refused` (and the batch), and the rest goes in. `names` chooses for
    names that match no one (see ledger_create_from_plan); without a choice they are kept as written."""
    today = today or timezone.localdate()
    if parsed is None:
        parsed = ledger_read_xlsx(data, filename, sheet=sheet, mapping=mapping, today=today)
    fields = source_fields_from(source_fields, parsed.meta)
    if not parsed.aspects:
        return ImportOutcome(parsed, PlanResult(dry_run=dry_run), fields)
    parsed.errors = parsed.errors + example_rows(parsed)
    common = {"user": user, "unit": unit, "source_fields": fields, "today": today, "origin": filename,
              "names": names, "keep_unmatched": True}
    batch = {"upload": Upload(filename, data) if data else None, "sheet": parsed.sheet, "via": via}
    # with errors in the sheet, still resolve names (dry run) so the preview lists every row's problem at once
    result = ledger_create_from_plan(aspects=parsed.aspects, dry_run=dry_run or not parsed.ok, batch=batch, **common)
    problems = parsed.errors + result.errors
    if not (skip_refused and problems and all(e.row for e in problems)):
        return ImportOutcome(parsed, result, fields)
    problem_headers = {FIELD_LABELS["problem"], parsed.mapping().get("problem", "")}
    aspects, refused = prune_plan(parsed.aspects, problems, problem_headers)
    result = ledger_create_from_plan(aspects=aspects, dry_run=dry_run, batch=batch, refused=refused, **common)
    return ImportOutcome(parsed, result, fields, skipped=True)


def example_rows(parsed: ParsedLedger) -> list[RowError]:
    """The import template's example rows left in (their aspect marked 示例): refused, never imported."""
    column = parsed.mapping().get("aspect", FIELD_LABELS["aspect"])
    rows: set[int] = set()
    for aspect in parsed.aspects:
        if str(aspect.get("title", "")).startswith(EXAMPLE_MARK):
            for problem in aspect.get("problems", []):
                for item in [problem, *problem.get("children", [])]:
                    rows.add(int(item.get("row") or 0))
                    rows.update(int(m.get("row") or 0) for m in item.get("measures", []))
    return [RowError(r, column, "这是导入模板中的示例行，请删除后再导入。") for r in sorted(rows - {0})]


def prune_plan(aspects: Sequence[dict[str, Any]], problems: Sequence[RowError], problem_headers: set[str],
               ) -> tuple[list[dict[str, Any]], list[RowError]]:
    """The plan without the rows that have problems, and those rows with why (one entry per row and reason).
    A measure on a row with a problem is left out; a problem whose own cell has the problem is left out with
    its parts and measures; a problem left with no measure and no part goes too, and so does an empty aspect."""
    bad_rows = {e.row for e in problems}
    bad_problems = {e.row for e in problems if e.column in problem_headers}
    refused: dict[tuple[int, str], RowError] = {(e.row, e.message): e for e in problems}

    def keep_problem(p: dict[str, Any]) -> dict[str, Any] | None:
        if p.get("row") in bad_problems:
            return None
        children = [c for c in (keep_problem(c) for c in p.get("children", [])) if c is not None]
        measures = [m for m in p.get("measures", []) if m.get("row") not in bad_rows]
        if not children and not measures:
            if not p.get("children") and p.get("row") not in bad_rows:
                error = RowError(int(p.get("row") or 0), FIELD_LABELS["measure"], "该问题的整改措施均未能导入。")
                refused.setdefault((error.row, error.message), error)
            return None
        return {**p, "children": children, "measures": measures}

    kept = []
    for a in aspects:
        problems_kept = [p for p in (keep_problem(p) for p in a.get("problems", [])) if p is not None]
        if problems_kept:
            kept.append({**a, "problems": problems_kept})
    return kept, sorted(refused.values(), key=lambda e: (e.row, e.column))


def source_plan(source: Source, clearance: str | None = None) -> dict[str, Any]:
    """One source as the plain data write_ledger takes; with `clearance`, only the rows of the labels within
    it (an export holds what its reader may open, nothing more)."""
    within = Q() if clearance is None else Q(security_label__in=labels_within(clearance))
    aspects = list(Aspect.objects.filter(within, source=source).order_by("order", "id"))
    problems = list(Problem.objects.filter(within, source=source).order_by("order", "id"))
    measures = list(Measure.objects.filter(within, source=source).select_related("leader_in_charge", "owner",
                                                                         "responsible_unit").order_by("position"))
    by_problem: dict[int, list[dict[str, Any]]] = {}
    for m in measures:
        by_problem.setdefault(m.problem_id, []).append({
            "text": m.text, "leader": m.leader_shown, "responsible_unit": m.unit_shown, "owner": m.owner_shown,
            "deadline_text": m.deadline_text or (m.deadline.isoformat() if m.deadline else ""),
            "status": m.status, "situation": m.situation})
    plan = []
    for a in aspects:
        tops = []
        for p in (p for p in problems if p.aspect_id == a.pk and not p.parent_id):
            children = [{"text": c.text, "children": [], "measures": by_problem.get(c.pk, [])}
                        for c in problems if c.parent_id == p.pk]
            tops.append({"text": p.text, "children": children, "measures": by_problem.get(p.pk, [])})
        plan.append({"title": a.title, "problems": tops})
    date = source.feedback_date.isoformat() if source.feedback_date else "未填"
    meta = (f"来源：{source.get_kind_display()}　反馈机关：{source.issued_by}　反馈日期：{date}"
            f"　整改单位：{source.unit.name}")
    return {"name": f"{source.issued_by}{source.get_kind_display()}", "heading": str(source), "meta": meta,
            "aspects": plan}


def ledger_export_xlsx(*, user: Any, unit: Unit, sources: Any = None) -> bytes:
    """The ledger of `unit`'s subtree, one sheet per source. The caller has checked the user may see `unit`."""
    qs = sources if sources is not None else Source.objects.filter(subtree_q(unit))
    qs = qs.select_related("unit").order_by("unit__path", "feedback_date", "id")
    # the CLI (no account, run by whoever holds the server) exports every label
    clearance = user.clearance if getattr(user, "is_authenticated", False) else None
    sheets = [source_plan(s, clearance) for s in qs]
    audit_log(action=Action.EXPORT, summary=f"导出整改台账：{unit.full_name}（{len(sheets)}个来源）", actor=user,
              unit_id=unit.pk)
    return write_ledger(sheets)
