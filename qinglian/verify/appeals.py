"""Reads of 申诉 and 投诉建议: who decides an appeal, who hears of it, what a complaint's list shows to whom.

Who decides (DESIGN §1: "deciding an appeal" is a supervisor's write for what its office issued):
- a 督办, or a spot-check finding: a supervisor overseeing the unit from the office that issued it (the
  issuing account itself, or one whose person works in the same unit as the issuer's person);
- a 三色 colour (the system's, from the deadline): the level above the unit, i.e. a leader or supervisor
  whose scope is strictly above the unit's.
Never the account that appealed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from qinglian.ledger.calendar import warning_bounds
from qinglian.ledger.models import Measure, SupervisionOrder
from qinglian.org.models import Role, Unit, User
from qinglian.org.scoping import may_see_unit, scope_root
from qinglian.verify.models import Appeal, AppealSubject, Complaint, SpotCheckItem

COLOURS = {"red": "红色预警（已逾期）", "yellow": "黄色预警（临近时限）", "green": "绿色预警（即将到期）"}
OVERSEERS = (Role.LEADER, Role.SUPERVISOR)


def colour_of(measure: Measure, today: dt.date) -> str:
    return measure.warning(warning_bounds(today))


def original_text(subject: str, obj: Any, today: dt.date) -> str:
    """How the appealed thing reads now: kept on the appeal, whatever happens to it later."""
    if subject == AppealSubject.COLOUR:
        return f"{COLOURS[colour_of(obj, today)]}：{obj.text[:80]}（整改时限{obj.deadline}）"
    if subject == AppealSubject.ORDER:
        return f"督办（{obj.issued_by.display_name}，办理时限{obj.due_date}）：{obj.content}"
    return f"抽查结论“{obj.get_verdict_display()}”（{obj.checked_on}）：{obj.notes}"


def issuer_of(appeal: Appeal) -> User | None:
    if appeal.subject == AppealSubject.ORDER and appeal.order is not None:
        return appeal.order.issued_by
    if appeal.subject == AppealSubject.FINDING and appeal.finding is not None:
        return appeal.finding.checked_by or appeal.finding.spot_check.drawn_by
    return None


def same_office(user: Any, issuer: User) -> bool:
    if user.pk == issuer.pk:
        return True
    return bool(user.person_id and issuer.person_id and user.person.unit_id == issuer.person.unit_id)


def is_above(user: Any, unit: Unit) -> bool:
    root = scope_root(user)
    return root is not None and root.pk != unit.pk and unit.path.startswith(root.path)


def decider_refusal(user: Any, appeal: Appeal) -> str:
    """Why `user` may not decide `appeal` (empty: may)."""
    if appeal.created_by_id == user.pk:
        return "不能处理自己提出的申诉。"
    role = getattr(user, "role", None)
    if appeal.subject == AppealSubject.COLOUR:
        if role in OVERSEERS and is_above(user, appeal.unit):
            return ""
        return f"对三色预警的申诉由{appeal.unit.name}的上级单位（负责人或监督员）处理。"
    issuer = issuer_of(appeal)
    if issuer is not None and role == Role.SUPERVISOR and may_see_unit(user, appeal.unit) and same_office(user, issuer):
        return ""
    what = "督办" if appeal.subject == AppealSubject.ORDER else "抽查结论"
    who = issuer.display_name if issuer is not None else "原作出单位"
    return f"对{what}的申诉由作出该{what}的机关处理（{who}所在机关的监督员）。"


def deciders(appeal: Appeal) -> list[User]:
    """The accounts told of a new appeal: those who may decide it (bounded; the scope rule still applies)."""
    unit = appeal.unit
    ancestors = list(unit.ancestors())
    candidates = User.objects.filter(is_active=True, role__in=OVERSEERS).filter(
        Q(unit__in=ancestors) | Q(unit=unit, role=Role.SUPERVISOR)).select_related("person", "unit")[:200]
    return [u for u in candidates if not decider_refusal(u, appeal)]


def appeals_for(user: Any) -> QuerySet[Appeal]:
    return (Appeal.objects.visible_to(user)
            .select_related("unit", "measure", "order", "order__issued_by", "finding", "finding__spot_check",
                            "decided_by", "created_by").order_by("-id"))


def appealable(user: Any, subject: str, pk: int) -> Any:
    """The measure, order or finding an appeal is about, if the user sees it (else None → 404)."""
    if subject == AppealSubject.COLOUR:
        from qinglian.ledger.selectors import visible_measures

        return visible_measures(user).filter(pk=pk).first()
    if subject == AppealSubject.ORDER:
        return SupervisionOrder.objects.visible_to(user).select_related("issued_by").filter(pk=pk).first()
    return SpotCheckItem.objects.visible_to(user).select_related("spot_check").filter(pk=pk).first()


# -- 投诉建议 ------------------------------------------------------------------------------------------------
def complaint_recipients(complaint: Complaint) -> list[User]:
    """The system admins, and the leaders and supervisors of the unit above the writer's."""
    q = Q(role=Role.SYSADMIN)
    if complaint.above_id:
        q |= Q(unit_id=complaint.above_id, role__in=OVERSEERS)
    return list(User.objects.filter(q, is_active=True).exclude(pk=complaint.created_by_id)[:500])


def complaints_for(user: Any) -> QuerySet[Complaint]:
    """The writer's own; all for a system admin; for a leader or supervisor, those its subtree answers."""
    q = Q(created_by_id=user.pk)
    role = getattr(user, "role", None)
    if role == Role.SYSADMIN:
        q = Q()
    elif role in OVERSEERS and (root := scope_root(user)) is not None:
        q |= Q(above__path__startswith=root.path)
    return Complaint.objects.filter(q).select_related("unit", "above", "created_by", "answered_by").order_by("-id")


def may_answer(user: Any, complaint: Complaint) -> bool:
    if complaint.created_by_id == user.pk:
        return False
    role = getattr(user, "role", None)
    if role == Role.SYSADMIN:
        return True
    root = scope_root(user)
    return (role in OVERSEERS and root is not None and complaint.above is not None
            and complaint.above.path.startswith(root.path))
