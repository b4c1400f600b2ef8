"""Writing drafts: gather (selectors) → build (genres, no ORM) → render (paperwork.write) → store → history.

Files live under MEDIA_ROOT/reports (outside the web root) with random names; only views that check the
user may see the draft's unit serve them. Generating reads records and writes nothing but the draft, so a
supervisor (read-only role) may generate too (docs: generating a draft is reading); uploading a template is
a write and is for clerks and leaders of the unit.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from paperwork.ooxml import PackageRefused, open_package
from paperwork.write import (
    Heading,
    Paragraph,
    Report,
    Table,
    build_docx,
    docx_to_pdf,
    number_headings,
    render_template,
    report_context,
)
from qinglian.audit.models import Action
from qinglian.audit.services import audit_log, client_ip
from qinglian.crypto.blobs import SUFFIX, open_blob, seal_blob
from qinglian.crypto.keys import KeyFileError
from qinglian.crypto.provider import AuthenticationFailed, UnknownKey
from qinglian.lib import files
from qinglian.lib.models import SecurityLabel, labels_within
from qinglian.lib.security import mask_phone
from qinglian.lib.services import record_create, record_delete
from qinglian.org.models import Person, Role, Unit, path_prefixes
from qinglian.org.scoping import may_see_unit, may_write_unit
from qinglian.reports.genres import build_report
from qinglian.reports.genres.common import FigureTable
from qinglian.reports.genres.data import ReportInput
from qinglian.reports.integrity import highest
from qinglian.reports.models import SEALED_GENRES, GeneratedReport, Genre, ReportTemplate
from qinglian.reports.selectors import Batched, gather, rectification_sources

MAX_TEMPLATE_BYTES = 5 * 1024 * 1024


# -- files ------------------------------------------------------------------------------------------------
def store_file(content: bytes, folder: str, suffix: str = ".docx", *, sealed: bool = False) -> str:
    """Write `content` under MEDIA_ROOT/reports/<folder>/ with a random name; returns the relative path. A
    `sealed` file is encrypted (crypto.blobs) and named `….docx.sm4`."""
    relative = f"reports/{folder}/{uuid.uuid4().hex}{suffix}{SUFFIX if sealed else ''}"
    files.save_stored(relative, seal_blob(content, relative) if sealed else content)
    return relative


def stored_bytes(relative: str) -> bytes:
    """A stored draft's (or PDF's) bytes, opened if sealed; OSError when the file is gone or cannot be opened."""
    data = files.read_stored(relative)
    if not relative.endswith(SUFFIX):
        return data
    try:
        return open_blob(data, relative)
    except (ValueError, UnknownKey, AuthenticationFailed, KeyFileError) as exc:
        raise OSError("加密的报告文件无法解密（文件被改动或密钥不可用），请联系安全管理员") from exc


def report_bytes(report: GeneratedReport) -> bytes:
    return stored_bytes(report.stored)


# -- templates --------------------------------------------------------------------------------------------
def template_for(unit: Unit, genre: str) -> ReportTemplate | None:
    """The unit's own template for the genre, else the nearest ancestor's; None: the default template."""
    return (ReportTemplate.objects.filter(unit__path__in=path_prefixes(unit.path), genre=genre).select_related("unit")
            .order_by("-unit__path").first())


def sample_report(genre: str) -> Report:
    """A small report of the genre, for checking an uploaded template before it is saved."""
    return Report(title="示例报告", genre=genre, issuer="示例单位", date=dt.date(2026, 1, 1), blocks=[
        Heading(1, "基本情况"), Paragraph("示例正文。"), Heading(2, "示例小标题"), Heading(3, "示例"),
        Heading(4, "示例"), Table(["单位", "数量"], [["示例单位", "1"]], title="示例表格")],
        contact="联系电话：示例")


def report_template_upload(*, user: Any, unit: Unit, genre: str, name: str, content: bytes,
                           request: Any = None) -> ReportTemplate:
    """Save a unit's template for a genre (replacing the previous one); raises TemplateError (Chinese, with
    the offending tag and its paragraph) if the template cannot render a report."""
    if not may_write_unit(user, unit):
        audit_log(action=Action.REFUSED, summary=f"上传报告模板被拒绝：{unit.name}", actor=user)
        raise PermissionDenied("无权为该单位上传报告模板。")
    if genre not in Genre.values:
        raise ValidationError("未知的报告类型。")
    if not name.lower().endswith(".docx"):
        raise ValidationError("模板须为 Word 文档（.docx）。如是 .doc 或 .wps，请用 Word 或 WPS 另存为 .docx。")
    if len(content) > MAX_TEMPLATE_BYTES:
        raise ValidationError(f"模板文件超过 {MAX_TEMPLATE_BYTES // (1024 * 1024)} MB，请删去图片等大文件后重试。")
    try:  # the guard first: the render opens the zip with python-docx
        open_package(content, name=name, max_unpacked=settings.QINGLIAN_MAX_UNPACKED_BYTES)
    except PackageRefused as exc:
        raise ValidationError(exc.message_zh) from exc
    render_template(content, report_context(sample_report(genre)))  # TemplateError → the view shows it
    relative = store_file(content, "templates")
    try:
        with transaction.atomic():
            for old in ReportTemplate.objects.filter(unit=unit, genre=genre):
                record_delete(user=user, obj=old, request=request)
            return record_create(user=user, obj=ReportTemplate(unit=unit, genre=genre, name=name[:200],
                                                               stored=relative, size=len(content)),
                                 summary=f"上传报告模板：{unit.name}·{Genre(genre).label}", request=request)
    except Exception:
        files.delete_stored(relative)
        raise


def report_template_delete(*, user: Any, template: ReportTemplate, request: Any = None) -> None:
    if not may_write_unit(user, template.unit):
        raise PermissionDenied("无权删除该单位的报告模板。")
    record_delete(user=user, obj=template, request=request)


# -- drafts -----------------------------------------------------------------------------------------------
@dataclass
class Draft:
    data: ReportInput
    report: Report
    docx: bytes
    template_name: str
    blocks: list[dict[str, Any]]
    figures: list[dict[str, Any]]
    sources: list[int]


def snapshot(report: Report, data: ReportInput) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(blocks, figures) as JSON: what the preview shows and every figure the trace page follows; a block
    that reuses text read from an imported report lists the numbers in it under "imported"."""
    blocks: list[dict[str, Any]] = []
    figures: list[dict[str, Any]] = []

    def figure(key: str, text: str, block: int) -> dict[str, Any]:
        count = data.figures.get(key)
        entry = {"n": len(figures) + 1, "key": key, "kind": key.split("@", 1)[0], "text": text, "block": block,
                 "unit_id": count.unit_id if count else None, "own": key.endswith("@own"),
                 "name": count.name if count else "", "counting_unit": count.counting_unit if count else "",
                 "count": count.count if count else None}
        figures.append(entry)
        return entry

    for i, (block, marker) in enumerate(zip(report.blocks, number_headings(report.blocks), strict=True)):
        # numbers in text read from an imported report: kept apart from the counted figures, never traced
        imported = [{"text": r.text, "origin": r.origin} for r in getattr(block, "imported", ())]
        if isinstance(block, Heading):
            blocks.append({"kind": f"h{block.level}", "marker": marker, "text": block.text,
                           **({"imported": imported} if imported else {})})
        elif isinstance(block, Paragraph):
            refs = [{"n": figure(r.key, r.text, i)["n"], "text": r.text} for r in block.figures]
            blocks.append({"kind": "p", "text": block.text, "figures": refs, **({"imported": imported} if imported else {})})
        else:
            keys = block.keys if isinstance(block, FigureTable) else []
            cells = []
            for r, row in enumerate(block.rows):
                out = []
                for c, text in enumerate(row):
                    key = keys[r][c] if r < len(keys) and c < len(keys[r]) else ""
                    out.append({"text": text, "n": figure(key, text, i)["n"] if key else None})
                cells.append(out)
            blocks.append({"kind": "table", "title": block.title, "header": list(block.header), "rows": cells})
    return blocks, figures


class SourceChoice(ValidationError):
    """A rectification notice is about one inspection (or a chosen few): the period has several, or the
    ones asked for are not among its sources. The message lists them with their ids."""


def notice_sources(unit: Unit, date_from: dt.date, date_to: dt.date, chosen: Sequence[int] | None) -> list[int]:
    """The sources a rectification notice is for: those chosen (each must be a source of the period), the
    period's only one, or none at all; a period with several and no choice raises SourceChoice."""
    candidates = rectification_sources(unit, date_from, date_to)
    listing = "；".join(f"编号 {pk}：{label}" for pk, label in candidates)
    if chosen:
        unknown = sorted(set(chosen) - {pk for pk, _ in candidates})
        if unknown:
            raise SourceChoice(f"编号 {'、'.join(map(str, unknown))} 不是该单位在此时段内的反馈来源。"
                               + (f"可选的来源有：{listing}。" if candidates else "此时段内没有反馈来源。"))
        return sorted(set(chosen))
    if len(candidates) > 1:
        raise SourceChoice(f"此时段内有 {len(candidates)} 个反馈来源，整改情况通报须针对其中一个（或选定的几个），"
                           f"请选择：{listing}。")
    return [pk for pk, _ in candidates]


def report_draft(*, unit: Unit, genre: str, date_from: dt.date, date_to: dt.date, person: Person | None = None,
                 today: dt.date | None = None, template: bytes | None = None,
                 sources: Sequence[int] | None = None, contact_person: Person | None = None,
                 labels: Sequence[str] | None = None, clearance: str | None = None, issuer: str = "",
                 batched: Batched | None = None) -> Draft:
    """Build a draft without saving it (the CLI, the bench and the history all start here). A rectification
    notice is for `sources` (see notice_sources); other genres ignore them. Its contact lines name
    `contact_person` (the account's own person) with the phone number masked: a document travels. `labels`:
    the 密级 whose texts the reader may see (None: the CLI, run by whoever holds the server, sees all);
    `clearance` and `issuer` likewise for the 意见回复 (see integrity_refusal for who may ask for one);
    `batched`: made in a batch of reports (selectors.Batched: what the batch gathered for this unit)."""
    chosen = notice_sources(unit, date_from, date_to, sources) if genre == Genre.RECTIFICATION else []
    data = gather(unit=unit, genre=genre, date_from=date_from, date_to=date_to, person=person,
                  today=today or timezone.localdate(), sources=chosen, labels=labels, clearance=clearance,
                  issuer=issuer, batched=batched)
    report = build_report(data)
    if genre == Genre.RECTIFICATION and contact_person is not None and contact_person.phone:
        report = dataclasses.replace(report, contact=f"联系人：{contact_person.name}；"
                                                     f"联系电话：{mask_phone(contact_person.phone)}")
    name = "默认模板"
    if template is None:
        custom = template_for(unit, genre)
        if custom is not None:
            template = files.read_stored(custom.stored)
            name = f"{custom.unit.name}·{custom.name}"
    else:
        name = "指定模板"
    docx = build_docx(report, template=template)
    blocks, figures = snapshot(report, data)
    return Draft(data=data, report=report, docx=docx, template_name=name, blocks=blocks, figures=figures,
                 sources=chosen)


def integrity_refusal(user: Any, person: Person) -> str:
    """Why `user` may not have a 党风廉政意见回复 on `person` ('' when they may): only a supervisor (纪检监察),
    and only for a cadre of the units they supervise, never for themselves."""
    if getattr(user, "role", None) != Role.SUPERVISOR:
        return "只有监督员（纪检监察机构）可以出具党风廉政意见回复。"
    if not may_see_unit(user, person.unit):
        return "该干部不在您监督的单位范围内，不能出具意见回复。"
    if getattr(user, "person_id", None) == person.pk:
        return "不能为本人出具党风廉政意见回复，请由其他监督员办理。"
    return ""


def integrity_issuer(user: Any) -> str:
    """The 纪检 office that answers: the supervisor's own unit (a 派驻纪检监察组 …); '' leaves the blank."""
    person = getattr(user, "person", None)
    return person.unit.name if person is not None else ""


def check_request(*, user: Any, unit: Unit, genre: str, person: Person | None) -> None:
    if genre == Genre.INTEGRITY:
        if person is None:
            raise ValidationError("党风廉政意见回复须选择干部。")
        if problem := integrity_refusal(user, person):
            audit_log(action=Action.REFUSED, summary=f"出具党风廉政意见回复被拒绝：{person.name}（{problem}）",
                      actor=user, obj=person)
            raise PermissionDenied(problem)
        return
    if not may_see_unit(user, unit):
        raise PermissionDenied("无权查看该单位。")
    if genre not in Genre.values:
        raise ValidationError("未知的报告类型。")
    if genre == Genre.PERSONAL:
        if person is None:
            raise ValidationError("述责述廉报告须选择述职人。")
        if not may_see_unit(user, person.unit) or not person.unit.is_within(unit):
            raise PermissionDenied("述职人不在所选单位内。")


def report_generate(*, user: Any, unit: Unit, genre: str, date_from: dt.date, date_to: dt.date,
                    person: Person | None = None, request: Any = None, today: dt.date | None = None,
                    sources: Sequence[int] | None = None, batched: Batched | None = None) -> GeneratedReport:
    """Generate a draft and keep it in the history (reading only: any business role of the unit may).
    `batched`: see report_draft (a batch passes what it gathered for all its units at once)."""
    check_request(user=user, unit=unit, genre=genre, person=person)
    today = today or timezone.localdate()
    one_person = genre in (Genre.PERSONAL, Genre.INTEGRITY)
    if genre == Genre.INTEGRITY:
        assert person is not None
        unit = person.unit  # a cadre's opinion belongs to the cadre's unit, whatever unit the page had chosen
    clearance = getattr(user, "clearance", "")
    draft = report_draft(unit=unit, genre=genre, date_from=date_from, date_to=date_to,
                         person=person if one_person else None, today=today, sources=sources,
                         contact_person=getattr(user, "person", None), labels=labels_within(clearance),
                         clearance=clearance, issuer=integrity_issuer(user) if genre == Genre.INTEGRITY else "",
                         batched=batched)
    sealed = genre in SEALED_GENRES
    relative = store_file(draft.docx, f"{today:%Y}/{today:%m}", sealed=sealed)
    try:
        with transaction.atomic():
            obj = GeneratedReport(unit=unit, genre=genre, date_from=date_from, date_to=date_to,
                                  person=person if one_person else None, title=draft.report.title[:300],
                                  stored=relative, size=len(draft.docx), template_name=draft.template_name[:200],
                                  blocks=[] if sealed else draft.blocks, figures=draft.figures,
                                  sealed_blocks=json.dumps(draft.blocks, ensure_ascii=False) if sealed else "",
                                  sources=draft.sources, created_by=user, updated_by=user)
            if draft.data.content_label:  # quoting 敏感 talks makes the draft 敏感: lower readers cannot open it
                obj.security_label = highest([SecurityLabel.INTERNAL, draft.data.content_label])
            obj.save()
            audit_log(action=Action.GENERATE, summary=f"生成报告：{obj.title}（{obj.period_label}）", actor=user,
                      ip=client_ip(request), obj=obj)
    except Exception:
        files.delete_stored(relative)
        raise
    return obj


def report_pdf(*, generated: GeneratedReport) -> bytes:
    """The draft as PDF, converted once with LibreOffice and kept next to the .docx (sealed like it)."""
    if generated.pdf_stored:
        try:
            return stored_bytes(generated.pdf_stored)
        except FileNotFoundError:
            pass
    sealed = generated.stored.endswith(SUFFIX)
    with tempfile.TemporaryDirectory(prefix="qinglian-pdf-") as tmp:
        docx = Path(tmp) / "report.docx"
        docx.write_bytes(report_bytes(generated))
        content = docx_to_pdf([docx], Path(tmp))[0].read_bytes()
    relative = store_file(content, str(Path(generated.stored).parent.relative_to("reports")), ".pdf", sealed=sealed)
    GeneratedReport.objects.filter(pk=generated.pk).update(pdf_stored=relative)
    generated.pdf_stored = relative
    return content
