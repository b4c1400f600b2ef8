"""三审三校: drafts, stage sign-offs, returns, publishing and the 审签单; who the unit named per stage."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from qinglian.audit.models import Action
from qinglian.audit.services import audit_request
from qinglian.lib.exports import file_response
from qinglian.lib.services import ConflictError, record_delete
from qinglian.lib.views import business_required, current_unit, leader_required, paginate, writer_required
from qinglian.org.models import Role
from qinglian.org.scoping import may_write_unit, subtree_q
from qinglian.publicity import review
from qinglian.publicity.forms import DraftForm, PublishForm, ReturnForm, ReviewStageForm, SignForm
from qinglian.publicity.models import STAGE_ORDER, Draft, DraftState, Publication, PublicityRule, ReviewStage
from qinglian.publicity.services import Refused
from qinglian.publicity.views import DOCX, form_errors


def _visible_draft(request: HttpRequest, pk: int) -> Draft:
    return get_object_or_404(Draft.objects.visible_to(request.user).select_related("unit"), pk=pk)


@business_required
def drafts(request: HttpRequest) -> HttpResponse:
    unit = current_unit(request)
    qs = Draft.objects.visible_to(request.user).filter(subtree_q(unit)).select_related("unit")
    state = request.GET.get("state", "")
    if state in DraftState.values:
        qs = qs.filter(state=state)
    return render(request, "publicity/drafts.html", {"page": paginate(qs.order_by("-created_at", "-id"), request),
                                                     "states": DraftState.choices, "state": state})


@writer_required
def draft_new(request: HttpRequest) -> HttpResponse:
    form = DraftForm(request.POST or None, user=request.user, initial={"unit": current_unit(request)})
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("unit", "title", "authors", "content")}
        try:
            draft = review.draft_create(user=request.user, draft=Draft(**data))
        except (Refused, ValidationError) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "稿件已提交，等待初审。")
            return redirect("publicity:draft", pk=draft.pk)
    return render(request, "publicity/draft_form.html", {"form": form, "draft": None})


@business_required
def draft_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _draft_page(request, _visible_draft(request, pk))


def _draft_page(request: HttpRequest, draft: Draft, status: int = 200, **shown: Any) -> HttpResponse:
    """The draft with its sheet and the steps this user may take; `shown` puts back a form as it was filled."""
    history = list(draft.signoffs.select_related("person", "created_by").order_by("signed_at", "id"))
    active = [s for s in history if s.decision == "approve" and s.voided_at is None]
    user = request.user
    context: dict[str, Any] = {
        "draft": draft, "history": history, "warning": review.draft_integrity(draft, active),
        "sheet": review.SignOffSheet.of(draft), "publication": Publication.objects.filter(draft=draft).first(),
        "stages": [(stage, review.STAGE_NAMES[stage], review.draft_reviewers(draft, stage))
                   for stage in STAGE_ORDER],
    }
    if draft.state == DraftState.REVIEWING and user.can_write and user.person_id:
        if user.person_id in {p.pk for p in review.draft_reviewers(draft, draft.stage)}:
            context["sign_form"] = SignForm()
    if draft.state != DraftState.PUBLISHED:
        context["return_form"] = ReturnForm()
    for name, form in shown.items():
        if name in context:
            context[name] = form
    return render(request, "publicity/draft_detail.html", context, status=status)


@writer_required
def draft_edit(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _visible_draft(request, pk)
    if request.method == "POST":
        form = DraftForm(request.POST, user=request.user)
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in ("unit", "title", "authors", "content")}
            try:
                _, restarted = review.draft_update(user=request.user, draft=draft, data=data,
                                                   version=form.cleaned_data["version"] or 0)
            except (Refused, ValidationError, ConflictError) as exc:
                form_errors(form, exc)
            else:
                messages.success(request, "已保存。正文改动后，已签署的审核作废，须重新初审。" if restarted else "已保存。")
                return redirect("publicity:draft", pk=draft.pk)
    else:
        form = DraftForm(user=request.user, initial={"unit": draft.unit, "title": draft.title,
                                                     "authors": draft.authors, "content": draft.content,
                                                     "version": draft.version})
    return render(request, "publicity/draft_form.html", {"form": form, "draft": draft})


@require_POST
@writer_required
def draft_sign(request: HttpRequest, pk: int, stage: str) -> HttpResponse:
    draft = _visible_draft(request, pk)
    form = SignForm(request.POST)
    opinion = form.cleaned_data["opinion"] if form.is_valid() else ""
    try:
        signoff = review.draft_sign(user=request.user, draft=draft, stage=stage, opinion=opinion)
    except (Refused, ValidationError, ConflictError) as exc:
        messages.error(request, "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        return _draft_page(request, _visible_draft(request, pk), status=400, sign_form=form)
    messages.success(request, f"{signoff.get_stage_display()}已签署，签章 {signoff.short_seal}。")
    return redirect("publicity:draft", pk=pk)


@require_POST
@business_required
def draft_return(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _visible_draft(request, pk)
    form = ReturnForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        draft = review.draft_return(user=request.user, draft=draft, reason=reason)
    except (Refused, ValidationError, ConflictError) as exc:
        messages.error(request, "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        return _draft_page(request, _visible_draft(request, pk), status=400, return_form=form)
    messages.success(request, f"已退回，待{draft.get_stage_display()}。")
    return redirect("publicity:draft", pk=pk)


@writer_required
def draft_publish(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _visible_draft(request, pk)
    form = PublishForm(request.POST or None, initial={
        "published_on": timezone.localdate(), "adopted": True,
        "counting_unit": PublicityRule.for_unit(draft.unit).counting_unit})
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("outlet", "published_on", "adopted", "counting_unit", "link")}
        try:
            publication = review.draft_publish(user=request.user, draft=draft, publication=Publication(**data))
        except (Refused, ValidationError) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "稿件已发布并计入宣传统计。")
            return redirect("publicity:publication", pk=publication.pk)
    return render(request, "publicity/draft_publish.html", {"form": form, "draft": draft,
                                                            "warning": review.draft_integrity(draft)})


@business_required
def draft_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _visible_draft(request, pk)
    sheet = review.SignOffSheet.of(draft)
    audit_request(request, action=Action.DOWNLOAD, summary=f"下载审签单：{draft.title}", obj=draft)
    return file_response(sheet.docx(), f"审签单-{draft.title[:30]}.docx", DOCX)


# -- stage assignments --------------------------------------------------------------------------------
@business_required
def review_stages(request: HttpRequest) -> HttpResponse:
    unit = current_unit(request)
    rows = (ReviewStage.objects.visible_to(request.user).filter(unit=unit).select_related("person", "person__unit")
            .order_by("stage", "id"))
    form = None
    if request.user.role == Role.LEADER and may_write_unit(request.user, unit):
        form = ReviewStageForm(request.POST or None, unit=unit)
        if request.method == "POST" and form.is_valid():
            try:
                review.review_stage_assign(user=request.user, unit=unit, stage=form.cleaned_data["stage"],
                                           person=form.cleaned_data["person"])
            except (Refused, ValidationError) as exc:
                form_errors(form, exc)
            else:
                messages.success(request, "已指定。")
                return redirect("publicity:review_stages")
    inherited = {stage: review.stage_people(unit, stage) for stage in STAGE_ORDER} if not rows else None
    return render(request, "publicity/review_stages.html", {
        "unit": unit, "rows": rows, "form": form, "inherited": inherited, "names": review.STAGE_NAMES})


@require_POST
@leader_required
def review_stage_remove(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(ReviewStage.objects.visible_to(request.user), pk=pk)
    if not may_write_unit(request.user, row.unit):
        raise Http404
    record_delete(user=request.user, obj=row, request=request)
    messages.success(request, f"已取消{row.person.name}的{row.get_stage_display()}指定。")
    return redirect("publicity:review_stages")
