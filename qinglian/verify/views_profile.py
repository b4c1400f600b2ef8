"""Classification posted from the problem page (one problem) and the source page (several at once). Objects
through `visible_to` (another unit's → 404); the services check the right to write again and audit refusals."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qinglian.ledger.models import Problem, Source
from qinglian.lib.services import ConflictError
from qinglian.lib.views import business_required, render_page, writer_required
from qinglian.org.models import Role
from qinglian.verify.classes import UNSET, Saved, class_rows, classes_bulk_set, classes_profile_set
from qinglian.verify.coverage import coverage
from qinglian.verify.forms_profile import KEEP, BulkForm, ProfileForm
from qinglian.verify.models import ProblemProfile


def _errors(request: HttpRequest, form: Any) -> None:
    messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))


def _dated(saved: list[Saved]) -> str:
    n = sum(len(s.dated) for s in saved)
    return f"，{n}条未定时限的措施按整改类型设定为“{saved[-1].deadline}”" if n else ""


@writer_required
@require_POST
def profile_set(request: HttpRequest, pk: int) -> HttpResponse:
    problem = get_object_or_404(Problem.objects.visible_to(request.user).select_related("source", "unit"), pk=pk)
    current = ProblemProfile.objects.filter(problem=problem).first()
    form = ProfileForm(request.POST, nature_id=current.nature_id if current else None,
                       type_id=current.rect_type_id if current else None)
    if not form.is_valid():
        _errors(request, form)
        return redirect(problem)
    d = form.cleaned_data
    try:
        saved = classes_profile_set(user=request.user, problem=problem, nature=d["nature"], reach=d["reach"],
                                    rect_type=d["rect_type"], cause=d["cause"], propose=d["propose"],
                                    request=request)
    except (ValidationError, ConflictError, PermissionDenied) as exc:
        messages.error(request, "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.success(request, "已保存问题分类和原因剖析" + _dated([saved]) + "。")
    return redirect(problem)


@business_required
@require_GET
def coverage_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole of a source's plan coverage (the source page shows its first rows)."""
    source = get_object_or_404(Source.objects.visible_to(request.user).select_related("unit"), pk=pk)
    return render_page(request, "verify/coverage.html", {"source": source, "cov": coverage(source, request.user)})


@business_required
@require_http_methods(["GET", "POST"])
def bulk_set(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the source's specific problems with their classes (a fragment for the source page's lazy panel);
    POST: the chosen class set on the ticked problems."""
    source = get_object_or_404(Source.objects.visible_to(request.user).select_related("unit"), pk=pk)
    if request.method == "GET":
        return render_page(request, "verify/classes.html", class_rows(request.user, source),
                           fragment="verify/_classes_table.html")
    if getattr(request.user, "role", None) not in (Role.CLERK, Role.LEADER):
        raise PermissionDenied("您的角色无权为问题分类。")
    back = reverse("verify:bulk_classes", args=[source.pk])  # the classification page, its result in view
    ids = [int(x) for x in request.POST.getlist("problems") if x.isdigit()]
    problems = list(Problem.objects.visible_to(request.user).filter(source=source, pk__in=ids)
                    .select_related("source", "unit").order_by("pk"))
    data = request.POST.copy()  # ids of problems the user may not see, or of another source, drop out here
    data.setlist("problems", [str(p.pk) for p in problems])
    form = BulkForm(data, problem_ids=[p.pk for p in problems])
    if not form.is_valid():
        _errors(request, form)
        return redirect(back)
    d = form.cleaned_data
    try:
        saved = classes_bulk_set(user=request.user, problems=problems, request=request,
                                 nature=d["nature"] or UNSET, rect_type=d["rect_type"] or UNSET,
                                 reach=UNSET if d["reach"] in ("", KEEP) else d["reach"])
    except (ValidationError, ConflictError, PermissionDenied) as exc:
        messages.error(request, "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.success(request, f"已为{len(saved)}项问题分类" + _dated(saved) + "。")
    return redirect(back)
