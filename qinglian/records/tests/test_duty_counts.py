"""The duty figures (责任清单事项, 当期待履行) are counted in one statement; they must always equal the duties their
trace lists, whatever the frequency, the evidence (a record of a kind, a record linked by hand, a deleted one,
one by a unit below) and the period (this year, a past year, a year not begun)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from qinglian.records.models import DutyListKind
from qinglian.records.services import activity_delete, duty_add, duty_link, duty_list_create
from qinglian.records.tests.helpers import kind, make_activity
from qinglian.stats import engine

TODAY = timezone.localdate()


def counts_and_traces(unit, date_from, date_to):
    figures = {f.kind: f.count for f in engine.figures(unit=unit, date_from=date_from, date_to=date_to, memo=False,
                                                       kinds=["duty."])}
    traces = {k: len(engine.records(unit=unit, date_from=date_from, date_to=date_to, kind=k))
              for k in ("duty.total", "duty.due")}
    return figures, traces


def test_duty_figures_equal_their_traces_in_every_case(world):
    year = TODAY.year
    made = {}
    for unit, owner, clerk in ((world.a, world.principal_a, world.clerk_a), (world.b, world.principal_b, world.clerk_b)):
        for y in (year - 1, year, year + 1):
            dl = duty_list_create(user=clerk, unit=unit, kind=DutyListKind.PRINCIPAL, year=y, owner=owner)
            for frequency in ("monthly", "quarterly", "half_yearly", "yearly"):
                made[(unit.pk, y, frequency)] = duty_add(
                    user=clerk, duty_list=dl, text=f"{frequency}专题研究", frequency=frequency,
                    kinds=[kind("party_group_meeting")] if frequency != "yearly" else [])
    # evidence: a meeting of A today and last December; a seminar linked by hand to A's yearly duty; a deleted
    # meeting of B; a meeting of A1 (below A: not A's evidence)
    make_activity(world.clerk_a, world.a, "party_group_meeting", TODAY)
    make_activity(world.clerk_a, world.a, "party_group_meeting", dt.date(year - 1, 12, 20))
    seminar = make_activity(world.clerk_a, world.a, "seminar", TODAY)
    duty_link(user=world.clerk_a, duty=made[(world.a.pk, year, "yearly")], activity=seminar, linked=True)
    gone = make_activity(world.clerk_b, world.b, "party_group_meeting", TODAY)
    activity_delete(user=world.clerk_b, activity=gone)
    make_activity(world.clerk_a, world.a1, "party_group_meeting", TODAY)

    periods = [(dt.date(year, 1, 1), TODAY), (dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31)),
               (dt.date(year - 1, 6, 1), dt.date(year - 1, 9, 30)), (dt.date(year + 1, 1, 1), dt.date(year + 1, 3, 31))]
    seen = set()
    for unit in (world.county, world.a, world.b, world.a1):
        for date_from, date_to in periods:
            figures, traces = counts_and_traces(unit, date_from, date_to)
            assert figures == traces, (unit.name, date_from, date_to)
            seen.add((figures["duty.total"], figures["duty.due"]))
    this_year_a, _ = counts_and_traces(world.a, dt.date(year, 1, 1), TODAY)
    assert this_year_a == {"duty.total": 4, "duty.due": 0}  # meetings today and the seminar linked by hand
    this_year_b, _ = counts_and_traces(world.b, dt.date(year, 1, 1), TODAY)
    assert this_year_b == {"duty.total": 4, "duty.due": 4}  # its only meeting was deleted
    assert len(seen) > 3  # the cases differ
