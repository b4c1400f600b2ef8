"""The duty-evidence pre-aggregate (`DutyEvidence`): for each duty and each period of its list's year, the first
day it was evidenced. Kept in the transaction of every write that can change it, rebuilt after bulk loads.

A refresh recomputes the rows of the duties given from the records (it never adds or subtracts), so a write
that moves a record between units, kinds, days or periods, deletes it or restores it is handled by refreshing
every duty the record evidenced before and after. Deleted duties and lists are refreshed too: restored, they are
right at once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection

from paperwork.calendar import periods_between
from qinglian.lib import sql
from qinglian.records.models import Activity, Duty, DutyEvidence, DutyList, Frequency

CHUNK = 500  # duty ids per statement (SQLite's bound-parameter limit)


def _insert_sql(periods: int, ids: int) -> str:
    """INSERT … SELECT of the first evidence day per duty and period, for the duties of one list year and one
    frequency (`ids` > 0: only those duties). The period of a day is a CASE over the year's periods, whose bounds
    are parameters: no date function, so SQLite and PostgreSQL run the same text."""
    t = sql.tables(Duty, DutyList, Activity, DutyEvidence)
    kinds, linked = Duty.kinds.through._meta.db_table, Duty.linked.through._meta.db_table
    whens = " ".join(f"WHEN a.happened_on <= %(e{i})s THEN %(s{i})s" for i in range(periods - 1))
    period = f"CASE {whens} ELSE %(s{periods - 1})s END" if whens else f"%(s{periods - 1})s"
    only = f" AND d.id IN ({', '.join(f'%(d{i})s' for i in range(ids))})" if ids else ""
    where = (f"a.deleted_at IS NULL AND l.year = %(year)s AND d.frequency = %(frequency)s "
             f"AND a.happened_on >= %(lo)s AND a.happened_on <= %(hi)s{only}")
    duties = f"{t['duty']} d JOIN {t['dutylist']} l ON l.id = d.duty_list_id"
    # identifiers from the models (lib.sql.tables), every value a bound parameter
    return f"""
        INSERT INTO {t['dutyevidence']} (duty_id, start, first_on)
        SELECT e.duty_id, e.start, MIN(e.day) FROM (
            SELECT d.id AS duty_id, {period} AS start, a.happened_on AS day FROM {duties}
            JOIN {kinds} k ON k.duty_id = d.id
            JOIN {t['activity']} a ON a.kind_id = k.activitykind_id AND a.unit_id = l.unit_id
            WHERE {where}
            UNION ALL
            SELECT d.id, {period}, a.happened_on FROM {duties}
            JOIN {linked} x ON x.duty_id = d.id JOIN {t['activity']} a ON a.id = x.activity_id
            WHERE {where}
        ) e GROUP BY e.duty_id, e.start"""  # nosec B608


def _insert(year: int, frequency: str, ids: Sequence[int] = ()) -> None:
    periods = periods_between(dt.date(year, 1, 1), dt.date(year, 12, 31), frequency)
    params: dict[str, Any] = {"year": year, "frequency": frequency, "lo": sql.day(periods[0].start),
                              "hi": sql.day(periods[-1].end)}
    for i, p in enumerate(periods):
        params |= {f"s{i}": sql.day(p.start), f"e{i}": sql.day(p.end)}
    params |= {f"d{i}": pk for i, pk in enumerate(ids)}
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(len(periods), len(ids)), params)


def duty_evidence_refresh(duty_ids: Iterable[int]) -> None:
    """Recompute the pre-aggregate of these duties from the records. Call inside the write's transaction: the
    duties are locked first, so two writes evidencing one duty at once refresh it one after the other (each
    then reads what the other committed)."""
    ids = sorted(set(duty_ids))
    if not ids:
        return
    groups: dict[tuple[int, str], list[int]] = defaultdict(list)
    for i in range(0, len(ids), CHUNK):
        rows = (Duty.with_deleted.select_for_update(of=("self",)).filter(pk__in=ids[i:i + CHUNK]).order_by("pk")
                .values_list("pk", "duty_list__year", "frequency"))
        for pk, year, frequency in rows:
            groups[(year, frequency)].append(pk)
        DutyEvidence.objects.filter(duty_id__in=ids[i:i + CHUNK]).delete()
    for (year, frequency), pks in groups.items():
        for i in range(0, len(pks), CHUNK):
            _insert(year, frequency, pks[i:i + CHUNK])


def duties_evidenced_by(activities: Iterable[Activity]) -> set[int]:
    """The duties (deleted ones too) that these activities evidence, or may: those of their units' lists of their
    years with one of their kinds, and those they are linked to by hand."""
    activities = list(activities)
    units = {a.unit_id for a in activities}
    years = {a.happened_on.year for a in activities}
    kinds = {a.kind_id for a in activities}
    found = set(Duty.with_deleted.filter(duty_list__unit_id__in=units, duty_list__year__in=years, kinds__in=kinds)
                .values_list("pk", flat=True))
    ids = [a.pk for a in activities if a.pk]
    for i in range(0, len(ids), CHUNK):
        found |= set(Duty.linked.through.objects.filter(activity_id__in=ids[i:i + CHUNK])
                     .values_list("duty_id", flat=True))
    return found


def duty_evidence_rebuild() -> int:
    """Recompute the whole pre-aggregate from the records (after bulk loads): one statement per list year and
    frequency."""
    DutyEvidence.objects.all().delete()
    for year in DutyList.with_deleted.order_by().values_list("year", flat=True).distinct():
        for frequency in Frequency.values:
            _insert(year, frequency)
    return DutyEvidence.objects.count()
