"""Filling an upper office's form from the records: read it, propose a mapping, fill it, keep it.

    layout = form_read(content, name)                      # FormRefused: a Chinese sentence saying what to do
    mapping, saved = mapping_for(layout, unit=…, choices=…) # the saved mapping, else the proposed one
    result = form_fill(layout, content, mapping, unit=…, date_from=…, date_to=…)
    fill = return_fill(user=…, …)                          # the same, kept in the history and audited

Every number comes from the statistics engine (qinglian.stats.engine) for the row's (or sheet's) unit
subtree and the period, so each filled cell traces to its records on the stats page. Who may fill for a unit
is who may generate a report for it: any business account that sees the unit (reports.services.check_request).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction

from paperwork.convert import ConvertError, is_old_format, soffice, to_ooxml
from paperwork.returns import Choice, FormCell, FormLayout, FormRefused, propose, read_form, write_form
from qinglian.audit.models import Action
from qinglian.audit.services import audit_log, client_ip
from qinglian.ledger.names import Roster
from qinglian.lib import files
from qinglian.org.models import Unit, path_prefixes
from qinglian.org.scoping import may_see_unit
from qinglian.returns import figures as returns_figures
from qinglian.returns.models import ReturnFill, ReturnForm
from qinglian.stats import engine
from qinglian.stats.registry import Figure

SAVE_AS = "请另存为 .xlsx 后再上传。"
REASONS = {"formula": "公式单元格，未改动", "total": "合计行，请用公式或手工合计", "unmapped": "未对应统计项",
           "找不到": "单位未匹配：本单位及下级单位中没有这个名称", "同名": "单位未匹配：有多个同名单位，请写全称",
           "多个": "单位未匹配：写了多个单位", "no_base": "比率的分母为 0，无法计算"}


# -- reading ---------------------------------------------------------------------------------------------------
def form_read(content: bytes, name: str) -> tuple[FormLayout, bytes, str]:
    """The form's layout, its .xlsx bytes and name (an old .xls converted by LibreOffice where installed)."""
    limit = settings.QINGLIAN_MAX_UPLOAD_BYTES
    if len(content) > limit:
        raise FormRefused(f"报表文件“{name}”超过 {limit // 1024 // 1024} MB，请删去无关的工作表或图片后再上传。")
    if not content:
        raise FormRefused(f"报表文件“{name}”是空文件，请重新选择。")
    if is_old_format(name) or content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        if soffice() is None:
            raise FormRefused(f"“{name}”是旧版 Excel（.xls）文件，本机未安装 LibreOffice，无法转换，{SAVE_AS}")
        try:
            content, name = to_ooxml(content, name if is_old_format(name) else f"{name}.xls")
        except ConvertError as exc:
            raise FormRefused(f"“{name}”无法转换：{exc.message_zh.replace('.docx / ', '')}") from exc
    return read_form(content, name=name, max_unpacked=settings.QINGLIAN_MAX_UNPACKED_BYTES), content, name


# -- mapping ---------------------------------------------------------------------------------------------------
def catalogue(unit: Unit, date_from: dt.date, date_to: dt.date) -> tuple[list[Choice], dict[str, Figure]]:
    """What a cell may be mapped to, and the engine's figures by kind (for names and definitions)."""
    found = engine.figures(unit=unit, date_from=date_from, date_to=date_to)
    return returns_figures.choices(found), {f.kind: f for f in found}


def saved_form(unit: Unit, fingerprint: str) -> ReturnForm | None:
    """The mapping saved for this form by the unit, else by the nearest unit above it."""
    return (ReturnForm.objects.filter(unit__path__in=path_prefixes(unit.path), fingerprint=fingerprint)
            .select_related("unit").order_by("-unit__path").first())


def proposed(layout: FormLayout, choices: list[Choice]) -> dict[str, str]:
    """key → figure kind ("" where nothing matches), from the figures' names and the synonym table."""
    first: dict[str, FormCell] = {}
    for cell in layout.cells:
        first.setdefault(cell.key, cell)
    return {key: propose(cell.terms, choices, returns_figures.SYNONYMS) or "" for key, cell in first.items()}


def mapping_for(layout: FormLayout, *, unit: Unit, choices: list[Choice]) -> tuple[dict[str, str], ReturnForm | None]:
    """The mapping to fill with: the saved one where this form was mapped before (keys it lacks proposed),
    else the proposed one; and the saved form, if someone confirmed a mapping for it."""
    mapping = proposed(layout, choices)
    saved = saved_form(unit, layout.fingerprint)
    if saved is not None:
        known = {c.kind for c in choices}
        mapping.update({k: v for k, v in saved.mapping.items() if k in mapping and (v == "" or v in known)})
    return mapping, saved if saved is not None and saved.mapping else None


# -- filling ---------------------------------------------------------------------------------------------------
@dataclass
class FillResult:
    content: bytes
    filled: list[dict[str, Any]] = field(default_factory=list)
    unfilled: list[dict[str, Any]] = field(default_factory=list)


def _resolve_units(layout: FormLayout, root: Unit) -> dict[str, Unit | str]:
    """Each unit name the form writes → the unit of the subtree it names (the ledger import's matcher), or
    why not (找不到 / 同名 / 多个)."""
    names = {c.unit for c in layout.cells if c.unit}
    if not names:
        return {}
    roster = Roster(root)
    out: dict[str, Unit | str] = {}
    for name in names:
        match = roster.unit_named(name)
        out[name] = match.found if match.found is not None else (match.reason or "找不到")
    return out


def form_fill(layout: FormLayout, content: bytes, mapping: dict[str, str], *, unit: Unit, date_from: dt.date,
              date_to: dt.date) -> FillResult:
    """The form filled for `unit`'s subtree (or each row's / sheet's unit within it) and the period."""
    engine.make_scope(unit=unit, date_from=date_from, date_to=date_to)  # a bad period fails before any work
    units = _resolve_units(layout, unit)
    needed = sorted({p for kind in mapping.values() if kind for p in returns_figures.parts(kind)})
    counts: dict[int, dict[str, int]] = {}

    def counted(target: Unit) -> dict[str, int]:
        if target.pk not in counts:
            found = engine.figures(unit=target, date_from=date_from, date_to=date_to, kinds=needed) if needed else []
            counts[target.pk] = {f.kind: f.count for f in found}
        return counts[target.pk]

    result = FillResult(content=b"")
    values: dict[tuple[str, str], float | int] = {}
    for cell in layout.cells:
        kind = mapping.get(cell.key, "")
        target: Unit | str = units.get(cell.unit, "找不到") if cell.unit else unit
        reason = ("formula" if cell.formula else "total" if cell.total else "unmapped" if not kind
                  else target if isinstance(target, str) else "")
        number = None
        if not reason and isinstance(target, Unit):
            number = returns_figures.value(kind, counted(target))
            reason = "no_base" if number is None else ""
        if reason or number is None or not isinstance(target, Unit):
            result.unfilled.append({"sheet": cell.sheet, "cell": cell.cell, "label": cell.label,
                                    "unit": cell.unit or ("合计" if cell.total else unit.name),
                                    "reason": REASONS.get(reason, reason)})
            continue
        values[(cell.sheet, cell.cell)] = round(number / 100, 4) if cell.percent and kind in returns_figures.RATIOS \
            else number
        result.filled.append({"sheet": cell.sheet, "cell": cell.cell, "label": cell.label, "figure": kind,
                              "count": number, "unit_id": target.pk, "unit": cell.unit or target.name,
                              "full_name": target.full_name})
    result.content = write_form(content, values)
    return result


def _form_save(*, user: Any, unit: Unit, layout: FormLayout, mapping: dict[str, str], office: str) -> ReturnForm:
    form = ReturnForm.objects.filter(unit=unit, fingerprint=layout.fingerprint).first()
    if form is None:
        form = ReturnForm(unit=unit, fingerprint=layout.fingerprint, created_by=user)
    changed = form.pk is None or form.mapping != mapping or (office and form.office != office)
    if changed:
        form.mapping, form.shape, form.title = mapping, layout.shape, layout.title[:300]
        form.office = office[:200] or form.office
        form.updated_by = user
        if form.pk is not None:
            form.version += 1
        form.full_clean()
        form.save()
        audit_log(action=Action.UPDATE if form.version > 1 else Action.CREATE, actor=user, obj=form,
                  summary=f"保存上级报表对应关系：{form}（{sum(1 for v in mapping.values() if v)}项）")
    return form


def return_fill(*, user: Any, unit: Unit, layout: FormLayout, content: bytes, name: str, mapping: dict[str, str],
                date_from: dt.date, date_to: dt.date, office: str = "", save_mapping: bool = True,
                request: Any = None, via: str = "web") -> ReturnFill:
    """Fill the form and keep it: the mapping saved for the form (when `save_mapping`), the filled file and its
    cells in the history, an audit row. The user must see `unit` (PermissionDenied otherwise)."""
    if user is not None and not may_see_unit(user, unit):
        raise PermissionDenied("无权为该单位填报。")
    known = {c.key for c in layout.cells}
    mapping = {k: v for k, v in mapping.items() if k in known}
    if not any(mapping.values()):
        raise FormRefused("表中没有一项对应到统计项，无法填写。请在“对应统计项”一栏为要填的格子选择统计项。")
    result = form_fill(layout, content, mapping, unit=unit, date_from=date_from, date_to=date_to)
    stem = name.rsplit(".", 1)[0]
    filled_name = f"{stem}（已填 {unit.name} {date_from:%Y%m%d}-{date_to:%Y%m%d}）.xlsx"
    actor = user if getattr(user, "is_authenticated", False) else None
    with files.stored_files() as stored, transaction.atomic():
        if save_mapping:
            form = _form_save(user=actor, unit=unit, layout=layout, mapping=mapping, office=office)
        else:
            # the form's identity only: a mapping nobody confirmed is not saved as if someone had
            form = saved_form(unit, layout.fingerprint) or _form_save(user=actor, unit=unit, layout=layout,
                                                                       mapping={}, office=office)
        fields = stored.store(files.Upload(filled_name, result.content), "returns")
        fill = ReturnFill(form=form, unit=unit, date_from=date_from, date_to=date_to, source_name=name[:255],
                          source_sha256=hashlib.sha256(content).hexdigest(), filled=result.filled,
                          unfilled=result.unfilled, via=via, created_by=actor, updated_by=actor, **fields)
        fill.full_clean()
        fill.save()
        audit_log(action=Action.GENERATE, actor=actor, actor_name="" if actor else "命令行",
                  ip=client_ip(request) if request is not None else None, obj=fill,
                  summary=f"填写上级报表：{name}（{unit.name}，{date_from:%Y-%m-%d} 至 {date_to:%Y-%m-%d}，"
                          f"填 {len(result.filled)} 格，未填 {len(result.unfilled)} 格）")
    return fill


# -- the parsed layout kept with a parked upload (lib.files.park_parsed) ----------------------------------------
def layout_json(layout: FormLayout) -> dict[str, Any]:
    return dataclasses.asdict(layout)


def layout_of(data: dict[str, Any]) -> FormLayout:
    cells = [FormCell(**{**c, "terms": tuple(c["terms"])}) for c in data["cells"]]
    return FormLayout(title=data["title"], cells=cells, shape=data["shape"], fingerprint=data["fingerprint"],
                      keys=list(data["keys"]))
