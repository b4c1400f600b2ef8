"""Public-opinion tickets and 《网上舆情》 digests. Scoped both ways: issuing office and unit concerned."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from qinglian.lib.forms import add_errors
from qinglian.lib.services import ConflictError
from qinglian.lib.views import business_required, current_unit, paginate, render_page, writer_required
from qinglian.org.scoping import may_write_unit, subtree_q
from qinglian.publicity import opinion
from qinglian.publicity.forms import (
    AssessForm,
    CloseForm,
    DigestForm,
    FeedbackForm,
    LetterForm,
    TicketFilter,
    TicketForm,
    VerifyForm,
)
from qinglian.publicity.models import OpinionDigest, OpinionTicket, TicketState, overdue_q
from qinglian.publicity.services import Refused
from qinglian.publicity.views import form_errors


def _tickets(request: HttpRequest, form: TicketFilter) -> Any:
    unit = current_unit(request)
    issued, received = subtree_q(unit, "issuing_unit"), subtree_q(unit, "unit")
    qs = OpinionTicket.objects.visible_to(request.user).select_related("issuing_unit", "unit", "letter")
    side = form.cleaned_data["side"] if form.is_valid() else ""
    qs = qs.filter(issued if side == "issued" else received if side == "received" else issued | received)
    if form.is_valid():
        data = form.cleaned_data
        if data["state"]:
            qs = qs.filter(state=data["state"])
        if data["risk_level"]:
            qs = qs.filter(risk_level=data["risk_level"])
        if data["overdue"]:
            qs = qs.filter(overdue_q(timezone.localdate()))
    return qs.order_by("-captured_at", "-id")


@business_required
def tickets(request: HttpRequest) -> HttpResponse:
    form = TicketFilter(request.GET)
    page = paginate(_tickets(request, form), request)
    today = timezone.localdate()
    for ticket in page.rows:
        ticket.overdue = ticket.is_overdue(today)
    return render_page(request, "publicity/tickets.html", {"form": form, "page": page},
                       fragment="publicity/_ticket_rows.html")


@writer_required
def ticket_new(request: HttpRequest) -> HttpResponse:
    form = TicketForm(request.POST or None, user=request.user,
                      initial={"issuing_unit": current_unit(request), "captured_at": timezone.localtime()})
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("issuing_unit", "source", "link", "captured_at", "summary")}
        data["security_label"] = form.cleaned_data["security_label"] or "internal"
        try:
            ticket = opinion.ticket_capture(user=request.user, ticket=OpinionTicket(**data))
        except (Refused, ValidationError) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "舆情已登记，请及时研判。")
            return redirect("publicity:ticket", pk=ticket.pk)
    return render(request, "publicity/ticket_form.html", {"form": form})


def _visible_ticket(request: HttpRequest, pk: int) -> OpinionTicket:
    return get_object_or_404(OpinionTicket.objects.visible_to(request.user)
                             .select_related("issuing_unit", "unit", "letter"), pk=pk)


@business_required
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _ticket_page(request, _visible_ticket(request, pk))


def _ticket_page(request: HttpRequest, ticket: OpinionTicket, status: int = 200, **shown: Any) -> HttpResponse:
    """The ticket page with the forms the user may use now. `shown` replaces one of them by the form as the user
    filled it, with its errors; if that step is no longer open, its errors are said above the page instead."""
    letter = getattr(ticket, "letter", None)
    today = timezone.localdate()
    offered = _ticket_forms(request.user, ticket, letter, today)
    for name, form in shown.items():
        if name in offered:
            offered[name] = form
        else:
            for error in form.non_field_errors() or [e for errors in form.errors.values() for e in errors]:
                messages.error(request, error)
    return render(request, "publicity/ticket_detail.html", {
        "ticket": ticket, "letter": letter, "overdue": ticket.is_overdue(today), "digests": ticket.digests.all(),
        "history": opinion.letter_history(letter) if letter else [], **offered}, status=status)


def _ticket_forms(user: Any, ticket: OpinionTicket, letter: Any, today: Any) -> dict[str, Any]:
    """The steps this user may take on the ticket now, each an empty form."""
    issuer = may_write_unit(user, ticket.issuing_unit)
    concerned = letter is not None and may_write_unit(user, letter.unit)
    forms: dict[str, Any] = {}
    if issuer and ticket.state in (TicketState.CAPTURED, TicketState.ASSESSED):
        forms["assess_form"] = AssessForm(ticket=ticket, initial={
            "risk_level": ticket.risk_level, "category": ticket.category, "unit": ticket.unit,
            "assessment": ticket.assessment, "version": ticket.version})
        forms["close_form"] = CloseForm(initial={"version": ticket.version})
    if issuer and ticket.state == TicketState.ASSESSED:
        forms["letter_form"] = LetterForm(ticket=ticket, initial={
            "unit": ticket.unit, "issued_on": today, "deadline": opinion.default_deadline(today, ticket.risk_level)})
    if concerned and ticket.state in (TicketState.ALERTED, TicketState.ANSWERED):
        forms["feedback_form"] = FeedbackForm()  # each reply is its own entry in the history
    if letter is not None and ticket.state == TicketState.ANSWERED and opinion.may_verify(user, ticket):
        forms["verify_form"] = VerifyForm()
    return forms


FORM_NAMES = {AssessForm: "assess_form", LetterForm: "letter_form", FeedbackForm: "feedback_form",
              VerifyForm: "verify_form", CloseForm: "close_form"}


def _act(request: HttpRequest, pk: int, form_class: Any, action: Any, done: str, **form_kwargs: Any) -> HttpResponse:
    """Run one step of a ticket from a POSTed form. Refused, the ticket page comes back with the form as the
    user filled it and the message next to what to fix."""
    ticket = _visible_ticket(request, pk)
    if form_kwargs.pop("needs_ticket", False):
        form_kwargs["ticket"] = ticket
    form = form_class(request.POST, **form_kwargs)
    if form.is_valid():
        try:
            action(ticket, form.cleaned_data)
        except (Refused, ValidationError, ConflictError) as exc:
            add_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("publicity:ticket", pk=pk)
    return _ticket_page(request, _visible_ticket(request, pk), status=400, **{FORM_NAMES[form_class]: form})


@require_POST
@writer_required
def ticket_assess(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, AssessForm, lambda t, d: opinion.ticket_assess(
        user=request.user, ticket=t, risk_level=d["risk_level"], category=d["category"],
        assessment=d["assessment"], unit=d["unit"], version=d["version"]), "研判已保存。", needs_ticket=True)


@require_POST
@writer_required
def ticket_letter(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, LetterForm, lambda t, d: opinion.letter_issue(
        user=request.user, ticket=t, unit=d["unit"], issued_on=d["issued_on"], deadline=d["deadline"],
        requirement=d["requirement"]), "《舆情提示函》已下发。", needs_ticket=True)


@require_POST
@writer_required
def ticket_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, FeedbackForm, lambda t, d: opinion.letter_feedback(
        user=request.user, ticket=t, feedback=d["feedback"]), "处置情况已反馈，等待发函单位核实。")


@require_POST
@business_required
def ticket_verify(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, VerifyForm, lambda t, d: opinion.letter_verify(
        user=request.user, ticket=t, accepted=d["accepted"], note=d["note"], new_deadline=d["new_deadline"]),
        "核实意见已保存。")


@require_POST
@writer_required
def ticket_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, CloseForm, lambda t, d: opinion.ticket_close(
        user=request.user, ticket=t, note=d["note"], version=d["version"]), "舆情已办结。")


# -- 《网上舆情》 --------------------------------------------------------------------------------------
@business_required
def digests(request: HttpRequest) -> HttpResponse:
    unit = current_unit(request)
    qs = (OpinionDigest.objects.visible_to(request.user).filter(subtree_q(unit)).select_related("unit")
          .order_by("-year", "-number", "-id"))
    return render(request, "publicity/digests.html", {"page": paginate(qs, request)})


@business_required
def digest_detail(request: HttpRequest, pk: int) -> HttpResponse:
    digest = get_object_or_404(OpinionDigest.objects.visible_to(request.user).select_related("unit"), pk=pk)
    rows = digest.tickets.visible_to(request.user).select_related("unit").order_by("captured_at")
    return render(request, "publicity/digest_detail.html", {"digest": digest, "rows": rows})


@writer_required
def digest_new(request: HttpRequest) -> HttpResponse:
    unit = current_unit(request)
    candidates = (OpinionTicket.objects.visible_to(request.user).filter(subtree_q(unit, "issuing_unit"))
                  .order_by("-captured_at")[:200])
    candidate_ids = list(candidates.values_list("pk", flat=True))
    choices = OpinionTicket.objects.filter(pk__in=candidate_ids).order_by("-captured_at")
    form = DigestForm(request.POST or None, user=request.user, tickets=choices,
                      initial={"unit": unit, "issued_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            digest = opinion.digest_create(user=request.user, unit=data["unit"], issued_on=data["issued_on"],
                                           title=data["title"], summary=data["summary"],
                                           tickets=list(data["tickets"]))
        except (Refused, ValidationError) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"已编发《网上舆情》{digest.label}。")
            return redirect("publicity:digest", pk=digest.pk)
    return render(request, "publicity/digest_form.html", {"form": form})
