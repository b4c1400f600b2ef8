"""Pages of 考核: the rule sets, the rule editor (drafts only), publishing, scoring, the scores with their
working (and .xlsx), one unit's working rechecked against the records, appeals."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from qinglian.appraisal import bands as band_rules
from qinglian.appraisal.catalogue import CATALOGUE, measure_for
from qinglian.appraisal.forms import AppealForm, DecisionForm, IndicatorForm, RuleSetForm
from qinglian.appraisal.models import AppraisalIndicator, AppraisalScore
from qinglian.appraisal.scoring import unit_figure
from qinglian.appraisal.selectors import (
    WORKING_HEADER,
    appeals_for,
    export_rows,
    rule_sets_for,
    runs_for,
    scores_for,
)
from qinglian.appraisal.services import (
    appeal_refusal,
    appraisal_appeal_decide,
    appraisal_appeal_file,
    appraisal_indicator_add,
    appraisal_indicator_remove,
    appraisal_rule_set_create,
    appraisal_rule_set_publish,
    appraisal_run,
    may_edit,
    total_weight,
)
from qinglian.lib.exports import xlsx_response
from qinglian.lib.forms import add_errors
from qinglian.lib.services import ConflictError
from qinglian.lib.views import (
    business_required,
    current_unit,
    leader_required,
    paginate,
    render_page,
    writer_required,
)
from qinglian.org.scoping import may_write_unit

REFUSALS = (ValidationError, PermissionDenied, ConflictError)


def _say(request: HttpRequest, exc: Exception) -> None:
    messages.error(request, "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))


@business_required
def rule_sets(request: HttpRequest) -> HttpResponse:
    unit = current_unit(request)
    form = RuleSetForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            created = appraisal_rule_set_create(user=request.user, unit=unit, year=form.cleaned_data["year"],
                                                name=form.cleaned_data["name"], request=request)
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "已起草考核规则：加入指标、核对分值合计100分后发布。")
            return redirect("appraisal:rule_set", created.pk)
    return render_page(request, "appraisal/rule_sets.html", {
        "unit": unit, "form": form, "may_edit": may_edit(request.user, unit),
        "sets": rule_sets_for(request.user).order_by("-year", "unit__path")[:100],
        "catalogue": CATALOGUE.values()}, status=400 if form.errors else 200)


def _rule_set_page(request: HttpRequest, found, form: IndicatorForm, status: int = 200) -> HttpResponse:  # type: ignore[no-untyped-def]
    indicators = list(AppraisalIndicator.objects.filter(rule_set=found).order_by("order", "pk"))
    for i in indicators:
        parsed = band_rules.from_lists(i.bands) if i.bands else band_rules.default_bands(i.weight)
        i.band_lines = [b.describe() for b in sorted(parsed, key=lambda b: b.lower, reverse=True)]
        i.catalogue = measure_for(i.measure)
    return render_page(request, "appraisal/rule_set.html", {
        "s": found, "indicators": indicators, "form": form, "weight": total_weight(found),
        "may_edit": may_edit(request.user, found.unit) and not found.is_published,
        "may_score": may_edit(request.user, found.unit) and found.is_published,
        "runs": found.runs.order_by("-id")[:20], "catalogue": CATALOGUE.values()}, status=status)


@business_required
def rule_set(request: HttpRequest, pk: int) -> HttpResponse:
    return _rule_set_page(request, get_object_or_404(rule_sets_for(request.user), pk=pk), IndicatorForm())


@leader_required
@require_POST
def indicator_add(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(rule_sets_for(request.user), pk=pk)
    form = IndicatorForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            appraisal_indicator_add(user=request.user, rule_set=found, measure=data["measure"], name=data["name"],
                                    weight=data["weight"], bands=data["bands"], evidence=data["evidence"],
                                    if_none=data["if_none"], formula=data["formula"], request=request)
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "已加入考核指标。")
            return redirect("appraisal:rule_set", found.pk)
    return _rule_set_page(request, found, form, status=400)


@leader_required
@require_POST
def indicator_remove(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = get_object_or_404(AppraisalIndicator.objects.select_related("rule_set", "rule_set__unit"),
                                  pk=pk, rule_set__in=rule_sets_for(request.user))
    try:
        appraisal_indicator_remove(user=request.user, indicator=indicator, request=request)
    except REFUSALS as exc:
        _say(request, exc)
    else:
        messages.success(request, "已删除该指标。")
    return redirect("appraisal:rule_set", indicator.rule_set_id)


@leader_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(rule_sets_for(request.user), pk=pk)
    try:
        appraisal_rule_set_publish(user=request.user, rule_set=found, request=request)
    except REFUSALS as exc:
        _say(request, exc)
    else:
        messages.success(request, "考核规则已发布并锁定：全年按此计分，不再修改。")
    return redirect("appraisal:rule_set", found.pk)


@leader_required
@require_POST
def score_run(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(rule_sets_for(request.user), pk=pk)
    try:
        done = appraisal_run(user=request.user, rule_set=found, request=request)
    except REFUSALS as exc:
        _say(request, exc)
        return redirect("appraisal:rule_set", found.pk)
    messages.success(request, f"已计算{done.units}个单位的得分（截至{done.as_of}）。")
    return redirect("appraisal:run", done.pk)


@business_required
def run(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(runs_for(request.user), pk=pk)
    scores = scores_for(request.user, found)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(request, f"{found.rule_set.name}得分", WORKING_HEADER, export_rows(list(scores[:20000])))
    indicators = list(AppraisalIndicator.objects.filter(rule_set=found.rule_set).order_by("order", "pk"))
    return render_page(request, "appraisal/run.html", {"run": found, "page": paginate(scores, request, 100),
                                                       "indicators": indicators})


def _score(request: HttpRequest, pk: int) -> AppraisalScore:
    return get_object_or_404(AppraisalScore.objects.visible_to(request.user).select_related(
        "unit", "run", "run__rule_set", "run__rule_set__unit").filter(run__in=runs_for(request.user)), pk=pk)


@business_required
def score(request: HttpRequest, pk: int) -> HttpResponse:
    found = _score(request, pk)
    return render_page(request, "appraisal/score.html", {
        "score": found, "rule_set": found.run.rule_set, "form": AppealForm(),
        "may_appeal": may_write_unit(request.user, found.unit)})


@business_required
def trace(request: HttpRequest, pk: int, indicator: int) -> HttpResponse:
    """The records behind one line of the working, counted afresh, beside what the working kept."""
    found = _score(request, pk)
    line = next((w for w in found.working if w["indicator"] == indicator), None)
    if line is None:
        raise Http404
    item = AppraisalIndicator.with_deleted.get(pk=indicator)
    rows = measure_for(item.measure).trace(found.unit, found.run.rule_set.year, found.run.as_of)
    num, den = unit_figure(item, found.unit, found.run.rule_set.year, found.run.as_of)
    return render_page(request, "appraisal/trace.html", {
        "score": found, "line": line, "measure": measure_for(item.measure), "rows": rows[:2000], "num": num,
        "den": den, "same": (num, den) == (line["numerator"], line["denominator"])})


@writer_required
@require_POST
def appeal_new(request: HttpRequest, pk: int) -> HttpResponse:
    found = _score(request, pk)
    form = AppealForm(request.POST)
    if form.is_valid():
        try:
            filed = appraisal_appeal_file(user=request.user, score=found, reason=form.cleaned_data["reason"],
                                          request=request)
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "已提交申诉，处理结果会发到您的消息。")
            return redirect("appraisal:appeal", filed.pk)
    return render_page(request, "appraisal/score.html", {
        "score": found, "rule_set": found.run.rule_set, "form": form,
        "may_appeal": may_write_unit(request.user, found.unit)}, status=400)


@business_required
def appeals(request: HttpRequest) -> HttpResponse:
    return render_page(request, "appraisal/appeals.html", {"appeals": appeals_for(request.user)[:200]})


@business_required
def appeal(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(appeals_for(request.user), pk=pk)
    refusal = appeal_refusal(request.user, found) if found.is_pending else ""
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appraisal_appeal_decide(user=request.user, appeal=found, state=form.cleaned_data["state"],
                                    decision=form.cleaned_data["decision"], request=request)
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "已处理申诉。")
            return redirect("appraisal:appeal", found.pk)
    return render_page(request, "appraisal/appeal.html", {"a": found, "form": form, "refusal": refusal},
                       status=400 if form.errors else 200)
