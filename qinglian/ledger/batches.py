"""Import batches: what one import created, undone as a whole while untouched; the rows it refused as a
workbook; names it kept as written (待匹配) matched later to people and units.

An import writes every row it creates with `batch` set (imports.py). Undo soft-deletes those rows in one
transaction, audited with who and why, and only while nothing in the batch has been edited since: every
edit goes through `record_update`, which raises a row's `version` above 1, and work hung on a row (a progress
note, a 销号 step, a 回头看, a 督办, a measure or problem typed in under it) is looked for explicitly.
"""

from __future__ import annotations

import io
from collections import defaultdict
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

from qinglian.audit.models import Action
from qinglian.audit.services import audit_log
from qinglian.ledger.excel import FIELD_LABELS
from qinglian.ledger.models import (
    NAME_FIELDS,
    Aspect,
    ClosureStep,
    FollowUp,
    ImportBatch,
    Measure,
    Problem,
    Progress,
    Source,
    SupervisionOrder,
)
from qinglian.lib import files, tracking
from qinglian.lib.services import record_update
from qinglian.org.models import Person, Unit
from qinglian.org.scoping import may_write_unit, subtree_q

FIELD_NAMES = {"leader_in_charge": FIELD_LABELS["leader"], "responsible_unit": FIELD_LABELS["responsible_unit"],
               "owner": FIELD_LABELS["owner"]}
MODELS: tuple[type[Any], ...] = (Measure, Problem, Aspect, Source)  # the order undo removes them in


def earlier_imports(user: Any, sha256: str) -> QuerySet[ImportBatch]:
    """Batches of the same file (by its hash) the user may see and that still stand: a repeated import warns."""
    return (ImportBatch.objects.visible_to(user).filter(sha256=sha256, undone_at__isnull=True)
            .select_related("unit", "created_by").order_by("-created_at"))


# -- undo ------------------------------------------------------------------------------------------------------
def batch_edits(batch: ImportBatch) -> list[str]:
    """Why the batch can no longer be undone as a whole (Chinese, one line each); [] when it can."""
    reasons = []
    for model in MODELS:
        touched = model.with_deleted.filter(batch=batch).filter(Q(version__gt=1) | Q(deleted_at__isnull=False))
        if n := touched.count():
            reasons.append(f"{n}条{model._meta.verbose_name}在导入后被修改或删除过")
    measures = Measure.with_deleted.filter(batch=batch)
    problems = Problem.with_deleted.filter(batch=batch)
    for model, q in ((Progress, Q(measure__in=measures)), (ClosureStep, Q(problem__in=problems) | Q(measure__in=measures)),
                     (FollowUp, Q(problem__in=problems)),
                     (SupervisionOrder, Q(problem__in=problems) | Q(measure__in=measures))):
        if n := model.with_deleted.filter(q).count():
            reasons.append(f"已有{n}条{model._meta.verbose_name}")
    added = (Measure.with_deleted.filter(Q(problem__in=problems) | Q(source__batch=batch)).exclude(batch=batch).count()
             + Problem.with_deleted.filter(Q(aspect__batch=batch) | Q(parent__in=problems) | Q(source__batch=batch))
             .exclude(batch=batch).count()
             + Aspect.with_deleted.filter(source__batch=batch).exclude(batch=batch).count())
    if added:
        reasons.append(f"其中又手工录入或导入了{added}条内容")
    return reasons


def batch_undo(*, user: Any, batch: ImportBatch, reason: str, request: Any = None) -> int:
    """Soft-delete every row the batch created, audited with who and why; the number of rows removed.
    Refused (ValidationError, in Chinese) once anything in it was edited, or when it was undone already."""
    if not may_write_unit(user, batch.unit):
        raise PermissionDenied("无权撤销该单位的导入。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写撤销原因。")
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.undone_at is not None:
            raise ValidationError("该批次已撤销。")
        if edits := batch_edits(batch):
            raise ValidationError("该批次导入的内容已有改动，不能整批撤销：" + "；".join(edits) + "。请在台账中逐条处理。")
        now, who = timezone.now(), user if getattr(user, "is_authenticated", False) else None
        removed = 0
        with tracking.bulk(f"撤销导入批次{batch.pk}：{reason}", who):
            parents = set(Problem.objects.filter(batch=batch, parent__isnull=False).exclude(parent__batch=batch)
                          .values_list("parent_id", flat=True))
            for model in MODELS:
                rows = model.objects.filter(batch=batch, version=1)
                expected = model.with_deleted.filter(batch=batch).count()
                done = rows.update(deleted_at=now, version=F("version") + 1, updated_by=who)
                if done != expected:  # edited between the check and now: nothing is removed
                    raise ValidationError("撤销时发现内容刚被他人修改，未撤销任何内容，请刷新后重试。")
                removed += done
            for parent in parents:  # a problem of the ledger that gained parts from this batch is whole again
                if not Problem.objects.filter(parent_id=parent).exists():
                    Problem.with_deleted.filter(pk=parent).update(is_leaf=True)
            batch.undone_at, batch.undone_by, batch.undo_reason = now, who, reason[:2000]
            batch.version += 1
            batch.updated_by = who
            batch.save()
        audit_log(action=Action.DELETE, summary=f"撤销导入批次：{batch.name}（{batch.unit.name}），删除{removed}条记录；"
                  f"原因：{reason}", actor=user, obj=batch, unit_id=batch.unit_id,
                  before={"created": batch.created, "source": batch.source_id}, after={"removed": removed,
                                                                                      "reason": reason})
    return removed


# -- refused rows as a workbook ------------------------------------------------------------------------------
def refused_rows_xlsx(batch: ImportBatch) -> bytes:
    """The rows the import left out, as in the original sheet (merged cells filled in), with why in a last
    column "未导入原因"; the header row first. Without the original file (lost), the row numbers and reasons."""
    reasons: dict[int, list[str]] = defaultdict(list)
    for e in batch.refused:
        reasons[int(e.get("row") or 0)].append((f"“{e['column']}”列：" if e.get("column") else "") + e["message"])
    header: list[Any] = []
    values: dict[int, list[Any]] = {}
    try:
        sheet = _original_sheet(batch)
    except (OSError, ValueError, KeyError):
        sheet = None
    if sheet is not None:
        grid = _filled(sheet, set(reasons))
        header = grid.pop("header", [])
        values = grid
    wb = Workbook()
    ws = wb.active
    ws.title = "未导入的行"
    ws.append(["原表行号", *header, "未导入原因"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in sorted(reasons):
        line = values.get(row, [""] * len(header))
        ws.append([row or "文件", *[_plain(v) for v in line], "；".join(reasons[row])])
    ws.column_dimensions["A"].width = 9
    ws.freeze_panes = "B2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _original_sheet(batch: ImportBatch) -> Any:
    if not batch.stored:
        return None
    with files.open_stored(batch.stored) as handle:
        if not files.intact(batch, handle):
            return None
        handle.seek(0)
        wb = load_workbook(io.BytesIO(handle.read()), data_only=True)
    return wb[batch.sheet] if batch.sheet in wb.sheetnames else wb.worksheets[0]


def _filled(ws: Any, rows: set[int]) -> dict[Any, list[Any]]:
    """The values of `rows` with merged ranges filled from their top-left cell, and the header row (the first
    row above them with the most texts, within the first 15)."""
    width = ws.max_column
    top_left: dict[tuple[int, int], Any] = {}
    for rng in ws.merged_cells.ranges:
        value = ws.cell(rng.min_row, rng.min_col).value
        for r in range(rng.min_row, rng.max_row + 1):
            if r in rows:
                for c in range(rng.min_col, rng.max_col + 1):
                    top_left[(r, c)] = value

    def line(r: int) -> list[Any]:
        return [top_left.get((r, c), ws.cell(r, c).value) for c in range(1, width + 1)]

    out: dict[Any, list[Any]] = {r: line(r) for r in rows if r > 0}
    first = min((r for r in rows if r > 0), default=16)
    candidates = [(sum(1 for v in line(r) if isinstance(v, str) and 0 < len(v) <= 20), -r) for r in range(1, min(first, 16))]
    if candidates:
        out["header"] = line(-max(candidates)[1])
    return out


def _plain(value: Any) -> Any:
    return value.date() if hasattr(value, "date") and callable(value.date) and hasattr(value, "hour") else value


# -- names kept as written (待匹配) -----------------------------------------------------------------------------
def unmatched_names(user: Any, source: Source) -> list[dict[str, Any]]:
    """The names of the source's measures kept as written, each once: {field, label, text, count}."""
    measures = Measure.objects.visible_to(user).filter(source=source)
    names = []
    for name in NAME_FIELDS:
        rows = (measures.filter(**{f"{name}__isnull": True}).exclude(**{f"{name}_text": ""})
                .values_list(f"{name}_text", flat=True))
        counts: dict[str, int] = defaultdict(int)
        for text in rows:
            counts[text] += 1
        names += [{"field": name, "label": FIELD_NAMES[name], "text": t, "count": n} for t, n in sorted(counts.items())]
    return names


def name_choices(user: Any, source: Source, field_name: str) -> QuerySet[Any]:
    """What a kept name may be matched to: people (or units) of the source's unit subtree, within the user's view."""
    if field_name == "responsible_unit":
        return Unit.objects.visible_to(user).filter(subtree_q(source.unit, "self")).order_by("path")
    return Person.objects.visible_to(user).filter(subtree_q(source.unit)).select_related("unit").order_by(
        "unit__path", "order")


def measures_match_name(*, user: Any, source: Source, field_name: str, text: str, target: Any,
                        request: Any = None) -> int:
    """Link every measure of the source that kept `text` as written in `field_name` to `target` (a person or a
    unit of the source's subtree), each through record_update (history and audit); the number matched."""
    if field_name not in NAME_FIELDS or not may_write_unit(user, source.unit):
        raise PermissionDenied("无权修改该台账。")
    if not name_choices(user, source, field_name).filter(pk=target.pk).exists():
        raise ValidationError("所选人员或单位不在该台账的单位范围内。")
    label = FIELD_NAMES[field_name]
    matched = 0
    with transaction.atomic():
        rows = Measure.objects.visible_to(user).filter(source=source, **{f"{field_name}__isnull": True,
                                                                         f"{field_name}_text": text})
        for measure in rows.select_for_update():
            record_update(user=user, obj=measure, data={field_name: target, f"{field_name}_text": ""},
                          version=measure.version, summary=f"匹配{label}：“{text}” → {target.name}（{measure}）",
                          request=request)
            matched += 1
    return matched
