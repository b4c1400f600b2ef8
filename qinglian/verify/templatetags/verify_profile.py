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
from qinglian.verify.coverage import PANEL_LIMIT, coverage, coverages
from qinglian.verify.forms_profile import ProfileForm
from qinglian.verify.models import ProblemProfile, RectificationType

register = template.Library()


def _base(context: Any) -> dict[str, Any]:
    request = context["request"]
    return {"request": request, "user": request.user, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("verify/coverage_panel.html", takes_context=True)
def verify_source_coverage(context: Any, source: Source) -> dict[str, Any]:
    """The first rows of the coverage lists (the rest on the coverage page); the classification table is
    loaded when its panel is opened, so the source page costs the same however large the source."""
    return {**_base(context), "source": source, "cov": coverage(source, context["request"].user, PANEL_LIMIT)}


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
