"""The supervisor's view (监督视图): findings, claims against records, copied text, late entry. For supervisors
(the units they supervise) and leaders (their own subtree); clerks are refused. Every query is scoped to the
unit chosen, which is always inside what the user may see (followed_unit: 404 otherwise)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from qinglian.audit.models import Action
from qinglian.audit.services import audit_request
from qinglian.lib.exports import XLSX, file_response, xlsx_bytes
from qinglian.lib.views import followed_unit, render_page, roles_required
from qinglian.limits.services import Kind, rate_limited
from qinglian.org.models import Role, Unit
from qinglian.oversight import claims, findings, late, services, similar
from qinglian.oversight.models import IndexedReport, UploadedReport
from qinglian.reports.models import GeneratedReport

overseer_required = roles_required(Role.LEADER, Role.SUPERVISOR)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class FilterForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, required=False)
    threshold = forms.FloatField(label="相似度不低于", min_value=0.1, max_value=1.0, required=False,
                                 help_text="0.1 至 1 之间，如 0.5 即 50%。")


def _filters(request: HttpRequest) -> tuple[Unit, int, float, FilterForm]:
    unit = followed_unit(request)
    form = FilterForm(request.GET)
    year, threshold = timezone.localdate().year, similar.THRESHOLD
    if form.is_valid():
        year = form.cleaned_data["year"] or year
        threshold = form.cleaned_data["threshold"] or threshold
    return unit, year, threshold, form


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    unit, year, threshold, form = _filters(request)
    return {"unit": unit, "year": year, "threshold": threshold, "form": form,
            "years": list(range(timezone.localdate().year, timezone.localdate().year - 6, -1)), **extra}


@overseer_required
@require_GET
def findings_page(request: HttpRequest) -> HttpResponse:
    ctx = _context(request)
    found = findings.findings(request.user, ctx["unit"], ctx["year"])
    return render_page(request, "oversight/findings.html", {
        **ctx, "findings": found, "can_order": getattr(request.user, "is_supervisor", False)})


def _export(request: HttpRequest) -> tuple[list[findings.Finding], Unit, int]:
    ctx = _context(request)
    found = findings.findings(request.user, ctx["unit"], ctx["year"])
    audit_request(request, action=Action.EXPORT, summary=f"导出监督发现问题清单：{ctx['unit'].name}{ctx['year']}年（{len(found)}项）")
    return found, ctx["unit"], ctx["year"]


@overseer_required
@require_GET
@rate_limited(Kind.EXPORT)
def findings_xlsx(request: HttpRequest) -> HttpResponse:
    found, unit, year = _export(request)
    return file_response(xlsx_bytes("监督发现", findings.HEADER, findings.table(found)),
                         f"{unit.name}{year}年监督发现问题清单.xlsx", XLSX)


@overseer_required
@require_GET
@rate_limited(Kind.EXPORT)
def findings_docx(request: HttpRequest) -> HttpResponse:
    found, unit, year = _export(request)
    return file_response(findings.docx_bytes(found, unit, year, timezone.localdate()),
                         f"{unit.name}{year}年监督发现问题清单.docx", DOCX)


@roles_required(Role.SUPERVISOR)
@require_POST
def finding_order(request: HttpRequest) -> HttpResponse:
    unit, year, _, _ = _filters(request)
    key = str(request.POST.get("key", ""))[:100]
    finding = findings.find(request.user, unit, year, key)
    back = reverse("oversight:findings") + f"?unit={unit.pk}&year={year}"
    if finding is None:
        messages.error(request, "该问题已不在清单中（可能已更正），请刷新后重试。")
        return redirect(back)
    try:
        order = services.finding_order_issue(user=request.user, finding=finding, request=request)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
        return redirect(back)
    messages.success(request, f"已向{finding.unit.name}发出督办（办理时限 {order.due_date:%Y年%-m月%-d日}）。")
    return redirect(back)


@overseer_required
@require_GET
def claims_page(request: HttpRequest) -> HttpResponse:
    ctx = _context(request)
    return render_page(request, "oversight/claims.html", {
        **ctx, "reports": claims.claim_reports(request.user, ctx["unit"], ctx["year"])})


@overseer_required
@require_GET
def claim_page(request: HttpRequest, pk: int) -> HttpResponse:
    upload = get_object_or_404(UploadedReport.objects.visible_to(request.user).select_related("unit", "person"), pk=pk)
    return render_page(request, "oversight/claim.html", {"report": claims.claim_report(upload),
                                                         "upload": upload})


@overseer_required
@require_GET
def similar_page(request: HttpRequest) -> HttpResponse:
    ctx = _context(request)
    pairs = similar.similar_pairs(ctx["unit"], ctx["threshold"], within=ctx["unit"])
    return render_page(request, "oversight/similar.html", {**ctx, "pairs": pairs})


def _indexed(request: HttpRequest, ref: str) -> IndexedReport:
    """An indexed report by its id ("upload:3", "generated:7"), only when the user may see the report."""
    kind, _, number = ref.partition(":")
    if not number.isdigit() or len(number) > 18:
        raise Http404
    if kind == "upload":
        visible: Any = UploadedReport.objects.visible_to(request.user)
        field = "upload"
    elif kind == "generated":
        visible = GeneratedReport.objects.visible_to(request.user)
        field = "generated"
    else:
        raise Http404
    found = (IndexedReport.objects.filter(**{field: int(number), f"{field}__in": visible.values("pk")})
             .select_related("unit").first())
    if found is None:
        raise Http404
    return found


@overseer_required
@require_GET
def pair_page(request: HttpRequest, a: str, b: str) -> HttpResponse:
    similar.index_pending()
    pair = similar.pair_of(_indexed(request, a), _indexed(request, b))
    return render_page(request, "oversight/pair.html", {
        "pair": pair, "left": similar.marks(pair.a.text, pair.shared, pair.b.text),
        "right": similar.marks(pair.b.text, pair.shared, pair.a.text),
        "passages": pair.passages()})


@overseer_required
@require_GET
def late_page(request: HttpRequest) -> HttpResponse:
    ctx = _context(request)
    cells = late.late_cells(request.user, ctx["unit"], ctx["year"])
    cells.sort(key=lambda c: (c.unit.path, c.month))
    return render_page(request, "oversight/late.html", {
        **ctx, "cells": cells, "rushes": late.rushes(cells), "charts": {"late": late.chart(cells)},
        "rush_min": late.RUSH_MIN, "rush_share": late.RUSH_SHARE})

