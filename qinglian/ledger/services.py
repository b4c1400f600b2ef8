"""Every write on the ledger: plain keyword-only functions, atomic, audited (grep `ledger_`/`measure_`/…).

Permissions are checked here as well as in the views: a supervisor may return (退回) and issue supervision
orders (督办) but change nothing else; only a leader (负责人) approves 销号. A refused attempt is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from paperwork.calendar import parse_date
from qinglian.audit.models import Action
from qinglian.audit.services import audit_log
from qinglian.ledger.models import (
    Aspect,
    Closure,
    ClosureStep,
    ClosureStepKind,
    Evidence,
    FollowUp,
    FollowUpResult,
    Measure,
    MeasureStatus,
    OrderState,
    Problem,
    Progress,
    Source,
    SupervisionOrder,
    measure_position,
    problem_key,
)
from qinglian.lib.dates import not_before, not_in_future, not_in_past
from qinglian.lib.files import Upload, check_uploads, stored_files
from qinglian.lib.models import SecurityLabel
from qinglian.lib.security import label_problem
from qinglian.lib.services import record_create, record_update
from qinglian.org.models import Person, Role, Unit
from qinglian.org.scoping import may_see_unit, may_write_unit, subtree_q


# -- permission helpers ------------------------------------------------------------------------------
def _refuse(user: Any, message: str, obj: Any = None) -> PermissionDenied:
    audit_log(action=Action.REFUSED, summary=message, actor=user, obj=obj)
    return PermissionDenied(message)


def _check_write(user: Any, unit: Unit, obj: Any = None) -> None:
    if not may_write_unit(user, unit):
        raise _refuse(user, "无权修改该单位的整改台账。", obj)


def _check_leader(user: Any, unit: Unit, obj: Any = None) -> None:
    if getattr(user, "role", None) != Role.LEADER or not may_see_unit(user, unit):
        raise _refuse(user, "只有负责人可以批准销号。", obj)


def _check_supervisor(user: Any, unit: Unit, obj: Any = None, what: str = "督办") -> None:
    if getattr(user, "role", None) != Role.SUPERVISOR or not may_see_unit(user, unit):
        raise _refuse(user, f"只有监督员可以{what}。", obj)


def _check_returner(user: Any, unit: Unit, obj: Any = None) -> None:
    if getattr(user, "role", None) not in (Role.SUPERVISOR, Role.LEADER) or not may_see_unit(user, unit):
        raise _refuse(user, "只有监督员或负责人可以退回。", obj)


def _require(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(f"请填写{what}。")
    return text


# -- the tree: source → aspect → problem → measure ---------------------------------------------------
def ledger_source_create(*, user: Any, unit: Unit, kind: str, issued_by: str, feedback_date: dt.date | None,
                         title: str = "", request: Any = None) -> Source:
    _check_write(user, unit)
    not_in_future(feedback_date, what="反馈日期", field="feedback_date", hint="请填写收到反馈意见的日期。")
    return record_create(user=user, obj=Source(unit=unit, kind=kind, issued_by=issued_by.strip(),
                                               feedback_date=feedback_date, title=title.strip()), request=request)


def _label(user: Any, label: str, inherited: str = "") -> str:
    """The 密级 a new or edited ledger row gets: the one chosen, else `inherited`, else 内部; refused above
    the writer's clearance."""
    label = label or inherited or SecurityLabel.INTERNAL
    if problem := label_problem(label, user):
        raise ValidationError({"security_label": [problem]})
    return label


def ledger_aspect_create(*, user: Any, source: Source, title: str, request: Any = None) -> Aspect:
    _check_write(user, source.unit, source)
    order = Aspect.with_deleted.filter(source=source).count() + 1
    return record_create(user=user, obj=Aspect(source=source, unit=source.unit, title=_require(title, "方面"),
                                               order=order), request=request)


def ledger_problem_create(*, user: Any, aspect: Aspect, text: str, parent: Problem | None = None,
                          security_label: str = "", request: Any = None) -> Problem:
    """A problem under an aspect (or a sub-problem under `parent`, whose label it takes unless given)."""
    _check_write(user, aspect.unit, aspect)
    security_label = _label(user, security_label, parent.security_label if parent else "")
    if parent is not None and (parent.aspect_id != aspect.pk or parent.parent_id):
        raise ValidationError("子问题只能建在同一方面的问题之下，且只分一级（如“（1）”）。")
    with transaction.atomic():
        siblings = Problem.with_deleted.filter(aspect=aspect, parent=parent)
        problem = Problem(aspect=aspect, source_id=aspect.source_id, unit=aspect.unit, parent=parent,
                          text=_require(text, "问题"), order=siblings.count() + 1, security_label=security_label)
        record_create(user=user, obj=problem, request=request)
        if parent is not None and parent.is_leaf:
            Problem.with_deleted.filter(pk=parent.pk).update(is_leaf=False)
            parent.is_leaf = False
    return problem


def ledger_measure_create(*, user: Any, problem: Problem, text: str, leader_in_charge: Person | None = None,
                          responsible_unit: Unit | None = None, owner: Person | None = None,
                          deadline_text: str = "", deadline: dt.date | None = None,
                          status: str = MeasureStatus.NOT_STARTED, today: dt.date | None = None,
                          security_label: str = "", request: Any = None) -> Measure:
    """A measure under a leaf problem; its 密级 is the problem's unless given."""
    _check_write(user, problem.unit, problem)
    security_label = _label(user, security_label, problem.security_label)
    if not problem.is_leaf:
        raise ValidationError("该问题已分为（1）（2）等具体问题，请在具体问题下填写整改措施。")
    deadline, status = read_deadline(deadline_text, deadline, status, today or timezone.localdate())
    check_deadline(deadline, problem.source)
    _check_people(problem.unit, leader_in_charge, responsible_unit, owner)
    order = Measure.with_deleted.filter(problem=problem).count() + 1
    measure = Measure(problem=problem, aspect_id=problem.aspect_id, source_id=problem.source_id, unit=problem.unit,
                      text=_require(text, "整改措施"), leader_in_charge=leader_in_charge,
                      responsible_unit=responsible_unit, owner=owner, deadline=deadline,
                      deadline_text=deadline_text.strip(), status=status, order=order,
                      position=measure_position(problem.unit, problem.source_id, problem.aspect.order,
                                                problem_key(problem), order), security_label=security_label)
    with transaction.atomic():
        record_create(user=user, obj=measure, request=request)
        _reopen_if_closed(user=user, problem=problem, reason="新增整改措施")
    return measure


def read_deadline(text: str, deadline: dt.date | None, status: str, today: dt.date) -> tuple[dt.date | None, str]:
    """A deadline as typed: a date, "2021年9月底", "长期坚持" (status long_term), "立行立改" (today)."""
    text = (text or "").strip()
    if text:
        try:
            parsed = parse_date(text, today=today)
        except ValueError as exc:
            raise ValidationError({"deadline_text": [f"整改时限{exc}；也可写“长期坚持”或“立行立改”。"]}) from exc
        deadline = parsed.date
        if parsed.status == "long_term" and status != MeasureStatus.DONE:
            status = MeasureStatus.LONG_TERM
    return deadline, status


def check_deadline(deadline: dt.date | None, source: Source, field: str = "deadline_text") -> None:
    """整改时限 not before the source's 反馈日期: a measure cannot be due before the problem was fed back."""
    not_before(deadline, source.feedback_date, what="整改时限", earlier_what=f"{source.issued_by}反馈日期", field=field,
               hint="整改时限应在问题反馈之后，请核对后重新填写，长期整改的可写“长期坚持”。")


def _check_people(unit: Unit, *people_or_units: Any) -> None:
    for item in people_or_units:
        if item is None:
            continue
        target = item if isinstance(item, Unit) else item.unit
        if not target.path.startswith(unit.path):
            raise ValidationError(f"“{item}”不在{unit.name}及其下级单位中，请从本单位的干部和股室中选择。")


def ledger_measure_update(*, user: Any, measure: Measure, data: dict[str, Any], version: int,
                          today: dt.date | None = None, request: Any = None) -> Measure:
    _check_write(user, measure.unit, measure)
    data = dict(data)
    if "deadline_text" in data:
        data["deadline"], data["status"] = read_deadline(data["deadline_text"], data.get("deadline"),
                                                         data.get("status", measure.status),
                                                         today or timezone.localdate())
        check_deadline(data["deadline"], measure.source)
    _check_people(measure.unit, data.get("leader_in_charge"), data.get("responsible_unit"), data.get("owner"))
    if "security_label" in data:
        data["security_label"] = _label(user, data["security_label"], measure.security_label)
    return record_update(user=user, obj=measure, data=data, version=version, request=request)


# -- progress and evidence ---------------------------------------------------------------------------
def ledger_progress_add(*, user: Any, measure: Measure, text: str, status_after: str, date: dt.date | None = None,
                        files: Sequence[Upload] = (), request: Any = None) -> Progress:
    _check_write(user, measure.unit, measure)
    if measure.closure == Closure.CLOSED:
        raise ValidationError("该措施已销号，如需继续整改请由监督员或负责人退回。")
    if measure.closure == Closure.VERIFYING:
        raise ValidationError("该措施已批准完成，正在等待验收；验收不通过退回后，再报送新的进展。")
    if status_after not in MeasureStatus.values:
        raise ValidationError("请选择报送后的完成状态。")
    not_in_future(date, what="进展日期", field="date", hint="请填写进展实际发生的日期，留空为今天。")
    files = check_uploads(files, what="证明材料")  # by size, by kind; a .doc becomes a .docx
    with stored_files() as written, transaction.atomic():
        progress = record_create(user=user, obj=Progress(
            measure=measure, unit=measure.unit, date=date or timezone.localdate(), text=_require(text, "进展情况"),
            status_after=status_after), request=request)
        for f in files:
            record_create(user=user, obj=Evidence(progress=progress, unit=measure.unit,
                                                  **written.store(f, "ledger")), request=request)
        data: dict[str, Any] = {"status": status_after, "situation": progress.text}
        if measure.closure == Closure.RETURNED:
            data["closure"] = Closure.OPEN
        record_update(user=user, obj=measure, data=data, version=measure.version,
                      summary=f"报送整改进展：{measure}", request=request)
        return progress


# -- 销号 ---------------------------------------------------------------------------------------------
# Apps beside the ledger take part in 销号 without the ledger importing them (verify: only the lead unit asks;
# where 验收 is required, the leader's approval is 完成 and closes nothing). A hook refuses a step by raising.
ClosureHook = Callable[..., None]
_closure_hooks: dict[str, list[ClosureHook]] = {"request": [], "approve": []}


def on_closure(step: str, hook: ClosureHook) -> None:
    """Call `hook(user=, measure=, closure=)` before each `step` ("request", "approve") of a measure's 销号."""
    if hook not in _closure_hooks[step]:
        _closure_hooks[step].append(hook)


def _closure_checks(step: str, **kwargs: Any) -> None:
    for hook in _closure_hooks[step]:
        hook(**kwargs)


def _step(*, user: Any, problem: Problem, measure: Measure | None, kind: str, opinion: str) -> ClosureStep:
    return record_create(user=user, obj=ClosureStep(unit=problem.unit, problem=problem, measure=measure, kind=kind,
                                                    opinion=opinion))


def ledger_measure_request_close(*, user: Any, measure: Measure, opinion: str, request: Any = None) -> Measure:
    _check_write(user, measure.unit, measure)
    if measure.status not in (MeasureStatus.DONE, MeasureStatus.LONG_TERM):
        raise ValidationError("措施尚未完成：请先报送进展，把状态改为“已完成”或“长期坚持”，再申请销号。")
    if measure.closure in (Closure.CLOSED, Closure.REQUESTED, Closure.VERIFYING):
        raise ValidationError("该措施已销号或正在审批中。")
    _closure_checks("request", user=user, measure=measure, closure=Closure.REQUESTED)
    with transaction.atomic():
        _step(user=user, problem=measure.problem, measure=measure, kind=ClosureStepKind.REQUEST,
              opinion=_require(opinion, "申请说明"))
        return record_update(user=user, obj=measure, data={"closure": Closure.REQUESTED}, version=measure.version,
                             summary=f"申请销号：{measure}", request=request)


def ledger_measure_approve(*, user: Any, measure: Measure, opinion: str, version: int | None = None,
                           closure: str = Closure.CLOSED, request: Any = None) -> Measure:
    """销号 by a leader; `closure` VERIFYING: approved as 完成, 验收 to come (app verify)."""
    _check_leader(user, measure.unit, measure)
    if measure.status not in (MeasureStatus.DONE, MeasureStatus.LONG_TERM):
        raise ValidationError("措施尚未完成（状态须为“已完成”或“长期坚持”），不能销号。")
    if measure.closure == Closure.CLOSED:
        raise ValidationError("该措施已经销号。")
    _closure_checks("approve", user=user, measure=measure, closure=closure)
    with transaction.atomic():
        _step(user=user, problem=measure.problem, measure=measure, kind=ClosureStepKind.APPROVE,
              opinion=_require(opinion, "审批意见"))
        return record_update(user=user, obj=measure, data={"closure": closure,
                                                           "closed_at": timezone.localdate()},
                             version=measure.version if version is None else version, action=Action.APPROVE,
                             summary=f"批准销号：{measure}", request=request)


def ledger_measure_return(*, user: Any, measure: Measure, reason: str, request: Any = None) -> Measure:
    _check_returner(user, measure.unit, measure)
    if measure.closure not in (Closure.REQUESTED, Closure.VERIFYING, Closure.CLOSED) and \
            measure.status != MeasureStatus.DONE:
        raise ValidationError("只能退回已申请销号、已销号或已报完成的措施。")
    with transaction.atomic():
        _step(user=user, problem=measure.problem, measure=measure, kind=ClosureStepKind.RETURN,
              opinion=_require(reason, "退回理由"))
        data: dict[str, Any] = {"closure": Closure.RETURNED, "closed_at": None}
        if measure.status == MeasureStatus.DONE:
            data["status"] = MeasureStatus.IN_PROGRESS
        measure = record_update(user=user, obj=measure, data=data, version=measure.version, action=Action.RETURN,
                                summary=f"退回整改措施：{measure}（{reason}）", request=request)
        _reopen_if_closed(user=user, problem=measure.problem, reason=f"措施被退回：{reason}",
                          closure=Closure.RETURNED)
    return measure


def problem_open_items(problem: Problem) -> list[str]:
    """Why `problem` cannot be closed yet: measures neither closed nor 长期坚持, sub-problems not closed."""
    reasons = []
    if problem.is_leaf:
        measures = list(Measure.objects.filter(problem=problem))
        if not measures:
            reasons.append("该问题还没有整改措施。")
        for m in measures:
            if m.closure != Closure.CLOSED and m.status != MeasureStatus.LONG_TERM:
                reasons.append(f"措施“{m.text[:30]}”尚未销号。")
    else:
        for child in Problem.objects.filter(parent=problem):
            if not child.is_closed:
                reasons.append(f"具体问题（{child.order}）尚未销号。")
    return reasons


def ledger_problem_request_close(*, user: Any, problem: Problem, opinion: str, request: Any = None) -> Problem:
    _check_write(user, problem.unit, problem)
    if reasons := problem_open_items(problem):
        raise ValidationError("暂不能申请销号：" + "".join(reasons))
    with transaction.atomic():
        _step(user=user, problem=problem, measure=None, kind=ClosureStepKind.REQUEST,
              opinion=_require(opinion, "申请说明"))
        return record_update(user=user, obj=problem, data={"closure": Closure.REQUESTED}, version=problem.version,
                             summary=f"申请问题销号：{problem}", request=request)


def ledger_problem_approve(*, user: Any, problem: Problem, opinion: str, version: int | None = None,
                           request: Any = None) -> Problem:
    """销号 of a problem: a leader's opinion, and every measure closed or 长期坚持 (every part, if split)."""
    _check_leader(user, problem.unit, problem)
    if problem.is_closed:
        raise ValidationError("该问题已经销号。")
    if reasons := problem_open_items(problem):
        raise ValidationError("不能销号：" + "".join(reasons))
    with transaction.atomic():
        _step(user=user, problem=problem, measure=None, kind=ClosureStepKind.APPROVE,
              opinion=_require(opinion, "审批意见"))
        return record_update(user=user, obj=problem, data={"closure": Closure.CLOSED,
                                                           "closed_at": timezone.localdate()},
                             version=problem.version if version is None else version, action=Action.APPROVE,
                             summary=f"问题销号：{problem}", request=request)


def ledger_problem_return(*, user: Any, problem: Problem, reason: str, request: Any = None) -> Problem:
    _check_returner(user, problem.unit, problem)
    if problem.closure not in (Closure.REQUESTED, Closure.CLOSED):
        raise ValidationError("只能退回已申请销号或已销号的问题。")
    with transaction.atomic():
        _step(user=user, problem=problem, measure=None, kind=ClosureStepKind.RETURN,
              opinion=_require(reason, "退回理由"))
        problem = record_update(user=user, obj=problem, data={"closure": Closure.RETURNED, "closed_at": None},
                                version=problem.version, action=Action.RETURN,
                                summary=f"退回问题：{problem}（{reason}）", request=request)
        if problem.parent_id:
            _reopen_if_closed(user=user, problem=problem.parent, reason=f"具体问题被退回：{reason}",
                              closure=Closure.RETURNED)
    return problem


def _reopen_if_closed(*, user: Any, problem: Problem, reason: str, closure: str = Closure.OPEN) -> None:
    """A closed problem that gets new work is open again (and so is the problem it belongs to)."""
    problem = Problem.objects.get(pk=problem.pk)
    if problem.closure in (Closure.CLOSED, Closure.REQUESTED):
        record_update(user=user, obj=problem, data={"closure": closure, "closed_at": None}, version=problem.version,
                      summary=f"问题重新打开：{problem}（{reason}）")
    if problem.parent_id:
        _reopen_if_closed(user=user, problem=problem.parent, reason=reason, closure=closure)


# -- 回头看 -------------------------------------------------------------------------------------------
def ledger_follow_up_schedule(*, user: Any, problem: Problem, scheduled_date: dt.date,
                              request: Any = None) -> FollowUp:
    _check_write(user, problem.unit, problem)
    if not problem.is_closed:
        raise ValidationError("问题销号后才能安排“回头看”。")
    return record_create(user=user, obj=FollowUp(unit=problem.unit, problem=problem, scheduled_date=scheduled_date),
                         summary=f"安排回头看（{scheduled_date}）：{problem}", request=request)


def ledger_follow_up_record(*, user: Any, follow_up: FollowUp, result: str, finding: str,
                            done_date: dt.date | None = None, request: Any = None) -> FollowUp:
    """The finding of a 回头看. A relapse reopens the same problem (never a duplicate) for new measures."""
    _check_write(user, follow_up.unit, follow_up)
    if result not in (FollowUpResult.HELD, FollowUpResult.RELAPSED):
        raise ValidationError("请选择回头看结论：整改成果巩固，或问题反弹。")
    if follow_up.result != FollowUpResult.PENDING:
        raise ValidationError("这次回头看已经记录过结论。")
    not_in_future(done_date, what="开展日期", field="done_date", hint="请填写回头看实际开展的日期，留空为今天。")
    with transaction.atomic():
        follow_up = record_update(user=user, obj=follow_up, data={
            "result": result, "finding": _require(finding, "发现情况"), "done_date": done_date or timezone.localdate()},
            version=follow_up.version, summary=f"回头看结论：{FollowUpResult(result).label}", request=request)
        if result == FollowUpResult.RELAPSED:
            problem = Problem.objects.get(pk=follow_up.problem_id)
            _step(user=user, problem=problem, measure=None, kind=ClosureStepKind.REOPEN,
                  opinion=f"回头看发现问题反弹：{finding}")
            record_update(user=user, obj=problem, data={"closure": Closure.REOPENED, "closed_at": None,
                                                        "reopened_count": problem.reopened_count + 1},
                          version=problem.version, summary=f"回头看后重新整改：{problem}", request=request)
            if problem.parent_id:
                _reopen_if_closed(user=user, problem=problem.parent, reason="具体问题回头看反弹",
                                  closure=Closure.REOPENED)
    return follow_up


# -- 督办 ---------------------------------------------------------------------------------------------
def ledger_order_issue(*, user: Any, problem: Problem, content: str, due_date: dt.date,
                       measure: Measure | None = None, today: dt.date | None = None,
                       request: Any = None) -> SupervisionOrder:
    _check_supervisor(user, problem.unit, problem)
    if measure is not None and measure.problem_id != problem.pk:
        raise ValidationError("所选措施不属于该问题。")
    not_in_past(due_date, what="办理时限", field="due_date", today=today)
    return record_create(user=user, obj=SupervisionOrder(
        unit=problem.unit, problem=problem, measure=measure, issued_by=user, content=_require(content, "督办要求"),
        due_date=due_date), summary=f"督办：{problem}", request=request)


def ledger_order_answer(*, user: Any, order: SupervisionOrder, answer: str, request: Any = None) -> SupervisionOrder:
    _check_write(user, order.unit, order)
    if order.state == OrderState.CLOSED:
        raise ValidationError("该督办事项已办结。")
    return record_update(user=user, obj=order, data={"answer": _require(answer, "答复"), "state": OrderState.ANSWERED,
                                                     "answered_at": timezone.now()},
                         version=order.version, summary=f"答复督办：{order}", request=request)


def ledger_order_close(*, user: Any, order: SupervisionOrder, request: Any = None) -> SupervisionOrder:
    _check_supervisor(user, order.unit, order, what="办结督办")
    if order.state != OrderState.ANSWERED:
        raise ValidationError("被督办单位答复后才能办结。")
    return record_update(user=user, obj=order, data={"state": OrderState.CLOSED}, version=order.version,
                         summary=f"督办办结：{order}", request=request)


# -- maintenance ---------------------------------------------------------------------------------------
def ledger_sync_positions(*, unit: Unit | None = None) -> int:
    """Recompute Measure.position (it starts with the unit's tree path) after units were moved."""
    qs = Measure.with_deleted.select_related("unit", "aspect", "problem", "problem__parent")
    if unit is not None:
        qs = qs.filter(subtree_q(unit))
    changed = []
    for m in qs.iterator(chunk_size=2000):
        position = measure_position(m.unit, m.source_id, m.aspect.order, problem_key(m.problem), m.order)
        if position != m.position:
            m.position = position
            changed.append(m)
    Measure.with_deleted.bulk_update(changed, ["position"], batch_size=1000)
    return len(changed)
