"""Pages of 质效评估: indicator sets (a supervisor's office keeps them), an assessment of one source."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from qinglian.audit.models import Action
from qinglian.audit.services import audit_request
from qinglian.ledger.models import Source
from qinglian.lib.exports import file_response
from qinglian.lib.forms import add_errors
from qinglian.lib.services import ConflictError
from qinglian.lib.views import business_required, current_unit, id_param, render_page, roles_required
from qinglian.org.models import Role
from qinglian.verify.assessments import sets_for, weights_total
from qinglian.verify.forms_checks import IndicatorForm, IndicatorSetForm, ScoresForm
from qinglian.verify.models import Assessment, Indicator, IndicatorSet
from qinglian.verify.services.assessment import (
    may_assess,
    verify_assessment_score,
    verify_assessment_start,
    verify_indicator_add,
    verify_indicator_set_create,
)
from qinglian.verify.spotchecks import office_name
from qinglian.verify.views_checks import DOCX

LIMIT = 100
REFUSALS = (ValidationError, PermissionDenied, ConflictError)
supervisor_required = roles_required(Role.SUPERVISOR)


def _message(request: HttpRequest, exc: Exception) -> None:
    messages.error(request, "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))


@business_required
def assessments(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = IndicatorSetForm(request.POST or None, initial={"name": "巡察整改质效评估指标"})
    if request.method == "POST":
        if user.role != Role.SUPERVISOR:
            raise PermissionDenied("只有监督员可以制定质效评估指标。")
        if form.is_valid():
            data = form.cleaned_data
            try:
                s = verify_indicator_set_create(user=user, unit=current_unit(request), name=data["name"],
                                                months_after=data["months_after"], excellent_min=data["excellent_min"],
                                                good_min=data["good_min"], fair_min=data["fair_min"], request=request)
            except REFUSALS as exc:
                add_errors(form, exc)
            else:
                messages.success(request, "已建立指标体系，并加入常用指标（合计100分），可在其中调整。")
                return redirect("verify:indicator_set", s.pk)
    unit = current_unit(request)
    return render_page(request, "verify/assessments.html", {
        "form": form, "unit": unit, "sets": sets_for(unit), "is_supervisor": user.role == Role.SUPERVISOR,
        "assessments": Assessment.objects.visible_to(user).select_related("source", "unit", "indicator_set")[:LIMIT],
        "sources": Source.objects.visible_to(user).select_related("unit").order_by("-feedback_date", "-id")[:LIMIT],
    }, status=400 if form.errors else 200)


@business_required
def indicator_set(request: HttpRequest, pk: int) -> HttpResponse:
    unit = current_unit(request)
    found = get_object_or_404(IndicatorSet.objects.select_related("unit"),
                              pk=pk, pk__in=[s.pk for s in sets_for(unit)] + [
                                  s.pk for s in IndicatorSet.objects.visible_to(request.user)])
    form = IndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            verify_indicator_add(user=request.user, indicator_set=found, name=data["name"], kind=data["kind"],
                                 weight=data["weight"], guidance=data["guidance"], request=request)
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "已添加指标。")
            return redirect("verify:indicator_set", found.pk)
    return render_page(request, "verify/indicator_set.html", {
        "set": found, "indicators": Indicator.objects.filter(indicator_set=found), "total": weights_total(found),
        "form": form, "may_edit": request.user.role == Role.SUPERVISOR}, status=400 if form.errors else 200)


@supervisor_required
@require_POST
def assessment_start(request: HttpRequest) -> HttpResponse:
    source = get_object_or_404(Source.objects.visible_to(request.user), pk=id_param(request.POST.get("source"), "来源"))
    chosen = {s.pk: s for s in sets_for(source.unit)}.get(id_param(request.POST.get("indicator_set"), "指标体系") or 0)
    if chosen is None:
        messages.error(request, "请选择适用于该单位的指标体系。")
        return redirect("verify:assessments")
    try:
        a = verify_assessment_start(user=request.user, source=source, indicator_set=chosen, request=request)
    except REFUSALS as exc:
        _message(request, exc)
        return redirect("verify:assessments")
    messages.success(request, "已从台账计算可统计的指标，请填写评估组打分的指标。")
    return redirect("verify:assessment", a.pk)


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    return get_object_or_404(Assessment.objects.visible_to(request.user).select_related(
        "source", "unit", "indicator_set", "assessed_by"), pk=pk)


@business_required
def assessment(request: HttpRequest, pk: int) -> HttpResponse:
    a = _assessment(request, pk)
    scores = list(a.scores.select_related("indicator"))
    typed = [s.indicator for s in scores if not s.indicator.counted]
    initial: dict[str, Any] = {"opinion": a.opinion}
    for s in scores:
        initial[f"score_{s.indicator_id}"], initial[f"basis_{s.indicator_id}"] = s.score, s.basis
    form = ScoresForm(request.POST or None, indicators=typed, initial=initial)
    if request.method == "POST":
        if not form.is_valid():
            return render_page(request, "verify/assessment.html", _context(request, a, scores, form), status=400)
        data = form.cleaned_data
        given: dict[int, tuple[Decimal | None, str]] = {
            i.pk: (data[f"score_{i.pk}"], data[f"basis_{i.pk}"]) for i in typed}
        try:
            verify_assessment_score(user=request.user, assessment=a, scores=given, opinion=data["opinion"],
                                    finish=data["finish"], request=request)
        except REFUSALS as exc:
            add_errors(form, exc)
            return render_page(request, "verify/assessment.html", _context(request, a, scores, form), status=400)
        messages.success(request, "已定级。" if data["finish"] else "已保存得分。")
        return redirect("verify:assessment", a.pk)
    return render_page(request, "verify/assessment.html", _context(request, a, scores, form))


def _context(request: HttpRequest, a: Assessment, scores: list[Any], form: ScoresForm) -> dict[str, Any]:
    return {"a": a, "scores": scores, "form": form, "o": a.outcomes,
            "may_edit": a.state == "draft" and may_assess(request.user, a.source)}


@business_required
@require_GET
def assessment_docx(request: HttpRequest, pk: int) -> HttpResponse:
    a = _assessment(request, pk)
    audit_request(request, action=Action.EXPORT, summary=f"导出质效评估结果：{a}", obj=a)
    return file_response(assessment_docx_bytes(a), f"{a.unit.name}整改质效评估结果.docx", DOCX)


def assessment_docx_bytes(a: Assessment) -> bytes:
    from qinglian.verify.assessments import assessment_docx as build

    return build(a, issuer=office_name(a.assessed_by, a.indicator_set.unit), today=timezone.localdate())
