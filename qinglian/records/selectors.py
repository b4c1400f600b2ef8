"""Reads on 全程纪实 that need more than one queryset: duty status (已履行/待履行) and letter signing status.

A duty is evidenced in a period by a record of one of its kinds by its list's unit in that period, or by a
record a clerk linked to it by hand. A duty of this year with no evidence in its current period is due.
Both are computed for many duties at once in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Q, QuerySet

from paperwork.calendar import Period, period_containing, periods_between
from qinglian.org.models import Unit
from qinglian.records.models import Activity, Duty, Letter


@dataclass(frozen=True)
class DutyStatus:
    duty: Duty
    period: Period  # the period judged: the current one for this year's lists, else the list's last one
    done: bool
    last_on: dt.date | None  # latest evidence up to the judged day

    @property
    def due(self) -> bool:
        return not self.done


def judged_period(duty: Duty, as_of: dt.date) -> tuple[Period, dt.date]:
    """The period a duty is judged in on `as_of`, and the last day counted (never after `as_of`)."""
    year = duty.duty_list.year
    day = as_of if as_of.year == year else dt.date(year, 12, 31)
    if day > as_of:  # a list of a future year: its first period, nothing counted yet
        day = dt.date(year, 1, 1)
    return period_containing(day, duty.frequency), min(day, as_of)


def duty_statuses(duties: Sequence[Duty], as_of: dt.date) -> list[DutyStatus]:
    """Status of each duty on `as_of`, in three queries whatever the number of duties.

    `duties` must come with `duty_list` selected and `kinds` prefetched.
    """
    if not duties:
        return []
    judged = {d.pk: judged_period(d, as_of) for d in duties}
    start = min(p.start for p, _ in judged.values())
    end = max(last for _, last in judged.values())
    unit_ids = {d.duty_list.unit_id for d in duties}
    kind_ids = {k.pk for d in duties for k in d.kinds.all()}
    # Days with records per (unit, kind): duties of one unit are judged in different periods.
    days_of: dict[tuple[int, int], list[dt.date]] = defaultdict(list)
    rows = (Activity.objects.filter(unit_id__in=unit_ids, kind_id__in=kind_ids, happened_on__gte=start,
                                    happened_on__lte=end)
            .order_by().values_list("unit_id", "kind_id", "happened_on").distinct())
    for unit_id, kind_id, day in rows:
        days_of[(unit_id, kind_id)].append(day)
    linked: dict[int, list[dt.date]] = defaultdict(list)
    through = Duty.linked.through
    for duty_id, day in (through.objects.filter(duty_id__in=list(judged), activity__deleted_at__isnull=True,
                                                activity__happened_on__gte=start, activity__happened_on__lte=end)
                         .values_list("duty_id", "activity__happened_on")):
        linked[duty_id].append(day)
    result = []
    for duty in duties:
        period, last_day = judged[duty.pk]
        days = [d for k in duty.kinds.all() for d in days_of.get((duty.duty_list.unit_id, k.pk), [])]
        days += linked.get(duty.pk, [])
        inside = [d for d in days if period.start <= d <= last_day]
        result.append(DutyStatus(duty=duty, period=period, done=bool(inside), last_on=max(inside, default=None)))
    return result


def duty_evidence(duty: Duty, as_of: dt.date, user: Any = None) -> list[tuple[Period, list[Activity]]]:
    """Each period of the duty's year up to `as_of`, with the records that evidence it (newest period first);
    with `user`, only the records of the labels within the user's clearance (the duty's status still counts
    them all)."""
    from qinglian.lib.models import label_q

    year = duty.duty_list.year
    last = min(dt.date(year, 12, 31), as_of)
    if last < dt.date(year, 1, 1):
        return []
    periods = periods_between(dt.date(year, 1, 1), last, duty.frequency)
    kind_ids = [k.pk for k in duty.kinds.all()]
    records = list(
        Activity.objects.filter(Q(unit_id=duty.duty_list.unit_id, kind_id__in=kind_ids) | Q(linked_duties=duty),
                                happened_on__gte=periods[0].start, happened_on__lte=last)
        .filter(Q() if user is None else label_q(Activity, getattr(user, "clearance", "")))
        .select_related("kind", "unit").distinct().order_by("happened_on", "id"))
    return [(p, [r for r in records if p.start <= r.happened_on <= p.end]) for p in reversed(periods)]


def duties_in(root: Unit, year: int) -> QuerySet[Duty]:
    from qinglian.org.scoping import subtree_q

    return (Duty.objects.filter(subtree_q(root, "duty_list__unit"), duty_list__year=year,
                                duty_list__deleted_at__isnull=True)
            .select_related("duty_list", "duty_list__unit", "duty_list__owner").prefetch_related("kinds"))


@dataclass(frozen=True)
class SigningRow:
    letter: Letter
    party: str  # the sub-unit's name or the member's name and post


def signing_status(issuer: Unit, year: int, kind: str) -> list[SigningRow]:
    letters = (Letter.objects.filter(issuer=issuer, year=year, kind=kind)
               .select_related("unit", "signatory").order_by("to_member", "unit__path", "signatory__order", "id"))
    rows = []
    for letter in letters:
        if letter.to_member and letter.signatory_id:
            party = f"{letter.signatory.name}（{letter.signatory.post}）" if letter.signatory.post else letter.signatory.name
        else:
            party = letter.unit.name
        rows.append(SigningRow(letter=letter, party=party))
    return rows


def subtree_signing(root: Unit, year: int) -> dict[str, Any]:
    """Totals of signed/unsigned letters of `year` across the subtree, by kind."""
    from django.db.models import Count

    from qinglian.org.scoping import subtree_q

    rows = (Letter.objects.filter(subtree_q(root), year=year).order_by().values("kind")
            .annotate(total=Count("id"), signed=Count("id", filter=Q(signed_on__isnull=False))))
    return {r["kind"]: {"total": r["total"], "signed": r["signed"], "unsigned": r["total"] - r["signed"]}
            for r in rows}


def latest_activity_day(unit: Unit) -> dt.date | None:
    return Activity.objects.filter(unit=unit).aggregate(m=Max("happened_on"))["m"]
