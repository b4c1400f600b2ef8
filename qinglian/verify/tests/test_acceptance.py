"""完成 → 验收 of a 巡察 item: evidence and the 真实性承诺 first; 验收 never by the account that approved 完成 nor
by the 责任人; until 验收 the item is 已完成待验收 and not closed, in the ledger and in its figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qinglian.audit.models import AuditEntry
from qinglian.ledger.models import Closure, Measure
from qinglian.ledger.selectors import ledger_counts
from qinglian.ledger.services import ledger_measure_approve, ledger_measure_request_close
from qinglian.verify.models import Acceptance, AcceptanceMode, AcceptanceState
from qinglian.verify.rules import acceptance_required
from qinglian.verify.services.acceptance import (
    verify_measure_accept,
    verify_measure_complete,
    verify_measure_reject,
)
from qinglian.verify.services.units import verify_rules_set
from qinglian.verify.stats import verify_counts

YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def test_completion_then_acceptance_by_another_account(v) -> None:
    w = v.w
    m = v.done(v.measure())
    assert acceptance_required(m)
    ledger_measure_request_close(user=w.clerk_a, measure=m, opinion="已完成，申请销号")
    m = Measure.objects.get(pk=m.pk)

    # the ledger's one-step approval is refused for a 巡察 item; 完成 needs the 真实性承诺
    with pytest.raises(ValidationError, match="须经验收"):
        ledger_measure_approve(user=w.leader_a, measure=m, opinion="同意销号")
    with pytest.raises(ValidationError, match="真实性承诺"):
        verify_measure_complete(user=w.leader_a, measure=m, opinion="同意", pledge=False)
    acceptance = verify_measure_complete(user=w.leader_a, measure=m, opinion="经审核材料齐全", pledge=True)
    m = Measure.objects.get(pk=m.pk)
    assert m.closure == Closure.VERIFYING and m.get_closure_display() == "已完成待验收"
    assert acceptance.pledge and acceptance.completed_by == w.leader_a
    counts = ledger_counts(w.county, *YEAR)
    assert counts["closed"] == 0 and verify_counts(w.county, *YEAR)["awaiting"] == 1
    with pytest.raises(ValidationError, match="等待验收"):
        ledger_measure_approve(user=w.leader_a, measure=m, opinion="再批一次")

    # not the account that approved 完成, not the 责任人, not the leader of another portfolio
    with pytest.raises(PermissionDenied, match="批准完成以外"):
        verify_measure_accept(user=w.leader_a, measure=m, opinion="通过")
    owned = v.done(v.measure(text="建立财务审核台账", owner=v.w.staff_a))
    owner_leader_measure = v.done(v.measure(text="规范报销流程", owner=v.owner_leader.person))
    for x in (owned, owner_leader_measure):
        ledger_measure_request_close(user=w.clerk_a, measure=x, opinion="申请")
    verify_measure_complete(user=v.member_leader, measure=Measure.objects.get(pk=owner_leader_measure.pk),
                            opinion="同意", pledge=True)
    with pytest.raises(PermissionDenied, match="责任人不能验收"):
        verify_measure_accept(user=v.owner_leader, measure=Measure.objects.get(pk=owner_leader_measure.pk),
                              opinion="通过")
    with pytest.raises(PermissionDenied, match="只有分管领导"):
        verify_measure_accept(user=w.clerk_a, measure=m, opinion="通过")
    assert AuditEntry.objects.filter(action="refused", summary__contains="责任人不能验收").exists()

    # the leader in charge accepts: 销号, its date the day 完成 was approved; the watch window opens
    done = verify_measure_accept(user=v.member_leader, measure=m, opinion="书面审核通过", today=dt.date(2026, 7, 1))
    m = Measure.objects.get(pk=m.pk)
    assert m.closure == Closure.CLOSED and m.closed_at == acceptance.completed_on
    assert done.state == AcceptanceState.ACCEPTED and done.watch_until == dt.date(2027, 1, 1)
    assert ledger_counts(w.county, *YEAR)["closed"] == 0  # the problem itself is not yet closed off
    assert verify_counts(w.county, *YEAR)["awaiting"] == 1  # owner_leader_measure still waits


def test_the_issuing_office_accepts_and_a_refusal_returns_the_item(v) -> None:
    w = v.w
    m = v.done(v.measure())
    ledger_measure_request_close(user=w.clerk_a, measure=m, opinion="申请")
    verify_measure_complete(user=v.member_leader, measure=Measure.objects.get(pk=m.pk), opinion="同意", pledge=True)
    # the leader in charge approved 完成 here: the office's supervisor checks, not a supervisor of elsewhere
    with pytest.raises(PermissionDenied):
        verify_measure_accept(user=w.supervisor, measure=Measure.objects.get(pk=m.pk), opinion="通过")
    refused = verify_measure_reject(user=v.office_supervisor, measure=Measure.objects.get(pk=m.pk),
                                    reason="抽查发现制度未实际执行")
    m = Measure.objects.get(pk=m.pk)
    assert refused.state == AcceptanceState.REFUSED
    assert m.closure == Closure.RETURNED and m.status == "in_progress" and m.closed_at is None


def test_evidence_is_needed_and_rules_switch_acceptance(v) -> None:
    w = v.w
    bare = v.done(v.measure(), with_file=False)
    with pytest.raises(ValidationError, match="证明材料"):
        ledger_measure_request_close(user=w.clerk_a, measure=bare, opinion="申请")
    with pytest.raises(ValidationError, match="证明材料"):
        verify_measure_complete(user=w.leader_a, measure=bare, opinion="同意", pledge=True)

    # the county may say: no 验收 for its units; then the leader's approval closes at once
    county_leader = type(w.leader_a).objects.create(username="county_leader", role="leader", unit=w.county)
    verify_rules_set(user=county_leader, unit=w.county, acceptance=AcceptanceMode.NONE, watch_months=6)
    bare = Measure.objects.get(pk=bare.pk)
    assert not acceptance_required(bare)
    ledger_measure_approve(user=w.leader_a, measure=bare, opinion="同意销号")
    assert Measure.objects.get(pk=bare.pk).closure == Closure.CLOSED
    assert not Acceptance.objects.exists()
    with pytest.raises(PermissionDenied):
        verify_rules_set(user=w.clerk_a, unit=w.a, acceptance=AcceptanceMode.ALL, watch_months=6)


def test_no_new_progress_while_waiting_for_acceptance(v) -> None:
    from qinglian.ledger.services import ledger_progress_add

    m = v.done(v.measure())
    ledger_measure_request_close(user=v.w.clerk_a, measure=m, opinion="申请")
    verify_measure_complete(user=v.w.leader_a, measure=Measure.objects.get(pk=m.pk), opinion="同意", pledge=True)
    with pytest.raises(ValidationError, match="等待验收"):
        ledger_progress_add(user=v.w.clerk_a, measure=Measure.objects.get(pk=m.pk), text="又改回推进中",
                            status_after="in_progress")
    assert Measure.objects.get(pk=m.pk).status == "done"
