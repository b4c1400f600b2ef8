"""The rules of verification, read-only: which measures need 验收, who may decide what. Services and pages
ask these same functions, so a button shows exactly when its service would accept the click."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from qinglian.ledger.models import Closure, Evidence, Measure, Source, SourceKind
from qinglian.org.models import Role, Unit, path_prefixes
from qinglian.org.scoping import may_see_unit, may_write_unit
from qinglian.verify.models import (
    Acceptance,
    AcceptanceMode,
    AcceptanceState,
    AssistingUnit,
    SourceIssuer,
    UnitRules,
)

# feedback from a higher level: an extension also needs the issuing office's supervisor
HIGHER_LEVEL_KINDS = frozenset({SourceKind.INSPECTION, SourceKind.TOUR, SourceKind.AUDIT, SourceKind.SUPERVISION,
                                SourceKind.ASSIGNED})
# inspections (巡察 / 巡视): 验收 on by default, and a watch window after it
INSPECTION_KINDS = frozenset({SourceKind.INSPECTION, SourceKind.TOUR})
DEFAULT_WATCH_MONTHS = 6


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` + `months` calendar months, the day clamped to the month's last (8月31日 + 6 → 2月28日)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def rules_for(unit: Unit) -> UnitRules | None:
    """The rules of the nearest unit up the tree (itself first) that has set any."""
    return (UnitRules.objects.filter(unit__path__in=path_prefixes(unit.path)).select_related("unit")
            .order_by("-unit__path").first())


def acceptance_required(measure: Measure) -> bool:
    rules = rules_for(measure.unit)
    mode = rules.acceptance if rules else AcceptanceMode.INSPECTION
    if mode == AcceptanceMode.ALL:
        return True
    return mode == AcceptanceMode.INSPECTION and measure.source.kind in INSPECTION_KINDS


def watch_months(unit: Unit) -> int:
    rules = rules_for(unit)
    return rules.watch_months if rules else DEFAULT_WATCH_MONTHS


def lead_unit(measure: Measure) -> Unit:
    """牵头单位: the 责任单位, else the unit answering the feedback."""
    return measure.responsible_unit or measure.unit


def has_evidence(measure: Measure) -> bool:
    return Evidence.objects.filter(progress__measure=measure, progress__deleted_at__isnull=True).exists()


# -- the issuing office -----------------------------------------------------------------------------------
def issuing_office(source: Source) -> Unit | None:
    found = SourceIssuer.objects.filter(source=source).select_related("office").first()
    return found.office if found else None


def is_issuing_supervisor(user: Any, source: Source, unit: Unit) -> bool:
    """A supervisor overseeing `unit` who works in the source's issuing office; where no office is recorded,
    any supervisor overseeing the unit (the 派驻组 that watches it) stands for it."""
    if getattr(user, "role", None) != Role.SUPERVISOR or not may_see_unit(user, unit):
        return False
    office = issuing_office(source)
    if office is None:
        return True
    person = getattr(user, "person", None)
    return person is not None and person.unit.is_within(office)


def issuer_label(source: Source) -> str:
    office = issuing_office(source)
    return f"{office.name}的监督员" if office else f"监督本单位的监督员（{source.issued_by}未关联单位）"


# -- 验收 -------------------------------------------------------------------------------------------------
def pending_acceptance(measure: Measure) -> Acceptance | None:
    if measure.closure != Closure.VERIFYING:
        return None
    return Acceptance.objects.filter(measure=measure, state=AcceptanceState.PENDING).order_by("-id").first()


def acceptance_refusal(user: Any, measure: Measure, acceptance: Acceptance) -> str:
    """Why `user` may not 验收 `measure` (empty: may): never the account that approved 完成, never the
    责任人; the leader in charge (any leader of the unit where none is named) or the issuing office's
    supervisor."""
    if acceptance.completed_by_id == user.pk:
        return "验收须由批准完成以外的账号进行：您已批准该措施完成，请由分管领导或反馈机关的监督员验收。"
    if getattr(user, "person_id", None) and user.person_id == measure.owner_id:
        return "责任人不能验收自己负责的措施，请由分管领导或反馈机关的监督员验收。"
    role = getattr(user, "role", None)
    if role == Role.LEADER and may_see_unit(user, measure.unit):
        if measure.leader_in_charge_id is None or user.person_id == measure.leader_in_charge_id:
            return ""
        return f"该措施的责任领导是{measure.leader_in_charge}：请由其本人或反馈机关的监督员验收。"
    if is_issuing_supervisor(user, measure.source, measure.unit):
        return ""
    return "只有分管领导（责任领导）或反馈机关的监督员可以验收。"


# -- 配合单位 ---------------------------------------------------------------------------------------------
def is_assisting(user: Any, measure: Measure) -> bool:
    """The user's unit assists on `measure` and is not of the unit answering the feedback."""
    if may_see_unit(user, measure.unit):
        return False
    root = getattr(user, "unit", None)
    return root is not None and AssistingUnit.objects.filter(
        measure=measure, unit__path__startswith=root.path).exists()


def may_report_part(user: Any, part: AssistingUnit) -> bool:
    return may_write_unit(user, part.unit)
