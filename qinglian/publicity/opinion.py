"""Public-opinion tickets: capture → 研判 → 《舆情提示函》 → feedback → 核实 → 办结, and 《网上舆情》 issues."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from paperwork.calendar import WorkCalendar
from qinglian.audit.models import Action
from qinglian.audit.services import audit_log
from qinglian.lib.dates import moment_not_in_future, not_before, not_in_future, not_in_past
from qinglian.lib.security import label_problem
from qinglian.lib.services import record_create, record_update
from qinglian.org.models import Role, Unit, UnitKind
from qinglian.org.scoping import may_see_unit, may_write_unit
from qinglian.publicity.models import (
    AlertLetter,
    LetterEvent,
    LetterEventKind,
    OpinionDigest,
    OpinionTicket,
    RiskLevel,
    TicketState,
)
from qinglian.publicity.services import Refused, ensure_writer, refusals_audited

# Working days a unit has to answer an alert letter, by risk level.
FEEDBACK_WORKDAYS = {RiskLevel.HIGH: 1, RiskLevel.MEDIUM: 3, RiskLevel.LOW: 5}


def default_deadline(issued_on: dt.date, risk_level: str) -> dt.date:
    return WorkCalendar().add_workdays(issued_on, FEEDBACK_WORKDAYS.get(risk_level, 3))


def jurisdiction(unit: Unit) -> Unit:
    """The county (or city, province) an office works for: alert letters may go anywhere in it."""
    chain = [*unit.ancestors(), unit]
    for candidate in reversed(chain):
        if candidate.kind in (UnitKind.COUNTY, UnitKind.CITY, UnitKind.PROVINCE):
            return candidate
    return chain[0]


def may_verify(user: Any, ticket: OpinionTicket) -> bool:
    """核实 is for the issuing office, or a supervisor over it (DESIGN.md §1)."""
    if user.role == Role.SUPERVISOR:
        return may_see_unit(user, ticket.issuing_unit)
    return may_write_unit(user, ticket.issuing_unit)


def _next_number(model: type[Any], unit_field: str, unit: Unit, year: int) -> int:
    Unit.objects.select_for_update().filter(pk=unit.pk).first()  # serialise numbering per office
    last = model.objects.filter(**{unit_field: unit, "year": year}).aggregate(m=Max("number"))["m"]
    return (last or 0) + 1


def ticket_capture(*, user: Any, ticket: OpinionTicket) -> OpinionTicket:
    with refusals_audited(user=user, obj=ticket.issuing_unit, what="登记舆情"), transaction.atomic():
        ensure_writer(user, ticket.issuing_unit)
        moment_not_in_future(ticket.captured_at, what="发现时间", field="captured_at",
                             hint="不能登记尚未发生的舆情；请填写实际发现的时间。")
        if problem := label_problem(ticket.security_label, user):
            raise ValidationError({"security_label": [problem]})
        ticket.state = TicketState.CAPTURED
        return record_create(user=user, obj=ticket, summary=f"登记舆情：{ticket}")


def ticket_assess(*, user: Any, ticket: OpinionTicket, risk_level: str, category: str, assessment: str,
                  unit: Unit | None, version: int) -> OpinionTicket:
    with refusals_audited(user=user, obj=ticket, what="研判舆情"), transaction.atomic():
        ensure_writer(user, ticket.issuing_unit)
        if ticket.state not in (TicketState.CAPTURED, TicketState.ASSESSED):
            raise Refused(f"该舆情{ticket.get_state_display()}，研判只能在发函之前进行。")
        return record_update(user=user, obj=ticket, version=version, summary=f"研判舆情：{ticket}", data={
            "risk_level": risk_level, "category": category, "assessment": assessment,
            "unit": unit or ticket.unit, "assessed_at": timezone.now(), "state": TicketState.ASSESSED})


def letter_issue(*, user: Any, ticket: OpinionTicket, unit: Unit, issued_on: dt.date, deadline: dt.date | None,
                 requirement: str) -> AlertLetter:
    """Issue 《舆情提示函》 〔year〕第N期 to the unit concerned (anywhere in the office's jurisdiction)."""
    with refusals_audited(user=user, obj=ticket, what="下发舆情提示函"), transaction.atomic():
        ensure_writer(user, ticket.issuing_unit)
        if ticket.state != TicketState.ASSESSED:
            raise Refused("请先完成研判（风险等级、类别），再下发《舆情提示函》。")
        if not unit.is_within(jurisdiction(ticket.issuing_unit)):
            raise Refused(f"“{unit.name}”不在本单位的发函范围内。")
        not_in_future(issued_on, what="发函日期", field="issued_on", hint="请填写实际发函的日期。")
        deadline = deadline or default_deadline(issued_on, ticket.risk_level)
        if deadline < issued_on:
            raise Refused("反馈时限不能早于发函日期。")
        year = issued_on.year
        letter = AlertLetter(ticket=ticket, issuing_unit=ticket.issuing_unit, unit=unit, year=year,
                             number=_next_number(AlertLetter, "issuing_unit", ticket.issuing_unit, year),
                             issued_on=issued_on, deadline=deadline, requirement=requirement)
        record_create(user=user, obj=letter, summary=f"下发《舆情提示函》{letter.label}至{unit.name}")
        record_update(user=user, obj=ticket, version=ticket.version, summary=f"舆情已发函：{ticket}",
                      data={"unit": unit, "state": TicketState.ALERTED})
        return letter


def letter_feedback(*, user: Any, ticket: OpinionTicket, feedback: str) -> AlertLetter:
    with refusals_audited(user=user, obj=ticket, what="反馈舆情处置情况"), transaction.atomic():
        ticket = OpinionTicket.objects.select_for_update().get(pk=ticket.pk)
        if ticket.state == TicketState.CLOSED:
            raise Refused("该舆情已办结，不能再提交反馈。如有新情况，请联系发函单位重新登记。")
        if ticket.state not in (TicketState.ALERTED, TicketState.ANSWERED):
            raise Refused("该舆情尚未下发《舆情提示函》，无需反馈。")
        letter = ticket.letter
        ensure_writer(user, letter.unit)
        if not feedback.strip():
            raise ValidationError({"feedback": ["请填写处置情况反馈。"]})
        now = timezone.now()
        _event(user=user, letter=letter, kind=LetterEventKind.FEEDBACK, text=feedback, at=now)
        record_update(user=user, obj=letter, version=letter.version, summary=f"反馈{letter}",
                      data={"feedback": feedback, "feedback_at": now, "feedback_by": user})
        record_update(user=user, obj=ticket, version=ticket.version, summary=f"舆情已反馈：{ticket}",
                      data={"state": TicketState.ANSWERED})
        return letter


def letter_verify(*, user: Any, ticket: OpinionTicket, accepted: bool, note: str,
                  new_deadline: dt.date | None = None) -> OpinionTicket:
    """核实 the feedback: accepted → 办结; not accepted → back to the unit (optionally with a new deadline)."""
    with refusals_audited(user=user, obj=ticket, what="核实舆情处置情况"), transaction.atomic():
        ticket = OpinionTicket.objects.select_for_update().get(pk=ticket.pk)
        if not may_verify(user, ticket):
            raise Refused("只有发函单位或其监督员可以核实处置情况。")
        if ticket.state != TicketState.ANSWERED:
            raise Refused(f"该舆情{ticket.get_state_display()}，只有已反馈的舆情可以核实。")
        letter = ticket.letter
        if not accepted and new_deadline:  # the unit is given a new deadline: after the letter, not already past
            not_before(new_deadline, letter.issued_on, what="新的反馈时限", earlier_what="发函日期", field="new_deadline")
            not_in_past(new_deadline, what="新的反馈时限", field="new_deadline")
        now = timezone.now()
        data: dict[str, Any] = {"verification": note, "verified_at": now, "verified_by": user}
        if not accepted and new_deadline:
            data["deadline"] = new_deadline
        _event(user=user, letter=letter, kind=LetterEventKind.ACCEPTED if accepted else LetterEventKind.RETURNED,
               text=note, at=now, deadline=None if accepted else new_deadline)
        record_update(user=user, obj=letter, version=letter.version, data=data,
                      summary=f"核实{letter}：{'属实，办结' if accepted else '未通过，退回重新处置'}")
        if accepted:
            ticket_data = {"state": TicketState.CLOSED, "closed_at": timezone.now(), "closing_note": note[:500]}
        else:
            ticket_data = {"state": TicketState.ALERTED}
        return record_update(user=user, obj=ticket, version=ticket.version, data=ticket_data,
                             summary=f"{'办结' if accepted else '退回'}舆情：{ticket}")


def _event(*, user: Any, letter: AlertLetter, kind: str, text: str, at: dt.datetime,
           deadline: dt.date | None = None) -> LetterEvent:
    return record_create(user=user, obj=LetterEvent(letter=letter, kind=kind, text=text, at=at, deadline=deadline,
                                                    by=user), summary=f"{LetterEventKind(kind).label}：{letter}")


def letter_history(letter: AlertLetter) -> list[LetterEvent]:
    """Every reply and every 核实 of `letter`, oldest first."""
    return list(letter.events.select_related("by", "by__person").order_by("at", "id"))


def ticket_close(*, user: Any, ticket: OpinionTicket, note: str, version: int) -> OpinionTicket:
    """Close a ticket that needs no alert letter (研判为低风险或不实)."""
    with refusals_audited(user=user, obj=ticket, what="办结舆情"), transaction.atomic():
        ensure_writer(user, ticket.issuing_unit)
        if ticket.state not in (TicketState.CAPTURED, TicketState.ASSESSED):
            raise Refused("已发函的舆情须经反馈和核实后办结。")
        if not note.strip():
            raise Refused("请填写办结说明（如：经研判不实，无需处置）。")
        return record_update(user=user, obj=ticket, version=version, summary=f"办结舆情（无需发函）：{ticket}",
                             data={"state": TicketState.CLOSED, "closed_at": timezone.now(), "closing_note": note})


def digest_create(*, user: Any, unit: Unit, issued_on: dt.date, title: str, summary: str,
                  tickets: list[OpinionTicket]) -> OpinionDigest:
    with refusals_audited(user=user, obj=unit, what="编发《网上舆情》"), transaction.atomic():
        ensure_writer(user, unit)
        if not tickets:
            raise Refused("请至少选择一条舆情编入本期《网上舆情》。")
        not_in_future(issued_on, what="编发日期", field="issued_on", hint="请填写实际编发的日期。")
        year = issued_on.year
        digest = OpinionDigest(unit=unit, year=year, number=_next_number(OpinionDigest, "unit", unit, year),
                               issued_on=issued_on, title=title, summary=summary)
        record_create(user=user, obj=digest, summary=f"编发《网上舆情》{digest.label}")
        digest.tickets.set(tickets)
        audit_log(action=Action.UPDATE, summary=f"《网上舆情》{digest.label}收录舆情 {len(tickets)} 条",
                  actor=user, obj=digest, after={"tickets": [t.pk for t in tickets]})
        return digest
