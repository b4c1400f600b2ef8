"""Panels of plan coverage and classification that ledger and report pages include (the views pass nothing
new): `verify/_coverage.html` on a source's page, `verify/_profile_form.html` on a problem's page,
`verify/_report_coverage.html` on a generated report's preview."""

from __future__ import annotations

from typing import Any

from django import template

from qinglian.ledger.models import Problem, Source
from qinglian.ledger.selectors import scoped_sources
from qinglian.org.scoping import may_write_unit
from qinglian.verify.classes import profile_of, proposed_deadline, undated_measures
from qinglian.verify.coverage import coverage, coverages
from qinglian.verify.forms_profile import BulkForm, ProfileForm
from qinglian.verify.models import ProblemProfile, RectificationType

register = template.Library()
BULK_LIMIT = 300  # problems offered for bulk classification on one source page


def _base(context: Any) -> dict[str, Any]:
    request = context["request"]
    return {"request": request, "user": request.user, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("verify/coverage_panel.html", takes_context=True)
def verify_source_coverage(context: Any, source: Source) -> dict[str, Any]:
    user = context["request"].user
    problems = list(Problem.objects.visible_to(user).leaves().filter(source=source)
                    .select_related("aspect", "parent").order_by("aspect__order", "parent__order", "order", "pk")
                    [:BULK_LIMIT])
    own = {p.problem_id: p for p in ProblemProfile.objects.filter(problem__source=source)
           .select_related("nature", "rect_type")}
    rows = [(p, own.get(p.pk) or own.get(p.parent_id or 0)) for p in problems]
    can_write = may_write_unit(user, source.unit) and getattr(user, "can_write", False)
    return {**_base(context), "source": source, "cov": coverage(source, user), "rows": rows,
            "can_write": can_write, "bulk_form": BulkForm(problem_ids=[]) if can_write else None}


@register.inclusion_tag("verify/profile_panel.html", takes_context=True)
def verify_profile_panel(context: Any, problem: Problem) -> dict[str, Any]:
    user = context["request"].user
    own = ProblemProfile.objects.filter(problem=problem).select_related("nature", "rect_type").first()
    shown = own or profile_of(problem)
    form = None
    if may_write_unit(user, problem.unit) and getattr(user, "can_write", False):
        initial = {"nature": own.nature_id, "reach": own.reach, "rect_type": own.rect_type_id,
                   "cause": own.cause} if own else {"propose": True}
        form = ProfileForm(initial=initial, nature_id=own.nature_id if own else None,
                           type_id=own.rect_type_id if own else None)
    proposals = [(t, proposed_deadline(problem, t)) for t in RectificationType.objects.filter(active=True)]
    return {**_base(context), "problem": problem, "profile": shown, "own": own, "form": form,
            "inherited": shown is not None and own is None, "undated": undated_measures(problem).count(),
            "proposals": proposals}


@register.inclusion_tag("verify/report_coverage.html", takes_context=True)
def verify_report_coverage(context: Any, report: Any) -> dict[str, Any]:
    """On a rectification report's preview: the plan gaps of the sources it covers (none: nothing shown)."""
    if report.genre != "rectification":
        return {"show": False}
    user = context["request"].user
    sources = Source.objects.visible_to(user)
    if report.sources:
        sources = sources.filter(pk__in=report.sources)
    else:
        sources = sources.filter(pk__in=scoped_sources(report.unit, report.date_from, report.date_to).values("pk"))
    found = [c for c in coverages(sources.order_by("feedback_date", "pk")[:50], user) if not c.clean]
    return {**_base(context), "show": True, "gaps": found}
