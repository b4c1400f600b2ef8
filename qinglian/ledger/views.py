"""The ledger's pages. Every object is fetched through `visible_to(request.user)` (another unit's → 404);
role decorators answer 403 before anything is read; the services check the same rules again."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from qinglian.ledger import forms, services
from qinglian.ledger.models import (
    Aspect,
    Evidence,
    FollowUp,
    Measure,
    OrderState,
    Problem,
    Source,
    SupervisionOrder,
)
from qinglian.ledger.selectors import (
    ROW_RELATED,
    aspect_problems,
    aspects_with_counts,
    ledger_memo_key,
    ledger_page,
    ledger_rows,
    open_order_counts,
    problem_timeline,
    todo_for,
    visible_measures,
    with_warnings,
)
from qinglian.lib import files
from qinglian.lib.forms import add_errors
from qinglian.lib.memo import remember
from qinglian.lib.services import ConflictError
from qinglian.lib.views import (
    business_required,
    current_unit,
    followed_unit,
    is_htmx,
    leader_required,
    page_number,
    paginate,
    render_page,
    roles_required,
    writer_required,
)
from qinglian.org.models import Role
from qinglian.org.scoping import subtree_q

supervisor_required = roles_required(Role.SUPERVISOR)
returner_required = roles_required(Role.SUPERVISOR, Role.LEADER)


def _act(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """Run one service call; a Chinese error message for what the user must fix, never a 500."""
    try:
        action()
    except (ValidationError, ConflictError) as exc:
        text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
        return False
    messages.success(request, success)
    return True


def _saved(request: HttpRequest, form: Any, action: Callable[[], Any], success: str) -> bool:
    """Run one service call for a valid form; its refusal becomes the form's errors (next to the field it
    names), so the page can be shown again with everything the user typed."""
    try:
        action()
    except (ValidationError, ConflictError) as exc:
        add_errors(form, exc)
        return False
    messages.success(request, success)
    return True


def _retry(request: HttpRequest, name: str, pk: int | None = None) -> dict[str, Any]:
    """What a hand-written one-field form (a 销号 opinion, a problem's text) posted, to show it again."""
    return {"retry": {"name": name, "pk": pk, "data": request.POST}}


# -- the ledger table ----------------------------------------------------------------------------------
def _list_key(request: HttpRequest, unit: Any, shape: str) -> str:
    """The memo key of a ledger listing: its shape and query string (see `ledger_memo_key`)."""
    return ledger_memo_key(request.user, unit, shape, urlencode(sorted(request.GET.lists()), doseq=True))


@business_required
def ledger(request: HttpRequest) -> HttpResponse:
    """The ledger table. The listing (filters, rows, pager) is the same for everyone who sees the same
    subtree, so it is memoised until the next write; the page around it is the user's own."""
    unit = followed_unit(request)
    fragment = is_htmx(request)

    def listing() -> str:
        form = forms.LedgerFilter(request.GET)
        page = paginate(ledger_page(request.user, unit, form.filters()), request)
        page.rows = ledger_rows(page.rows)
        context = {"form": form, "page": page, "open_orders": open_order_counts(request.user, unit)}
        return render_to_string("ledger/_rows.html" if fragment else "ledger/_listing.html", context, request)

    content = remember(_list_key(request, unit, "rows" if fragment else "listing"), listing)
    if fragment:
        return HttpResponse(content)
    return render(request, "ledger/ledger.html", {"unit": unit, "listing": mark_safe(content)})  # assembled from escaped pieces or rendered templates  # nosec B308 B703


@business_required
def measures_json(request: HttpRequest) -> HttpResponse:
    unit = current_unit(request)
    key = _list_key(request, unit, "json")

    def encoded() -> bytes | None:
        form = forms.LedgerFilter(request.GET)
        if not form.is_valid():
            return None
        page = paginate(ledger_page(request.user, unit, form.filters()), request)
        rows = [r.as_json() for r in ledger_rows(page.rows)]
        return json.dumps({"page": page.number, "has_next": page.has_next, "rows": rows},
                          ensure_ascii=False, cls=DjangoJSONEncoder).encode()

    content = remember(key, encoded)  # a refused question is not remembered (None) and asked again below
    if content is None:
        errors = forms.LedgerFilter(request.GET).errors
        return JsonResponse({"errors": errors}, status=400, json_dumps_params={"ensure_ascii": False})
    return HttpResponse(content, content_type="application/json")


@business_required
def mine(request: HttpRequest) -> HttpResponse:
    return render_page(request, "ledger/mine.html", {"todo": todo_for(request.user)})


# -- sources, aspects, problems -----------------------------------------------------------------------------
@business_required
def sources(request: HttpRequest) -> HttpResponse:
    qs = Source.objects.visible_to(request.user).filter(subtree_q(current_unit(request))).select_related("unit")
    return render_page(request, "ledger/sources.html", {"page": paginate(qs.order_by("-feedback_date", "-id"),
                                                                                 request)})


@writer_required
def source_new(request: HttpRequest) -> HttpResponse:
    form = forms.SourceForm(request.POST or None)
    unit = current_unit(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            source = services.ledger_source_create(user=request.user, unit=unit, kind=data["kind"],
                                                   issued_by=data["issued_by"], feedback_date=data["feedback_date"],
                                                   title=data["title"], request=request)
        except ValidationError as exc:
            form.add_error(None, "；".join(exc.messages))
        else:
            messages.success(request, "已新建反馈来源，请继续填写方面和问题。")
            return redirect("ledger:source", source.pk)
    return render_page(request, "ledger/form.html", {"form": form, "title": f"新建反馈来源（{unit.name}）"})


@business_required
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source.objects.visible_to(request.user).select_related("unit"), pk=pk)
    return _source_page(request, source)


def _source_page(request: HttpRequest, source: Source, status: int = 200, **shown: Any) -> HttpResponse:
    """The source page; `shown` replaces its forms (a bound one with errors) or says which form failed."""
    # Aspects with their counts, a page at a time, each with its first problems (more load on demand): the
    # page costs the same for 12 problems or 20,000.
    page = paginate(aspects_with_counts(source), request, size=ASPECTS_SHOWN)
    aspect_problems(page.rows, user=request.user)
    return render_page(request, "ledger/source.html", {
        "source": source, "page": page, "aspect_form": forms.AspectForm(), "problem_form": forms.ProblemForm(),
        **shown}, status=status)


ASPECTS_SHOWN = 10


@business_required
def aspect_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One page of an aspect's problems: the rows htmx appends to the source page ("显示更多问题"), or a page of
    its own without htmx."""
    aspect = get_object_or_404(Aspect.objects.visible_to(request.user).select_related("source"), pk=pk)
    aspect_problems([aspect], page_number(request), user=request.user)
    return render_page(request, "ledger/aspect.html", {"a": aspect, "source": aspect.source},
                       fragment="ledger/_problem_items.html")


@writer_required
@require_POST
def aspect_new(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source.objects.visible_to(request.user), pk=pk)
    form = forms.AspectForm(request.POST)
    if form.is_valid() and _saved(request, form, lambda: services.ledger_aspect_create(
            user=request.user, source=source, title=form.cleaned_data["title"], request=request), "已添加方面。"):
        return redirect("ledger:source", source.pk)
    return _source_page(request, source, status=400, aspect_form=form)


@writer_required
@require_POST
def problem_new(request: HttpRequest, pk: int) -> HttpResponse:
    aspect = get_object_or_404(Aspect.objects.visible_to(request.user), pk=pk)
    parent = None
    if request.POST.get("parent"):
        parent = get_object_or_404(Problem.objects.visible_to(request.user), pk=request.POST["parent"])
    form = forms.ProblemForm(request.POST)
    if form.is_valid() and _saved(request, form, lambda: services.ledger_problem_create(
            user=request.user, aspect=aspect, parent=parent, text=form.cleaned_data["text"],
            security_label=form.cleaned_data["security_label"], request=request),
            "已添加问题。"):
        return redirect("ledger:source", aspect.source_id)
    messages.error(request, "；".join(e for errs in form.errors.values() for e in errs) or "请填写问题内容。")
    source = get_object_or_404(Source.objects.visible_to(request.user).select_related("unit"), pk=aspect.source_id)
    return _source_page(request, source, status=400,
                        **_retry(request, "sub" if parent else "problem", parent.pk if parent else aspect.pk))


@business_required
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    problem = get_object_or_404(Problem.objects.visible_to(request.user).select_related("aspect", "source", "parent"),
                                pk=pk)
    return _problem_page(request, problem)


def _problem_page(request: HttpRequest, problem: Problem, status: int = 200, **shown: Any) -> HttpResponse:
    """The problem page; `shown` replaces its forms (a bound one with errors) or says which form failed."""
    measures = with_warnings(list(Measure.objects.filter(problem=problem).select_related(*ROW_RELATED)))
    measure_form = forms.MeasureForm()
    measure_form.limit_to(problem.unit)
    context = {
        "problem": problem, "parts": Problem.objects.filter(parent=problem).order_by("order"),
        "measures": measures, "timeline": problem_timeline(problem), "measure_form": measure_form,
        "opinion_form": forms.OpinionForm(initial={"version": problem.version}),
        "order_form": forms.OrderForm(), "schedule_form": forms.FollowUpScheduleForm(),
        "record_form": forms.FollowUpRecordForm(), "answer_form": forms.AnswerForm(),
        "follow_ups": FollowUp.objects.filter(problem=problem),
        "orders": SupervisionOrder.objects.filter(problem=problem).select_related("issued_by", "measure"),
        "open_reasons": services.problem_open_items(problem),
    }
    return render_page(request, "ledger/problem.html", {**context, **shown}, status=status)


def _visible_problem(request: HttpRequest, pk: int) -> Problem:
    return get_object_or_404(Problem.objects.visible_to(request.user).select_related("aspect", "source", "parent"),
                             pk=pk)


@writer_required
@require_POST
def measure_new(request: HttpRequest, pk: int) -> HttpResponse:
    problem = _visible_problem(request, pk)
    form = forms.MeasureForm(request.POST)
    form.limit_to(problem.unit)
    if form.is_valid():
        data = form.cleaned_data
        if _saved(request, form, lambda: services.ledger_measure_create(
                user=request.user, problem=problem, text=data["text"], leader_in_charge=data["leader_in_charge"],
                responsible_unit=data["responsible_unit"], owner=data["owner"], deadline_text=data["deadline_text"],
                status=data["status"], security_label=data["security_label"], request=request), "已添加整改措施。"):
            return redirect("ledger:problem", problem.pk)
    return _problem_page(request, problem, status=400, measure_form=form)


# -- measures ----------------------------------------------------------------------------------------------
@business_required
def measure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _measure_page(request, _visible_measure(request, pk))


def _visible_measure(request: HttpRequest, pk: int) -> Measure:
    """Also a measure shared with the user's unit (a 配合单位's): its page; the services still refuse writes."""
    return get_object_or_404(visible_measures(request.user).select_related(*ROW_RELATED), pk=pk)


def _measure_page(request: HttpRequest, measure: Measure, status: int = 200, **shown: Any) -> HttpResponse:
    """The measure page; `shown` replaces its forms (a bound one with errors) or says which form failed."""
    row = with_warnings([measure])[0]
    progress = measure.progress.all().select_related("created_by").prefetch_related("evidence")
    return render_page(request, "ledger/measure.html", {
        "row": row, "measure": measure, "progress": progress, "progress_form": forms.ProgressForm(),
        "opinion_form": forms.OpinionForm(initial={"version": measure.version}),
        "order_form": forms.OrderForm(initial={"measure": measure.pk}),
        "steps": measure.closure_steps.select_related("created_by"), **shown,
    }, status=status)


@writer_required
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_object_or_404(Measure.objects.visible_to(request.user).select_related("problem"), pk=pk)
    initial = {"text": measure.text, "leader_in_charge": measure.leader_in_charge_id,
               "responsible_unit": measure.responsible_unit_id, "owner": measure.owner_id,
               "deadline_text": measure.deadline_text or (measure.deadline.isoformat() if measure.deadline else ""),
               "status": measure.status, "version": measure.version, "security_label": measure.security_label}
    form = forms.MeasureEditForm(request.POST or None, initial=initial)
    form.limit_to(measure.unit)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("text", "leader_in_charge", "responsible_unit", "owner",
                                                  "deadline_text", "status", "security_label")}
        try:
            services.ledger_measure_update(user=request.user, measure=measure, data=data,
                                           version=form.cleaned_data["version"], request=request)
        except (ValidationError, ConflictError) as exc:
            form.add_error(None, "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, "已保存。")
            return redirect("ledger:measure", measure.pk)
    return render_page(request, "ledger/form.html", {"form": form, "title": "修改整改措施",
                                                     "back": measure.get_absolute_url()})


@writer_required
@require_POST
def progress_add(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _visible_measure(request, pk)
    form = forms.ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        uploads = [files.Upload.of(f) for f in data["files"]]
        if _saved(request, form, lambda: services.ledger_progress_add(
                user=request.user, measure=measure, text=data["text"], status_after=data["status_after"],
                date=data["date"], files=uploads, request=request), "已报送整改进展。"):
            return redirect("ledger:measure", measure.pk)
    if request.FILES.getlist("files"):  # a browser cannot refill a file input
        form["files"].help_text = "请重新选择附件：页面重新显示后，浏览器不会保留上次选择的文件。"
    return _measure_page(request, measure, status=400, progress_form=form)


@business_required
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(Evidence.objects.visible_to(request.user).select_related("progress"), pk=pk)
    return files.download(request, evidence, reverse("ledger:measure", args=[evidence.progress.measure_id]))


def _opinion(request: HttpRequest) -> tuple[str, int | None]:
    form = forms.OpinionForm(request.POST)
    if not form.is_valid():
        return "", None
    return form.cleaned_data["opinion"], form.cleaned_data.get("version")


def _on_measure(request: HttpRequest, measure_id: int, name: str, action: Callable[[], Any],
                success: str) -> HttpResponse:
    """A 销号 step on a measure: back to its page; refused, the page again with the opinion as typed."""
    if _act(request, action, success):
        return redirect("ledger:measure", measure_id)
    return _measure_page(request, _visible_measure(request, measure_id), status=400, **_retry(request, name))


def _on_problem(request: HttpRequest, problem_id: int, name: str, action: Callable[[], Any],
                success: str) -> HttpResponse:
    """As `_on_measure`, for a step on a problem (or on one of its orders)."""
    if _act(request, action, success):
        return redirect("ledger:problem", problem_id)
    return _problem_page(request, _visible_problem(request, problem_id), status=400, **_retry(request, name))


@writer_required
@require_POST
def measure_request_close(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_object_or_404(Measure.objects.visible_to(request.user).select_related("problem"), pk=pk)
    opinion, _ = _opinion(request)
    return _on_measure(request, measure.pk, "request_close", lambda: services.ledger_measure_request_close(
        user=request.user, measure=measure, opinion=opinion, request=request), "已申请销号，等待负责人审批。")


@leader_required
@require_POST
def measure_approve(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_object_or_404(Measure.objects.visible_to(request.user).select_related("problem"), pk=pk)
    opinion, version = _opinion(request)
    return _on_measure(request, measure.pk, "approve", lambda: services.ledger_measure_approve(
        user=request.user, measure=measure, opinion=opinion, version=version, request=request), "已批准销号。")


@returner_required
@require_POST
def measure_return(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_object_or_404(Measure.objects.visible_to(request.user).select_related("problem"), pk=pk)
    reason, _ = _opinion(request)
    return _on_measure(request, measure.pk, "return", lambda: services.ledger_measure_return(
        user=request.user, measure=measure, reason=reason, request=request), "已退回整改。")


@writer_required
@require_POST
def problem_request_close(request: HttpRequest, pk: int) -> HttpResponse:
    problem = get_object_or_404(Problem.objects.visible_to(request.user), pk=pk)
    opinion, _ = _opinion(request)
    return _on_problem(request, problem.pk, "request_close", lambda: services.ledger_problem_request_close(
        user=request.user, problem=problem, opinion=opinion, request=request), "已申请问题销号。")


@leader_required
@require_POST
def problem_approve(request: HttpRequest, pk: int) -> HttpResponse:
    problem = get_object_or_404(Problem.objects.visible_to(request.user), pk=pk)
    opinion, version = _opinion(request)
    return _on_problem(request, problem.pk, "approve", lambda: services.ledger_problem_approve(
        user=request.user, problem=problem, opinion=opinion, version=version, request=request), "问题已销号。")


@returner_required
@require_POST
def problem_return(request: HttpRequest, pk: int) -> HttpResponse:
    problem = get_object_or_404(Problem.objects.visible_to(request.user), pk=pk)
    reason, _ = _opinion(request)
    return _on_problem(request, problem.pk, "return", lambda: services.ledger_problem_return(
        user=request.user, problem=problem, reason=reason, request=request), "已退回问题。")


# -- 回头看 and 督办 -------------------------------------------------------------------------------------------
@writer_required
@require_POST
def follow_up_new(request: HttpRequest, pk: int) -> HttpResponse:
    problem = _visible_problem(request, pk)
    form = forms.FollowUpScheduleForm(request.POST)
    if form.is_valid() and _saved(request, form, lambda: services.ledger_follow_up_schedule(
            user=request.user, problem=problem, scheduled_date=form.cleaned_data["scheduled_date"], request=request),
            "已安排回头看。"):
        return redirect("ledger:problem", problem.pk)
    return _problem_page(request, problem, status=400, schedule_form=form)


@writer_required
@require_POST
def follow_up_record(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = get_object_or_404(FollowUp.objects.visible_to(request.user), pk=pk)
    form = forms.FollowUpRecordForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if _saved(request, form, lambda: services.ledger_follow_up_record(
                user=request.user, follow_up=follow_up, result=data["result"], finding=data["finding"],
                done_date=data["done_date"], request=request), "已记录回头看结论。"):
            return redirect("ledger:problem", follow_up.problem_id)
    return _problem_page(request, _visible_problem(request, follow_up.problem_id), status=400,
                         failed_record=follow_up.pk, failed_record_form=form)


@supervisor_required
@require_POST
def order_new(request: HttpRequest, pk: int) -> HttpResponse:
    problem = _visible_problem(request, pk)
    form = forms.OrderForm(request.POST)
    valid = form.is_valid()
    measure = _visible_measure(request, form.cleaned_data["measure"]) if form.cleaned_data.get("measure") else None
    if valid:
        data = form.cleaned_data
        if _saved(request, form, lambda: services.ledger_order_issue(
                user=request.user, problem=problem, measure=measure, content=data["content"],
                due_date=data["due_date"], request=request), "已下达督办。"):
            return redirect("ledger:problem", problem.pk)
    if measure is not None:  # issued from the measure's page: shown there again
        return _measure_page(request, measure, status=400, order_form=form)
    return _problem_page(request, problem, status=400, order_form=form)


@writer_required
@require_POST
def order_answer(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(SupervisionOrder.objects.visible_to(request.user), pk=pk)
    form = forms.AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写答复内容。")
        return _problem_page(request, _visible_problem(request, order.problem_id), status=400)
    return _on_problem(request, order.problem_id, "answer", lambda: services.ledger_order_answer(
        user=request.user, order=order, answer=form.cleaned_data["answer"], request=request), "已答复督办。")


@supervisor_required
@require_POST
def order_close(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(SupervisionOrder.objects.visible_to(request.user), pk=pk)
    _act(request, lambda: services.ledger_order_close(user=request.user, order=order, request=request), "督办已办结。")
    return redirect("ledger:problem", order.problem_id)


@business_required
def orders(request: HttpRequest) -> HttpResponse:
    qs = SupervisionOrder.objects.visible_to(request.user).filter(subtree_q(current_unit(request)))
    state = request.GET.get("state", "open")
    if state == "open":
        qs = qs.exclude(state=OrderState.CLOSED)
    qs = qs.select_related("problem", "unit", "issued_by").order_by("due_date", "id")
    return render_page(request, "ledger/orders.html", {"page": paginate(qs, request), "state": state,
                                                       "today": timezone.localdate()})

