"""A recurrence within the watch window reopens the same problem and its measures (never a new problem);
after the window it is refused with what to do instead."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from qinglian.ledger.models import Closure, ClosureStep, Measure, Problem
from qinglian.ledger.services import ledger_measure_request_close, ledger_problem_approve
from qinglian.verify.models import Recurrence
from qinglian.verify.services.acceptance import (
    verify_measure_accept,
    verify_measure_complete,
    verify_recurrence,
)

ACCEPTED = dt.date(2026, 7, 1)


def _accepted(v) -> Measure:
    w = v.w
    m = v.done(v.measure())
    ledger_measure_request_close(user=w.clerk_a, measure=m, opinion="申请")
    verify_measure_complete(user=w.leader_a, measure=Measure.objects.get(pk=m.pk), opinion="同意", pledge=True)
    verify_measure_accept(user=v.member_leader, measure=Measure.objects.get(pk=m.pk), opinion="通过", today=ACCEPTED)
    ledger_problem_approve(user=w.leader_a, problem=Problem.objects.get(pk=v.problem.pk), opinion="同意问题销号")
    return Measure.objects.get(pk=m.pk)


def test_recurrence_within_the_window_reopens_the_same_item(v) -> None:
    m = _accepted(v)
    assert Problem.objects.get(pk=v.problem.pk).closure == Closure.CLOSED
    problems = Problem.objects.count()
    with pytest.raises(ValidationError, match="复发情况"):
        verify_recurrence(user=v.office_supervisor, problem=v.problem, note="", today=dt.date(2026, 12, 1))
    r = verify_recurrence(user=v.office_supervisor, problem=v.problem, note="12月抽查又发现违规报销差旅费",
                          today=dt.date(2026, 12, 1))
    assert Problem.objects.count() == problems  # never a duplicate
    p, m = Problem.objects.get(pk=v.problem.pk), Measure.objects.get(pk=m.pk)
    assert p.closure == Closure.REOPENED and p.reopened_count == 1 and p.closed_at is None
    assert m.closure == Closure.REOPENED and m.status == "in_progress" and m.closed_at is None
    assert r.measures_reopened == 1 and r.watch_until == dt.date(2027, 1, 1)
    assert ClosureStep.objects.filter(problem=p, kind="reopen", opinion__contains="违规报销差旅费").exists()
    assert list(Recurrence.objects.filter(problem=p)) == [r]


def test_outside_the_window_it_is_refused(v) -> None:
    _accepted(v)
    with pytest.raises(ValidationError, match="观察期已于2027年1月1日结束：此后再发现的同类问题，请作为新问题录入台账"):
        verify_recurrence(user=v.w.clerk_a, problem=v.problem, note="又发现", today=dt.date(2027, 1, 2))
    assert Problem.objects.get(pk=v.problem.pk).closure == Closure.CLOSED
    assert not Recurrence.objects.exists()


def test_not_yet_accepted_there_is_no_window(v) -> None:
    v.measure()
    with pytest.raises(ValidationError, match="尚未验收"):
        verify_recurrence(user=v.w.clerk_a, problem=v.problem, note="又发现", today=dt.date(2026, 8, 1))
