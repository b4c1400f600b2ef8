"""Reopening a closed problem for rework (重新整改): the one way both a recurrence in the watch window and an
不属实 spot-check finding put an item back in the ledger — the same item, never a duplicate."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qinglian.audit.models import Action
from qinglian.ledger.models import Closure, ClosureStep, ClosureStepKind, Measure, MeasureStatus, Problem
from qinglian.lib.services import record_create, record_update

REOPENABLE = (Closure.CLOSED, Closure.VERIFYING, Closure.REQUESTED)


def family(problem: Problem) -> list[int]:
    """A problem and its sub-problems."""
    return [problem.pk, *Problem.objects.filter(parent=problem).values_list("pk", flat=True)]


def _reopen_problem(*, user: Any, problem: Problem, note: str, request: Any, step_measure: Measure | None = None,
                    always: bool = False) -> None:
    if not (always or problem.closure in REOPENABLE):
        return
    record_create(user=user, obj=ClosureStep(unit=problem.unit, problem=problem, measure=step_measure,
                                             kind=ClosureStepKind.REOPEN, opinion=note))
    data: dict[str, Any] = {"reopened_count": problem.reopened_count + 1}
    if always or problem.closure in REOPENABLE:  # the problem itself is 重新整改 even once its measures reopened
        data |= {"closure": Closure.REOPENED, "closed_at": None}
    record_update(user=user, obj=problem, data=data, version=problem.version, action=Action.RETURN,
                  request=request, summary=f"重新整改：{problem}")


def reopen_for_rework(*, user: Any, problem: Problem, measures: Sequence[Measure], note: str,
                      request: Any = None) -> int:
    """The measures back to 推进中 with closure 重新整改; the problem (always) and its closed sub-problems a
    REOPEN step each, reopened and counted in `reopened_count`; the problem it belongs to reopened. Returns
    how many measures were reopened. The caller holds the transaction."""
    reopened = 0
    for m in measures:
        if m.closure in REOPENABLE:
            record_update(user=user, obj=m, data={"closure": Closure.REOPENED, "closed_at": None,
                                                  "status": MeasureStatus.IN_PROGRESS},
                          version=m.version, action=Action.RETURN, request=request, summary=f"{note[:80]}：{m}")
            reopened += 1
    problem = Problem.objects.get(pk=problem.pk)  # reopening its measures may have moved it on
    _reopen_problem(user=user, problem=problem, note=note, request=request, always=True,
                    step_measure=measures[0] if len(measures) == 1 else None)
    for child in Problem.objects.filter(parent=problem):
        _reopen_problem(user=user, problem=child, note=note, request=request)
    if problem.parent_id:
        parent = Problem.objects.get(pk=problem.parent_id)
        if parent.closure in REOPENABLE:
            record_update(user=user, obj=parent, data={"closure": Closure.REOPENED, "closed_at": None},
                          version=parent.version, request=request, summary=f"具体问题重新整改，问题重新打开：{parent}")
    return reopened
