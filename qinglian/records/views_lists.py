"""Responsibility lists (三个清单), letters (责任书) and integrity-risk points (廉政风险点)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from qinglian.audit.models import Action
from qinglian.audit.services import audit_request
from qinglian.lib.services import ConflictError
from qinglian.lib.views import (
    business_required,
    chosen_unit,
    current_unit,
    leader_required,
    paginate,
    render_page,
    unit_from_param,
    writer_required,
)
from qinglian.org.models import Unit
from qinglian.org.scoping import subtree_q
from qinglian.records.forms import (
    ControlForm,
    DutyEditForm,
    DutyForm,
    DutyListForm,
    LetterFilter,
    LetterSignForm,
    LinkForm,
    ReviewForm,
    RiskPointEditForm,
    RiskPointForm,
)
from qinglian.records.models import Activity, Duty, DutyList, Letter, LetterKind, RiskPoint
from qinglian.records.selectors import (
    duties_in,
    duty_evidence,
    duty_statuses,
    signing_status,
    subtree_signing,
)
from qinglian.records.services import (
    control_add,
    duty_add,
    duty_link,
    duty_list_create,
    duty_remove,
    duty_update,
    letter_sign,
    letters_issue,
    risk_point_create,
    risk_point_update,
    risk_review_add,
)
from qinglian.records.views import _add_errors


def _year(request: HttpRequest) -> int:
    try:
        return max(2000, min(2100, int(request.GET.get("year", ""))))
    except ValueError:
        return timezone.localdate().year


# -- duties -------------------------------------------------------------------------------------------------
DUTY_UNITS_PER_PAGE = 10


@business_required
def duties(request: HttpRequest, form: DutyListForm | None = None, status: int = 200) -> HttpResponse:
    """The lists of the subtree, a page of units at a time (the cost of a page does not grow with the county).
    The current unit's own lists show their duties; a sub-unit's lists show counts and load their duties when
    opened (htmx asks the list's page for its rows). `form`: the new-list form as posted, shown with its errors."""
    unit, year = current_unit(request), _year(request)
    today = timezone.localdate()
    with_lists = (Unit.objects.filter(subtree_q(unit, "self"))
                  .filter(Exists(DutyList.objects.filter(unit=OuterRef("pk"), year=year)))
                  .only("id", "name", "full_name", "path").order_by("path"))
    page = paginate(with_lists, request, size=DUTY_UNITS_PER_PAGE)
    lists = list(DutyList.objects.filter(unit__in=[u.pk for u in page.rows], year=year)
                 .select_related("unit", "owner").order_by("unit__path", "kind", "id"))
    rows = duties_in(unit, year).filter(duty_list__in=[dl.pk for dl in lists]).order_by("duty_list_id", "order", "id")
    by_list: dict[int, list[Any]] = {dl.pk: [] for dl in lists}
    for s in duty_statuses(list(rows), today):
        by_list[s.duty.duty_list_id].append(s)
    groups: dict[int, dict[str, Any]] = {u.pk: {"unit": u, "lists": []} for u in page.rows}
    for dl in lists:
        statuses = by_list[dl.pk]
        groups[dl.unit_id]["lists"].append({"list": dl, "rows": statuses, "due": sum(1 for s in statuses if s.due)})
    if form is None and request.user.can_write:
        form = DutyListForm(unit=unit, initial={"year": year})
    return render(request, "records/duties.html", {
        "unit": unit, "year": year, "groups": list(groups.values()), "page": page, "form": form,
        "due": sum(e["due"] for g in groups.values() for e in g["lists"])}, status=status)


@require_POST
@writer_required
def duty_list_new(request: HttpRequest) -> HttpResponse:
    unit = current_unit(request)
    form = DutyListForm(request.POST, unit=unit)
    if form.is_valid():
        try:
            dl = duty_list_create(user=request.user, unit=unit, kind=form.cleaned_data["kind"],
                                  year=form.cleaned_data["year"], owner=form.cleaned_data["owner"], request=request)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"已建立：{dl}")
            return redirect("records:duty_list", pk=dl.pk)
    return duties(request, form=form, status=400)  # the list page again, with the form as it was filled


@business_required
def duty_list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dl = get_object_or_404(DutyList.objects.visible_to(request.user).select_related("unit", "owner"), pk=pk)
    form = None
    if request.user.can_write:
        form = DutyForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            duty = duty_add(user=request.user, duty_list=dl, text=form.cleaned_data["text"],
                            frequency=form.cleaned_data["frequency"], kinds=form.cleaned_data["kinds"],
                            request=request)
            messages.success(request, f"已添加事项：{duty}")
            return redirect("records:duty_list", pk=dl.pk)
    elif request.method == "POST":
        raise Http404
    rows = list(dl.duties.select_related("duty_list", "duty_list__unit").prefetch_related("kinds"))
    statuses = duty_statuses(rows, timezone.localdate())
    return render_page(request, "records/duty_list.html", {"dl": dl, "statuses": statuses, "form": form},
                       fragment="records/_duty_rows.html")


@business_required
def duty_detail(request: HttpRequest, pk: int) -> HttpResponse:
    duty = get_object_or_404(Duty.objects.visible_to(request.user).select_related(
        "duty_list", "duty_list__unit", "duty_list__owner").prefetch_related("kinds"), pk=pk)
    today = timezone.localdate()
    status = duty_statuses([duty], today)[0]
    candidates = []
    if request.user.can_write:
        candidates = list(Activity.objects.visible_to(request.user)
                          .filter(unit=duty.duty_list.unit, happened_on__year=duty.duty_list.year)
                          .exclude(linked_duties=duty).select_related("kind").order_by("-happened_on")[:100])
    return render(request, "records/duty_detail.html", {
        "duty": duty, "status": status, "evidence": duty_evidence(duty, today, request.user),
        "candidates": candidates,
        "linked": duty.linked.visible_to(request.user).select_related("kind").order_by("-happened_on")})


def _saved(request: HttpRequest, form: Any, save: Callable[[], Any]) -> bool:
    """Run one update service for a valid form: its refusals and a version conflict become the form's errors."""
    try:
        save()
    except ValidationError as exc:
        _add_errors(form, exc)
        return False
    except ConflictError as exc:
        form.add_error(None, str(exc))
        return False
    messages.success(request, "已保存修改。")
    return True


@writer_required
def duty_edit(request: HttpRequest, pk: int) -> HttpResponse:
    duty = get_object_or_404(Duty.objects.visible_to(request.user).select_related("duty_list", "duty_list__unit"),
                             pk=pk)
    initial = {"text": duty.text, "frequency": duty.frequency, "kinds": list(duty.kinds.all()),
               "version": duty.version}
    form = DutyEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if _saved(request, form, lambda: duty_update(user=request.user, duty=duty, text=d["text"],
                                                     frequency=d["frequency"], kinds=d["kinds"],
                                                     version=d["version"], request=request)):
            return redirect("records:duty", pk=pk)
    return render(request, "records/duty_form.html", {"form": form, "duty": duty})


@require_POST
@writer_required
def duty_delete(request: HttpRequest, pk: int) -> HttpResponse:
    duty = get_object_or_404(Duty.objects.visible_to(request.user).select_related("duty_list__unit"), pk=pk)
    duty_remove(user=request.user, duty=duty, request=request)
    messages.success(request, f"已删除责任事项：{duty.text}")
    return redirect("records:duty_list", pk=duty.duty_list_id)


@require_POST
@writer_required
def duty_link_view(request: HttpRequest, pk: int) -> HttpResponse:
    duty = get_object_or_404(Duty.objects.visible_to(request.user).select_related("duty_list__unit"), pk=pk)
    form = LinkForm(request.POST)
    if not form.is_valid():
        raise Http404
    activity = get_object_or_404(Activity.objects.visible_to(request.user), pk=form.cleaned_data["activity"])
    duty_link(user=request.user, duty=duty, activity=activity, linked=form.cleaned_data["linked"], request=request)
    messages.success(request, ("已关联：" if form.cleaned_data["linked"] else "已取消关联：") + str(activity))
    return redirect("records:duty", pk=duty.pk)


# -- letters ------------------------------------------------------------------------------------------------
@business_required
def letters(request: HttpRequest) -> HttpResponse:
    """For unit X and year Y: which sub-units and members signed, which not; and totals for the subtree."""
    unit = chosen_unit(request, request.GET.get("unit"))
    form = LetterFilter(request.GET or None, initial={"year": timezone.localdate().year,
                                                      "kind": LetterKind.RESPONSIBILITY})
    year, kind = timezone.localdate().year, LetterKind.RESPONSIBILITY
    if form.is_bound and form.is_valid():
        year, kind = form.cleaned_data["year"], form.cleaned_data["kind"]
    rows = signing_status(unit, year, kind)
    totals = subtree_signing(unit, year)
    signed = sum(1 for r in rows if r.letter.signed)
    return render(request, "records/letters.html", {
        "unit": unit, "year": year, "kind": kind, "kind_label": LetterKind(kind).label, "form": form, "rows": rows,
        "signed": signed, "unsigned": len(rows) - signed,
        "totals": [(label, totals.get(value, {"total": 0, "signed": 0, "unsigned": 0}))
                   for value, label in LetterKind.choices],
        "kinds": LetterKind.choices, "children": unit.children.filter(deleted_at__isnull=True).order_by("order")[:200],
    })


@require_POST
@writer_required
def letters_issue_view(request: HttpRequest) -> HttpResponse:
    unit = unit_from_param(request, request.POST.get("unit"))
    form = LetterFilter(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写年度和类型。")
        return redirect("records:letters")
    year, kind = form.cleaned_data["year"], form.cleaned_data["kind"]
    created = letters_issue(user=request.user, issuer=unit, year=year, kind=kind, request=request)
    messages.success(request, f"已生成 {len(created)} 份{LetterKind(kind).label}（已有的保持不变）。")
    return redirect(f"{reverse('records:letters')}?unit={unit.pk}&year={year}&kind={kind}")


@business_required
def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_object_or_404(Letter.objects.visible_to(request.user).select_related(
        "issuer", "unit", "signatory", "signed_recorded_by"), pk=pk)
    form = LetterSignForm(initial={"version": letter.version}) if request.user.is_leader else None
    return render(request, "records/letter_detail.html", {"letter": letter, "form": form})


@require_POST
@leader_required
def letter_sign_view(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_object_or_404(Letter.objects.visible_to(request.user).select_related("issuer", "unit", "signatory"),
                               pk=pk)
    form = LetterSignForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            letter_sign(user=request.user, letter=letter, signed_on=form.cleaned_data["signed_on"],
                        scan=form.cleaned_data.get("scan"), version=form.cleaned_data["version"], request=request)
        except (ConflictError, ValidationError) as exc:
            if isinstance(exc, ValidationError):
                _add_errors(form, exc)
            else:
                form.add_error(None, str(exc))
        else:
            messages.success(request, f"已登记签订：{letter}")
            return redirect("records:letter", pk=letter.pk)
    return render(request, "records/letter_detail.html", {"letter": letter, "form": form}, status=400)


@business_required
def letter_scan(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_object_or_404(Letter.objects.visible_to(request.user), pk=pk)
    if not letter.scan:
        raise Http404
    name = f"{letter}{letter.scan.name[letter.scan.name.rfind('.'):]}"
    audit_request(request, action=Action.DOWNLOAD, summary=f"下载责任书扫描件：{letter}", obj=letter)
    return FileResponse(letter.scan.open("rb"), as_attachment=True, filename=name)


# -- risk points --------------------------------------------------------------------------------------------
@business_required
def risks(request: HttpRequest) -> HttpResponse:
    unit = current_unit(request)
    qs = (RiskPoint.objects.visible_to(request.user).filter(subtree_q(unit)).select_related("unit", "holder")
          .order_by("unit__path", "-identified_on", "id"))
    if cat := request.GET.get("category"):
        qs = qs.filter(category=cat)
    if level := request.GET.get("level"):
        qs = qs.filter(level=level)
    return render(request, "records/risks.html", {"unit": unit, "page": paginate(qs, request)})


@writer_required
def risk_new(request: HttpRequest) -> HttpResponse:
    unit = chosen_unit(request, request.POST.get("unit")) if request.method == "POST" else current_unit(request)
    form = RiskPointForm(request.POST or None, user=request.user, unit=unit, initial={"unit": unit.pk})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            point = risk_point_create(user=request.user, unit=d["unit"], post=d["post"], category=d["category"],
                                      level=d["level"], description=d["description"], holder=d["holder"],
                                      identified_on=d["identified_on"], controls=d["controls"].splitlines(),
                                      security_label=d["security_label"], request=request)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"已登记风险点：{point}")
            return redirect("records:risk", pk=point.pk)
    return render(request, "records/risk_form.html", {"form": form})


@writer_required
def risk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    point = get_object_or_404(RiskPoint.objects.visible_to(request.user).select_related("unit", "holder"), pk=pk)
    initial = {"post": point.post, "holder": point.holder_id, "category": point.category, "level": point.level,
               "description": point.description, "identified_on": point.identified_on, "version": point.version,
               "security_label": point.security_label}
    form = RiskPointEditForm(request.POST or None, user=request.user, unit=point.unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if _saved(request, form, lambda: risk_point_update(user=request.user, point=point, data=d,
                                                           version=d["version"], request=request)):
            return redirect("records:risk", pk=pk)
    return render(request, "records/risk_form.html", {"form": form, "point": point})


@business_required
def risk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    point = get_object_or_404(RiskPoint.objects.visible_to(request.user).select_related("unit", "holder"), pk=pk)
    control_form = review_form = None
    if request.user.can_write:
        control_form = ControlForm(request.POST if request.POST.get("form") == "control" else None)
        review_form = ReviewForm(request.POST if request.POST.get("form") == "review" else None, unit=point.unit)
        try:
            if request.POST.get("form") == "control" and control_form.is_valid():
                control_add(user=request.user, risk_point=point, request=request, **control_form.cleaned_data)
                messages.success(request, "已添加防控措施。")
                return redirect("records:risk", pk=pk)
            if request.POST.get("form") == "review" and review_form.is_valid():
                risk_review_add(user=request.user, risk_point=point, request=request, **review_form.cleaned_data)
                messages.success(request, "已登记年度复核。")
                return redirect("records:risk", pk=pk)
        except ValidationError as exc:
            _add_errors(review_form, exc)
    elif request.method == "POST":
        raise Http404
    return render(request, "records/risk_detail.html", {
        "point": point, "controls": point.controls.all(), "reviews": point.reviews.select_related("reviewed_by"),
        "control_form": control_form, "review_form": review_form})
