"""The duty-evidence pre-aggregate stays exact through every write a clerk can make: records created, moved
between units, kinds, days and years, deleted, restored and imported; duties re-timed and re-kinded; records
linked and unlinked by hand. After each write it equals a rebuild from the records, and at the end the duty
figures equal the duties their traces list (which read the records, not the pre-aggregate) on every day asked."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from qinglian.lib.testing import make_user
from qinglian.org.models import Person, Role
from qinglian.records.evidence import duty_evidence_rebuild
from qinglian.records.models import Activity, Duty, DutyEvidence, DutyListKind, Frequency
from qinglian.records.services import (
    ActivityInput,
    activities_import,
    activity_delete,
    activity_restore,
    activity_update,
    duty_add,
    duty_link,
    duty_list_create,
    duty_update,
)
from qinglian.records.tests.helpers import kind, make_activity
from qinglian.records.tests.test_duty_counts import counts_and_traces

TODAY = timezone.localdate()
KINDS = ("party_group_meeting", "seminar", "collective_study")


def rows() -> set[tuple[int, dt.date, dt.date]]:
    return set(DutyEvidence.objects.values_list("duty_id", "start", "first_on"))


def rebuilt() -> set[tuple[int, dt.date, dt.date]]:
    with transaction.atomic():
        duty_evidence_rebuild()
        found = rows()
        transaction.set_rollback(True)
    return found


def test_pre_aggregate_equals_the_records_after_every_write(world):
    rng = random.Random(19)
    year = TODAY.year
    clerk = make_user("county_clerk", Role.CLERK, world.county)
    units = [world.a, world.b, world.a1]
    duties = []
    for unit in units:
        for y in (year - 1, year):
            dl = duty_list_create(user=clerk, unit=unit, kind=DutyListKind.PARTY_ORG, year=y, owner=None)
            for frequency in Frequency.values:
                duties.append(duty_add(user=clerk, duty_list=dl, text=f"{frequency}事项", frequency=frequency,
                                       kinds=[kind(rng.choice(KINDS))]))

    def day() -> dt.date:
        return dt.date(year - 1, 1, 1) + dt.timedelta(days=rng.randrange((TODAY - dt.date(year - 1, 1, 1)).days + 1))

    def data(a: Activity | None = None, **changes) -> ActivityInput:
        unit = changes.get("unit", a.unit if a else rng.choice(units))
        return ActivityInput(unit=unit, kind=changes.get("kind", a.kind if a else kind(rng.choice(KINDS))),
                             happened_on=changes.get("happened_on", a.happened_on if a else day()), topic="专题会议",
                             participants=list(Person.objects.filter(unit=unit)[:1]))

    made = [make_activity(clerk, rng.choice(units), rng.choice(KINDS), day()) for _ in range(12)]
    assert rows() == rebuilt() and rows()
    ops = []
    for step in range(70):
        op = rng.choice(["create", "move_unit", "change_kind", "change_day", "delete", "restore", "link", "unlink",
                         "retime", "rekind", "import"])
        a = Activity.with_deleted.get(pk=rng.choice(made).pk)
        duty = Duty.objects.get(pk=rng.choice(duties).pk)
        if op == "create":
            made.append(make_activity(clerk, rng.choice(units), rng.choice(KINDS), day()))
        elif op.startswith(("move", "change")) and a.deleted_at is None:
            change = {"move_unit": {"unit": rng.choice(units)}, "change_kind": {"kind": kind(rng.choice(KINDS))},
                      "change_day": {"happened_on": day()}}[op]
            activity_update(user=clerk, activity=a, data=data(a, **change), version=a.version)
        elif op == "delete" and a.deleted_at is None:
            activity_delete(user=clerk, activity=a)
        elif op == "restore" and a.deleted_at is not None:
            activity_restore(user=clerk, activity=a)
        elif op in ("link", "unlink") and a.deleted_at is None:
            duty_link(user=clerk, duty=duty, activity=a, linked=op == "link")
        elif op in ("retime", "rekind"):
            frequency = rng.choice(Frequency.values) if op == "retime" else duty.frequency
            kinds = [kind(k) for k in rng.sample(KINDS, rng.randrange(3))] if op == "rekind" else list(duty.kinds.all())
            duty_update(user=clerk, duty=duty, text=duty.text, frequency=frequency, kinds=kinds, version=duty.version)
        elif op == "import":
            made += activities_import(user=clerk, rows=[data() for _ in range(3)])
        else:
            continue
        ops.append(op)
        assert rows() == rebuilt(), (step, op)
    assert len(set(ops)) == 11  # every kind of write was tried

    days = sorted({dt.date(y, m, d) for y in (year - 1, year) for m in range(1, 13) for d in (1, 15, 28)
                   if dt.date(y, m, d) <= TODAY} | {TODAY})
    seen = set()
    for unit in (world.county, *units):
        for date_to in [*days[::3], TODAY]:
            figures, traces = counts_and_traces(unit, dt.date(date_to.year, 1, 1), date_to)
            assert figures == traces, (unit.name, date_to)
            seen.add(figures["duty.due"])
    assert len(seen) > 3  # the days asked differ in what is due
