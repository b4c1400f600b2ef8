"""Reads: what the measure and problem pages show of verification, and what waits for a leader or supervisor."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from qinglian.ledger.models import Closure, Measure, Problem
from qinglian.ledger.selectors import visible_measures
from qinglian.org.models import Role
from qinglian.org.scoping import may_write_unit, visible_unit_q
from qinglian.verify import forms
from qinglian.verify.models import (
    Acceptance,
    AcceptanceState,
    AssistingUnit,
    Extension,
    ExtensionState,
    Recurrence,
)
from qinglian.verify.models.extension import PENDING_STATES
from qinglian.verify.rules import (
    HIGHER_LEVEL_KINDS,
    INSPECTION_KINDS,
    acceptance_refusal,
    acceptance_required,
    is_assisting,
    issuer_label,
    issuing_office,
    lead_unit,
    may_report_part,
    pending_acceptance,
)
from qinglian.verify.services.acceptance import watch_window
from qinglian.verify.services.extension import may_decide

LIMIT = 200


def measure_panel(user: Any, measure: Measure) -> dict[str, Any]:
    """The verification part of a measure's page (the measure was fetched through `visible_measures`)."""
    parts = list(AssistingUnit.objects.filter(measure=measure).select_related("unit").prefetch_related("progress"))
    for p in parts:
        p.may_report = may_report_part(user, p)
    extensions = list(Extension.objects.filter(measure=measure).select_related("leader_by", "issuer_by"))
    pending = next((e for e in extensions if e.is_pending), None)
    approved = [e for e in extensions if e.state == ExtensionState.APPROVED]
    acceptance = pending_acceptance(measure)
    two_step = acceptance_required(measure)
    writer = may_write_unit(user, measure.unit)
    return {
        "measure": measure, "lead_unit": lead_unit(measure), "parts": parts, "extensions": extensions,
        "pending_extension": pending, "may_decide": pending is not None and may_decide(user, pending),
        "original_deadline": approved[-1].original_deadline if approved else None,
        "may_extend": writer and measure.is_active and measure.deadline is not None and pending is None,
        "two_step": two_step, "acceptance": acceptance,
        "accept_refusal": acceptance_refusal(user, measure, acceptance) if acceptance else "",
        "may_complete": (two_step and writer and user.role == Role.LEADER and measure.closure not in (
            Closure.CLOSED, Closure.VERIFYING) and measure.status in ("done", "long_term")),
        "accepted": Acceptance.objects.filter(measure=measure, state=AcceptanceState.ACCEPTED).select_related(
            "accepted_by", "completed_by").first(),
        "may_add_part": writer, "assisting": is_assisting(user, measure),
        "from_higher_level": measure.source.kind in HIGHER_LEVEL_KINDS, "issuer": issuer_label(measure.source), "office": issuing_office(measure.source),
        "extension_form": forms.ExtensionForm(), "decision_form": forms.DecisionForm(),
        "complete_form": forms.CompleteForm(), "accept_form": forms.AcceptForm(), "part_form": forms.PartForm(),
        "part_progress_form": forms.PartProgressForm(), "issuer_form": forms.IssuerForm(),
    }


def problem_panel(user: Any, problem: Problem) -> dict[str, Any]:
    watched = problem.source.kind in INSPECTION_KINDS
    return {
        "problem": problem, "watched": watched, "watch_until": watch_window(problem) if watched else None,
        "recurrences": Recurrence.objects.filter(problem=problem).select_related("created_by"),
        "recurrence_form": forms.RecurrenceForm(),
    }


def pending_for(user: Any) -> dict[str, Any]:
    """What waits for this account: extensions to decide, measures to 验收; for an assisting unit, its parts."""
    extensions = [e for e in Extension.objects.visible_to(user).filter(state__in=PENDING_STATES)
                  .select_related("measure", "measure__source", "unit").order_by("created_at")[:LIMIT]
                  if may_decide(user, e)]
    acceptances = []
    if user.role in (Role.LEADER, Role.SUPERVISOR):
        for a in (Acceptance.objects.visible_to(user).filter(state=AcceptanceState.PENDING,
                                                             measure__closure=Closure.VERIFYING)
                  .select_related("measure", "measure__source", "unit", "completed_by").order_by("created_at")[:LIMIT]):
            if not acceptance_refusal(user, a.measure, a):
                acceptances.append(a)
    return {"extensions": extensions, "acceptances": acceptances, "parts": assisted_parts(user)}


def assisted_parts(user: Any) -> QuerySet[AssistingUnit]:
    """The parts the user's units do on measures others lead."""
    return (AssistingUnit.objects.filter(visible_unit_q(user)).filter(measure__in=visible_measures(user))
            .exclude(measure__closure=Closure.CLOSED).select_related("measure", "unit").order_by("measure__deadline")
            [:LIMIT])
