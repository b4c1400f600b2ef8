"""The panels the ledger's measure and problem pages include (`verify/_measure_panel.html`)."""

from __future__ import annotations

from typing import Any

from django import template

from qinglian.verify.rules import acceptance_required
from qinglian.verify.selectors import measure_panel, problem_panel

register = template.Library()


@register.inclusion_tag("verify/measure_panel.html", takes_context=True)
def verify_measure_panel(context: Any, measure: Any) -> dict[str, Any]:
    request = context["request"]
    return {"request": request, "user": request.user, "csrf_token": context.get("csrf_token"),
            **measure_panel(request.user, measure)}


@register.inclusion_tag("verify/problem_panel.html", takes_context=True)
def verify_problem_panel(context: Any, problem: Any) -> dict[str, Any]:
    request = context["request"]
    return {"request": request, "user": request.user, "csrf_token": context.get("csrf_token"),
            **problem_panel(request.user, problem)}


@register.simple_tag
def verify_two_step(measure: Any) -> bool:
    """Whether the measure's 销号 is 完成 → 验收: the ledger page then hides its one-step approval."""
    return acceptance_required(measure)
