"""Report pages: choose → generate → preview (figures linked to their records) → download; history; trace;
check an uploaded report; per-unit templates. Every page is scoped by the unit tree (404 outside it)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from paperwork.check import document_period
from paperwork.read import ReadError
from paperwork.write import TemplateError, default_template, pdf_available
from qinglian.audit.models import Action
from qinglian.audit.services import audit_request
from qinglian.lib import files
from qinglian.lib.exports import XLSX, file_response, xlsx_bytes
from qinglian.lib.views import (
    business_required,
    chosen_unit,
    current_unit,
    paginate,
    render_page,
    unit_from_param,
    writer_required,
)
from qinglian.limits.services import Kind, rate_limited
from qinglian.org.scoping import may_write_unit, subtree_q
from qinglian.oversight.services import keep_checked
from qinglian.records.forms import unit_choices
from qinglian.reports import services
from qinglian.reports.checking import (
    findings_for,
    imported_texts,
    read_for_check,
    record_figures,
    unit_named_in,
)
from qinglian.reports.forms import CheckForm, GenerateForm, TemplateForm, people_choices, source_choices
from qinglian.reports.models import GeneratedReport, Genre, ReportTemplate
from qinglian.reports.preview import imported_count, preview_blocks
from qinglian.reports.trace import HEADER, trace_rows, trace_table
from qinglian.stats.engine import PeriodError

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _history(request: HttpRequest) -> QuerySet[GeneratedReport]:
    unit = current_unit(request)
    return (GeneratedReport.objects.visible_to(request.user).filter(subtree_q(unit))
            .select_related("unit", "person", "created_by").defer("blocks", "figures").order_by("-created_at", "-id"))


def _generate_form(request: HttpRequest, data: Any = None) -> GenerateForm:
    unit = current_unit(request)
    chosen = chosen_unit(request, data.get("unit")) if data is not None else unit
    form = GenerateForm(data, user=request.user, initial={"unit": unit.pk, "year": timezone.localdate().year,
                                                          "genre": Genre.RESPONSIBILITY})
    form.fields["unit"].widget.choices = unit_choices(request.user, chosen)
    form.fields["unit"].widget.attrs.update({"hx-get": reverse("reports:people"), "hx-target": "#id_person",
                                             "hx-trigger": "change"})
    form.fields["person"].widget.choices = people_choices(chosen)
    form.fields["sources"].choices = source_choices(chosen)
    return form


@business_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render_page(request, "reports/index.html", {
        "form": _generate_form(request), "page": paginate(_history(request), request, size=20),
        "unit": current_unit(request), "pdf": pdf_available()}, fragment="reports/_history.html")


@business_required
@require_GET
def people(request: HttpRequest) -> HttpResponse:
    """<option>s of the people of a unit, for the 述职人 select (htmx)."""
    unit = unit_from_param(request, request.GET.get("unit"))
    return render_page(request, "reports/_people.html", {"choices": people_choices(unit)})


@business_required
@require_POST
@rate_limited(Kind.GENERATE)  # one request, however many reports it asks for
def generate(request: HttpRequest) -> HttpResponse:
    form = _generate_form(request, request.POST)
    error = None
    if form.is_valid():
        d = form.cleaned_data
        try:
            report = services.report_generate(user=request.user, unit=d["unit"], genre=d["genre"],
                                              date_from=d["date_from"], date_to=d["date_to"], person=d["person"],
                                              request=request, sources=d["sources"])
        except TemplateError as exc:
            error = exc
        except services.SourceChoice as exc:
            form.add_error("sources", exc.messages[0])
        except (PeriodError, ValidationError) as exc:
            form.add_error(None, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, f"已生成“{report.title}”。")
            return redirect(report)
    return render_page(request, "reports/index.html", {
        "form": form, "page": paginate(_history(request), request, size=20), "unit": current_unit(request),
        "template_error": error, "pdf": pdf_available()}, status=400)


def _report(request: HttpRequest, pk: int) -> GeneratedReport:
    return get_object_or_404(GeneratedReport.objects.visible_to(request.user).select_related("unit", "person",
                                                                                              "created_by"), pk=pk)


@business_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    trace_url = reverse("reports:trace", args=[report.pk])
    from qinglian.org.models import Role
    from qinglian.oversight.drafts import draft_matches

    return render_page(request, "reports/detail.html", {
        "report": report, "blocks": preview_blocks(report.content_blocks, trace_url), "pdf": pdf_available(),
        "figure_count": len(report.figures), "imported_count": imported_count(report.content_blocks),
        "copies": draft_matches(report), "draft_ref": f"generated:{report.pk}",
        "may_compare": request.user.role in (Role.LEADER, Role.SUPERVISOR)})


@business_required
@require_GET
@rate_limited(Kind.DOWNLOAD)
def download(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    try:
        content = services.report_bytes(report)
    except FileNotFoundError as exc:
        raise Http404("报告文件已不存在，请重新生成。") from exc
    except OSError as exc:  # a sealed file that does not open: refused, recorded, never served
        audit_request(request, action=Action.TAMPERED, summary=f"报告文件未通过完整性校验：{report.title}", obj=report)
        messages.error(request, f"{exc}。")
        return redirect(report)
    audit_request(request, action=Action.DOWNLOAD, summary=f"下载报告：{report.title}", obj=report)
    return file_response(content, report.filename, DOCX)


@business_required
@require_GET
@rate_limited(Kind.DOWNLOAD)
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    if not pdf_available():
        raise Http404("本机未安装 LibreOffice，无法生成 PDF，请下载 Word 文档。")
    try:
        content = services.report_pdf(generated=report)
    except (RuntimeError, OSError) as exc:
        messages.error(request, f"PDF 生成失败：{exc}。请下载 Word 文档后自行转换。")
        return redirect(report)
    audit_request(request, action=Action.DOWNLOAD, summary=f"下载报告 PDF：{report.title}", obj=report)
    return file_response(content, f"{report.title}.pdf", "application/pdf")


@business_required
@require_GET
def trace(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    from qinglian.stats.definitions import definitions_for

    rows = trace_rows(report, clearance=request.user.clearance)
    defined = definitions_for(r.figure["kind"] for r in rows)
    for row in rows:
        row.definition = defined.get(row.figure["kind"])
    return render_page(request, "reports/trace.html", {
        "report": report, "rows": rows, "limit": 200, "changed": sum(1 for r in rows if r.changed)})


@business_required
@require_GET
@rate_limited(Kind.EXPORT)
def trace_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    rows = trace_table(trace_rows(report, clearance=request.user.clearance), base_url=request.build_absolute_uri("/").rstrip("/"))
    audit_request(request, action=Action.EXPORT, summary=f"导出报告数字附表：{report.title}（{len(rows)}行）", obj=report)
    return file_response(xlsx_bytes("数字与记录", HEADER, rows), f"{report.title}-数字附表.xlsx", XLSX)


@business_required
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    unit = current_unit(request)
    max_bytes = settings.QINGLIAN_MAX_UPLOAD_BYTES
    form = CheckForm(request.POST or None, request.FILES or None, user=request.user, max_bytes=max_bytes)
    form.fields["unit"].widget.choices = [("", "— 按报告标题 —"), *unit_choices(request.user, unit)]
    form.fields["year"].help_text = "留空：按报告标题中的年度（如“2025年度”）比对；也可改填开始和结束日期。"
    ctx: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        upload = d["file"]
        try:
            content = upload.read()
            result = read_for_check(content, upload.name)
            figures = imported = None
            if d.get("compare"):
                d["unit"] = d["unit"] or unit_named_in(result.title, request.user) or unit
                if not d.get("date_from"):
                    d["date_from"], d["date_to"] = document_period(result.title) or (None, None)
                if d["date_from"] is None:
                    raise PeriodError("报告标题中没有年度，请填写要比对的年度或起止日期。")
                figures = record_figures(unit=d["unit"], date_from=d["date_from"], date_to=d["date_to"])
                imported = imported_texts(unit=d["unit"], date_to=d["date_to"])
        except ReadError as exc:
            form.add_error("file", exc.message_zh)
        except PeriodError as exc:
            form.add_error(None, str(exc))
        else:
            findings = findings_for(result, figures=figures, imported=imported)
            keep_checked(user=request.user, current=unit, chosen=d.get("unit"), name=upload.name, content=content,
                         result=result, date_from=d.get("date_from"), date_to=d.get("date_to"), request=request)
            ctx.update(checked=upload.name, compared=d.get("compare"), unit_checked=d.get("unit"),
                       period_checked=(d.get("date_from"), d.get("date_to")),
                       findings=[(f, result.paragraphs[f.paragraph] if f.paragraph < len(result.paragraphs) else "")
                                 for f in findings])
    return render_page(request, "reports/check.html", ctx, status=400 if form.errors else 200)


# -- templates -------------------------------------------------------------------------------------------
def _template_rows(request: HttpRequest) -> list[dict[str, Any]]:
    unit = current_unit(request)
    rows = []
    for genre in Genre:
        found = services.template_for(unit, genre.value)
        rows.append({"genre": genre, "template": found, "own": found is not None and found.unit_id == unit.pk})
    return rows


@business_required
@require_http_methods(["GET", "POST"])
def templates(request: HttpRequest) -> HttpResponse:
    unit = current_unit(request)
    form = TemplateForm(request.POST or None, request.FILES or None)
    error = None
    if request.method == "POST":
        if not may_write_unit(request.user, unit):
            raise PermissionDenied("您的角色不能上传报告模板。")
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                services.report_template_upload(user=request.user, unit=unit, genre=form.cleaned_data["genre"],
                                                name=upload.name, content=upload.read(), request=request)
            except TemplateError as exc:
                error = exc
            except ValidationError as exc:
                form.add_error("file", exc.messages[0])
            else:
                messages.success(request, "模板已上传，之后生成该类报告将使用此模板。")
                return redirect("reports:templates")
    return render_page(request, "reports/templates.html", {
        "unit": unit, "rows": _template_rows(request), "form": form, "template_error": error,
        "can_write": may_write_unit(request.user, unit)}, status=400 if (form.errors or error) else 200)


@business_required
@require_GET
def template_default(request: HttpRequest, genre: str) -> HttpResponse:
    if genre not in Genre.values:
        raise Http404
    return file_response(default_template(genre), f"{Genre(genre).label}-默认模板.docx", DOCX)


@business_required
@require_GET
def template_file(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(ReportTemplate.objects.visible_to(request.user), pk=pk)
    audit_request(request, action=Action.DOWNLOAD, summary=f"下载报告模板：{template.name}", obj=template)
    return file_response(files.read_stored(template.stored), template.name, DOCX)


@writer_required
@require_POST
def template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(ReportTemplate.objects.visible_to(request.user), pk=pk)
    services.report_template_delete(user=request.user, template=template, request=request)
    messages.success(request, "已删除该模板，之后将使用上级单位的模板或系统默认模板。")
    return redirect("reports:templates")
