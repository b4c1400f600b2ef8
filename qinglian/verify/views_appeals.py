"""Pages of 申诉 (a unit's, decided by the office that issued the thing) and 投诉建议 (anyone's)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from qinglian.lib.forms import add_errors
from qinglian.lib.services import ConflictError
from qinglian.lib.views import business_required, id_param, render_page, roles_required, writer_required
from qinglian.org.models import Role
from qinglian.verify.appeals import appealable, appeals_for, complaints_for, decider_refusal, may_answer
from qinglian.verify.forms_checks import AnswerForm, AppealDecisionForm, AppealForm, ComplaintForm
from qinglian.verify.models import AppealSubject
from qinglian.verify.services.appeal import (
    verify_appeal_decide,
    verify_appeal_file,
    verify_complaint_answer,
    verify_complaint_submit,
)

REFUSALS = (ValidationError, PermissionDenied, ConflictError)
PARAMS = {"measure": AppealSubject.COLOUR, "order": AppealSubject.ORDER, "finding": AppealSubject.FINDING}
anyone_signed_in = roles_required(*Role.values)
LIMIT = 200


@business_required
def appeals(request: HttpRequest) -> HttpResponse:
    rows = list(appeals_for(request.user)[:LIMIT])
    for a in rows:
        a.may_decide = a.is_pending and not decider_refusal(request.user, a)
    return render_page(request, "verify/appeals.html", {"appeals": rows})


@writer_required
def appeal_new(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    found = [(name, subject) for name, subject in PARAMS.items() if source.get(name)]
    if len(found) != 1:
        raise Http404
    name, subject = found[0]
    target = appealable(request.user, subject, id_param(source.get(name)) or 0)
    if target is None:
        raise Http404
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal = verify_appeal_file(user=request.user, subject=subject, target=target,
                                        reason=form.cleaned_data["reason"], request=request)
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "已提交申诉，处理结果会发到您的消息。")
            return redirect("verify:appeal", appeal.pk)
    return render_page(request, "verify/appeal_new.html", {
        "form": form, "name": name, "target": target, "subject": AppealSubject(subject)},
        status=400 if form.errors else 200)


@business_required
def appeal(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(appeals_for(request.user), pk=pk)
    refusal = decider_refusal(request.user, found) if found.is_pending else ""
    form = AppealDecisionForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                verify_appeal_decide(user=request.user, appeal=found, state=data["state"], decision=data["decision"],
                                     verdict=data["verdict"], request=request)
            except REFUSALS as exc:
                add_errors(form, exc)
            else:
                messages.success(request, "已处理申诉。")
                return redirect("verify:appeal", found.pk)
        return render_page(request, "verify/appeal.html", {"a": found, "form": form, "refusal": refusal}, status=400)
    return render_page(request, "verify/appeal.html", {"a": found, "form": form, "refusal": refusal})


@anyone_signed_in
def complaints(request: HttpRequest) -> HttpResponse:
    form = ComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            verify_complaint_submit(user=request.user, kind=data["kind"], title=data["title"], text=data["text"],
                                    request=request)
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "已提交，系统管理员和上级单位会收到并答复。")
            return redirect("verify:complaints")
    rows = list(complaints_for(request.user)[:LIMIT])
    for c in rows:
        c.may_answer = may_answer(request.user, c)
    return render_page(request, "verify/complaints.html", {"form": form, "complaints": rows},
                       status=400 if form.errors else 200)


@anyone_signed_in
@require_POST
def complaint_answer(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_object_or_404(complaints_for(request.user), pk=pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写答复。")
        return redirect("verify:complaints")
    try:
        verify_complaint_answer(user=request.user, complaint=complaint, answer=form.cleaned_data["answer"],
                                request=request)
    except REFUSALS as exc:
        messages.error(request, "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.success(request, "已答复。")
    return redirect("verify:complaints")
