"""Builders of the province benchmark set, shared by the benches (bench_stats, bench_dashboard, bench_appraisal,
bench_province): bulk inserts (COPY on PostgreSQL, executemany on SQLite, bulk_create elsewhere), never the
services one row at a time. Each builder takes the units it fills, so a bench can put more data in the other
subtrees than in the one it asks about. Also the small helpers the benches share: a session cookie for the
load generator and a query counter."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection

YEAR = 2025
TODAY = dt.date(2026, 11, 23)
STATUSES = ["not_started", "in_progress", "in_progress", "done", "long_term"]
# how often each kind happens in a unit's year (relative): meetings and study dominate, talks in 人次
KIND_WEIGHTS = {
    "party_group_meeting": 24, "central_group_study": 12, "collective_study": 8, "branch_committee_meeting": 10,
    "party_members_meeting": 3, "democratic_life_meeting": 1, "organizational_life_meeting": 1, "seminar": 3,
    "integrity_lecture": 2, "party_lecture": 1, "study_class": 1, "heart_to_heart_talk": 4,
    "integrity_reminder_talk": 3, "admonition_talk": 1, "pre_appointment_talk": 1, "key_post_talk": 1,
    "warning_education": 2, "warning_film": 2, "education_base_visit": 1, "court_hearing": 0.3, "training": 2,
    "inspection": 2, "integrity_sms": 3, "rules_made": 1, "integrity_certificate": 1,
}
UNIT_WEIGHTS = {"department": 4, "town": 5, "organ": 2, "county": 2, "city": 2, "province": 2, "office": 1,
                "branch": 1}


def postgres() -> bool:
    return connection.vendor == "postgresql"


def activities(records: int, units: list[tuple[int, str]] | None = None, seed: int = 4) -> None:
    """`records` activities in YEAR over `units` ((id, kind) pairs; default every unit), weighted by the
    unit's kind, in (unit, day) order: COPY on PostgreSQL, executemany in big transactions on SQLite."""
    from qinglian.records.models import ActivityKind

    rng = random.Random(seed)
    kinds = {k.code: k for k in ActivityKind.objects.all()}
    kind_codes = list(KIND_WEIGHTS)
    kind_ids = [kinds[c].pk for c in kind_codes]
    persons = {kinds[c].pk for c in kind_codes if kinds[c].counts_persons}
    if units is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, kind FROM org_unit")
            units = cursor.fetchall()
    unit_ids = [u for u, _ in units]
    unit_w = [UNIT_WEIGHTS.get(k, 1) for _, k in units]
    days = [dt.date(YEAR, 1, 1) + dt.timedelta(days=i) for i in range(365)]
    now = dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.UTC)
    # entry moments: most within a few days, about 6 % weeks later (补录)
    lags = [0, 1, 2, 3, 4, 5, 40, 55, 70, 90]
    entered = {(i, lag): dt.datetime.combine(days[i] + dt.timedelta(days=lag), dt.time(10), tzinfo=dt.UTC)
               for i in range(len(days)) for lag in lags}
    late = {lag: lag > 30 for lag in lags}
    kind_w = [KIND_WEIGHTS[c] for c in kind_codes]
    u = rng.choices(unit_ids, unit_w, k=records)
    k = rng.choices(kind_ids, kind_w, k=records)
    d = [rng.randrange(365) for _ in range(records)]
    lag_pick = rng.choices(lags, [16, 16, 16, 16, 15, 15, 1.5, 1.5, 1.5, 1.5], k=records)
    rows = [(now, now, u[i], k[i], days[d[i]], "纪实记录", entered[(d[i], lag_pick[i])], late[lag_pick[i]],
             rng.randint(1, 8) if k[i] in persons else 1) for i in range(records)]
    rows.sort(key=lambda r: (r[2], r[4]))  # in (unit, day) order: index pages fill in order
    columns = ("created_at, updated_at, version, unit_id, kind_id, happened_on, topic, minutes, entered_at, late, weight, "
               "security_label")
    if postgres():
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY records_activity ({columns}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row((r[0], r[1], 1, r[2], r[3], r[4], r[5], "", r[6], r[7], r[8], "internal"))
        return
    connection.close()  # the bulk load goes through its own connection to the file
    con = sqlite3.connect(connection.settings_dict["NAME"])
    con.execute("PRAGMA cache_size=-400000")  # a bulk load: keep the indexes in memory while they grow
    con.execute("PRAGMA synchronous=OFF")
    text = [(r[0].strftime("%Y-%m-%d %H:%M:%S"), r[1].strftime("%Y-%m-%d %H:%M:%S"), r[2], r[3], r[4].isoformat(), r[5],
             r[6].isoformat(sep=" "), int(r[7]), r[8]) for r in rows]
    sql = (f"INSERT INTO records_activity ({columns}) VALUES (?, ?, 1, ?, ?, ?, ?, '', ?, ?, ?, 'internal')")
    for start in range(0, records, 200_000):
        with con:
            con.executemany(sql, text[start:start + 200_000])
    con.execute("ANALYZE")
    con.commit()
    con.close()


def measures(count: int, units: list[Any] | None = None, seed: int = 2026) -> None:
    """One source, aspect and problem a unit; `count` measures spread over the units, deadlines around TODAY."""
    from qinglian.ledger.models import Aspect, Measure, Problem, Source, measure_position
    from qinglian.org.models import Unit

    rng = random.Random(seed)
    units = units if units is not None else list(Unit.objects.order_by("path"))
    sources = Source.objects.bulk_create([Source(unit=u, kind="inspection", issued_by="省委第一巡视组", version=1,
                                                 feedback_date=dt.date(2026, 1, 10)) for u in units], batch_size=2000)
    aspects = Aspect.objects.bulk_create([Aspect(source=s, unit_id=s.unit_id, title="方面", order=1) for s in sources],
                                         batch_size=2000)
    problems = Problem.objects.bulk_create([Problem(aspect=a, source_id=a.source_id, unit_id=a.unit_id,
                                                    text=f"问题{a.pk}", order=1) for a in aspects], batch_size=2000)
    by_unit = {u.pk: u for u in units}
    batch = []
    for i in range(count):
        p = problems[i % len(problems)]
        status = rng.choice(STATUSES)
        batch.append(Measure(problem=p, aspect_id=p.aspect_id, source_id=p.source_id, unit_id=p.unit_id, order=i,
                             text=f"措施{i}", status=status,
                             closure="closed" if status == "done" and rng.random() < 0.7 else "open",
                             deadline=TODAY + dt.timedelta(days=rng.randint(-300, 200)),
                             position=measure_position(by_unit[p.unit_id], p.source_id, 1, "0001.0000", i)))
        if len(batch) >= 5000:
            Measure.objects.bulk_create(batch)
            batch = []
    Measure.objects.bulk_create(batch)


def letters_and_duties(units: list[Any], year: int = 2026, seed: int = 7) -> None:
    """A responsibility letter (most signed) and a quarterly duty (most quarters evidenced) for each unit."""
    from qinglian.records.models import Activity, ActivityKind, Duty, DutyList, Letter

    rng = random.Random(seed)
    kind = ActivityKind.objects.order_by("pk").first()
    Letter.objects.bulk_create([Letter(kind="responsibility", year=year, issuer_id=u.parent_id or u.pk, unit=u,
                                       signed_on=dt.date(year, 2, 20) if rng.random() < 0.9 else None)
                                for u in units], batch_size=2000)
    lists = DutyList.objects.bulk_create([DutyList(unit=u, kind="party_org", year=year) for u in units],
                                         batch_size=2000)
    duties = Duty.objects.bulk_create([Duty(duty_list=d, text="每季度专题研究党风廉政建设", frequency="quarterly")
                                       for d in lists], batch_size=2000)
    Duty.kinds.through.objects.bulk_create([Duty.kinds.through(duty_id=d.pk, activitykind_id=kind.pk)
                                            for d in duties], batch_size=5000)
    Activity.objects.bulk_create([Activity(unit=u, kind=kind, topic="专题研究", happened_on=dt.date(year, q * 3 - 1, 10))
                                  for u in units for q in (1, 2, 3) if rng.random() < 0.8], batch_size=5000)


def publications(units: list[Any], per_unit: int = 2, seed: int = 11) -> None:
    """`per_unit` pieces a unit in YEAR on the seeded outlets, most adopted."""
    from qinglian.publicity.models import Outlet, Publication

    rng = random.Random(seed)
    outlets = list(Outlet.objects.values_list("pk", flat=True))
    Publication.objects.bulk_create([
        Publication(unit=u, title=f"{u.name}廉政宣传稿{i + 1}", outlet_id=rng.choice(outlets),
                    published_on=dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randrange(365)),
                    adopted=rng.random() < 0.8) for u in units for i in range(per_unit)], batch_size=5000)


def copies_outside(model: Any, times: int, path: str, end: str) -> int:
    """PostgreSQL: `times` more copies of each of `model`'s rows whose unit lies outside the subtree
    [path, end), in one INSERT … SELECT (the same rows again, in the other subtrees only). Returns the rows added."""
    table = model._meta.db_table
    columns = [connection.ops.quote_name(f.column) for f in model._meta.concrete_fields if not f.primary_key]
    names = ", ".join(columns)
    picked = ", ".join(f"t.{c}" for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({names}) SELECT {picked} FROM {table} t "  # nosec B608 (model metadata)
                       f"JOIN org_unit u ON u.id = t.unit_id CROSS JOIN generate_series(1, %s) "
                       f"WHERE NOT (u.path >= %s AND u.path < %s)", [times, path, end])
        return int(cursor.rowcount)


def session_cookie(user: Any) -> str:
    """The Cookie header of a signed-in session (both factors) for the load generator."""
    from django.test import Client

    from qinglian.lib.testing import login

    client = Client()
    login(client, user)
    return f"sessionid={client.cookies['sessionid'].value}"


def queries(fn: Callable[[], object]) -> list[str]:
    """The SQL statements one call of `fn` runs."""
    seen: list[str] = []

    def counted(run, sql, *rest):  # type: ignore[no-untyped-def]
        seen.append(sql)
        return run(sql, *rest)

    with connection.execute_wrapper(counted):
        fn()
    return seen


def ids_and_kinds(units: Iterable[Any]) -> list[tuple[int, str]]:
    return [(u.pk, u.kind) for u in units]
