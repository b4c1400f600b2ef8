"""Verification's pages and the actions posted from the measure and problem pages. Every object through
`visible_to` / `visible_measures` (another unit's → 404); the services check the rules again and audit refusals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from qinglian.ledger.models import Measure, Problem, Source
from qinglian.ledger.selectors import visible_measures
from qinglian.lib.services import ConflictError
from qinglian.lib.views import business_required, current_unit, leader_required, render_page, writer_required
from qinglian.verify import forms
from qinglian.verify.models import AssistingUnit, Extension, UnitRules
from qinglian.verify.rules import rules_for
from qinglian.verify.selectors import pending_for
from qinglian.verify.services.acceptance import (
    verify_measure_accept,
    verify_measure_complete,
    verify_measure_reject,
    verify_recurrence,
)
from qinglian.verify.services.extension import verify_extension_decide, verify_extension_request
from qinglian.verify.services.units import (
    find_unit,
    verify_issuer_set,
    verify_part_add,
    verify_part_progress,
    verify_rules_set,
)


def _act(request: HttpRequest, form: Any, action: Callable[[], Any], success: str, back: str) -> HttpResponse:
    """Run one service call for a valid form; what the user must fix (or may not do) as a Chinese message on
    the page they came from."""
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect(back)
    try:
        action()
    except (ValidationError, ConflictError, PermissionDenied) as exc:
        messages.error(request, "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.success(request, success)
    return redirect(back)


def _measure(request: HttpRequest, pk: int) -> Measure:
    return get_object_or_404(visible_measures(request.user).select_related("source", "problem", "unit"), pk=pk)


@business_required
def pending(request: HttpRequest) -> HttpResponse:
    return render_page(request, "verify/pending.html", pending_for(request.user))


@writer_required
@require_POST
def extension_new(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _measure(request, pk)
    form = forms.ExtensionForm(request.POST)
    return _act(request, form, lambda: verify_extension_request(
        user=request.user, measure=measure, reason=form.cleaned_data["reason"],
        proposed_date=form.cleaned_data["proposed_date"], request=request),
        "已提交延期申请，等待审批。", measure.get_absolute_url())


@business_required
@require_POST
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    extension = get_object_or_404(Extension.objects.visible_to(request.user).select_related("measure"), pk=pk)
    form = forms.DecisionForm(request.POST)
    back = "verify:pending" if request.POST.get("back") == "pending" else extension.measure.get_absolute_url()
    return _act(request, form, lambda: verify_extension_decide(
        user=request.user, extension=extension, approve=form.cleaned_data["decision"] == "approve",
        opinion=form.cleaned_data["opinion"], request=request), "已审批延期申请。", back)


@leader_required
@require_POST
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _measure(request, pk)
    form = forms.CompleteForm(request.POST)
    return _act(request, form, lambda: verify_measure_complete(
        user=request.user, measure=measure, opinion=form.cleaned_data["opinion"],
        pledge=form.cleaned_data["pledge"], request=request),
        "已批准完成，等待验收。", measure.get_absolute_url())


@business_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _measure(request, pk)
    form = forms.AcceptForm(request.POST)

    def action() -> Any:
        data = form.cleaned_data
        if data["decision"] == "accept":
            return verify_measure_accept(user=request.user, measure=measure, opinion=data["opinion"], request=request)
        return verify_measure_reject(user=request.user, measure=measure, reason=data["opinion"], request=request)

    return _act(request, form, action, "已记录验收结果。", measure.get_absolute_url())


@writer_required
@require_POST
def part_new(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _measure(request, pk)
    form = forms.PartForm(request.POST)
    return _act(request, form, lambda: verify_part_add(
        user=request.user, measure=measure, unit=find_unit(form.cleaned_data["unit"]),
        part=form.cleaned_data["part"], request=request), "已指定配合单位。", measure.get_absolute_url())


@writer_required
@require_POST
def part_progress(request: HttpRequest, pk: int) -> HttpResponse:
    part = get_object_or_404(AssistingUnit.objects.visible_to(request.user).select_related("measure", "unit"), pk=pk)
    form = forms.PartProgressForm(request.POST)
    return _act(request, form, lambda: verify_part_progress(
        user=request.user, part=part, text=form.cleaned_data["text"], status_after=form.cleaned_data["status_after"],
        date=form.cleaned_data["date"], request=request), "已报送配合进展。", part.measure.get_absolute_url())


@business_required
@require_POST
def issuer_set(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source.objects.visible_to(request.user), pk=pk)
    form = forms.IssuerForm(request.POST)
    back = request.POST.get("next", "")
    return _act(request, form, lambda: verify_issuer_set(
        user=request.user, source=source, office=find_unit(form.cleaned_data["unit"]), request=request),
        "已设置反馈机关。", back if back.startswith("/ledger/") else source.get_absolute_url())


@business_required
@require_POST
def recurrence(request: HttpRequest, pk: int) -> HttpResponse:
    problem = get_object_or_404(Problem.objects.visible_to(request.user).select_related("source"), pk=pk)
    form = forms.RecurrenceForm(request.POST)
    return _act(request, form, lambda: verify_recurrence(
        user=request.user, problem=problem, note=form.cleaned_data["note"], request=request),
        "已登记复发，原问题重新整改。", problem.get_absolute_url())


@business_required
def rules(request: HttpRequest) -> HttpResponse:
    unit = current_unit(request)
    current = rules_for(unit)
    form = forms.RulesForm(request.POST or None, initial={
        "acceptance": current.acceptance if current else "inspection",
        "watch_months": current.watch_months if current else 6})
    if request.method == "POST":
        if request.user.role != "leader":
            raise PermissionDenied("只有本单位负责人可以设置验收规则。")
        return _act(request, form, lambda: verify_rules_set(
            user=request.user, unit=unit, acceptance=form.cleaned_data["acceptance"],
            watch_months=form.cleaned_data["watch_months"], request=request), "已保存验收规则。", "verify:rules")
    own = UnitRules.objects.filter(unit=unit).exists()
    return render_page(request, "verify/rules.html", {"unit": unit, "form": form, "current": current, "own": own})
