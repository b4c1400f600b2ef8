"""Statistics engine at province scale: 10,000 units, 1,000,000 activity records in one year.

Builds its own data in a temporary SQLite database; prints figures; changes nothing else.
    .venv/bin/python bench/bench_stats.py [--records 1000000] [--units 10000] [--seconds 20]

Prints, for a county subtree and for the root: p50/p95 of `stats.engine.figures()` (no record lists), the
ratio to the hand-written GROUP BY over the same scope run directly with the database's driver, and the JSON endpoint's
throughput under a bounded loopback load (8 connections, 20 s) against gunicorn with 2 threaded workers (as `qinglian serve`).
Targets (SQLite): county < 10 ms p95, root < 200 ms p95, ratio ≤ 1.5, ≥ 300 req/s; PostgreSQL the same or
better (`make bench` runs it again under scripts/with-postgres.sh).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# QINGLIAN_BENCH_KEEP=DIR keeps the generated database there and reuses it on the next run (for profiling)
KEEP = os.environ.get("QINGLIAN_BENCH_KEEP", "")
TMP = KEEP or tempfile.mkdtemp(prefix="qinglian-bench-stats-")
os.makedirs(TMP, exist_ok=True)
DB = f"{TMP}/province.sqlite3"
# under scripts/with-postgres.sh (DATABASE_URL=postgres://…) the same figures on a throw-away PostgreSQL
POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
REUSE = bool(KEEP) and os.path.exists(DB) and not POSTGRES
if not POSTGRES:
    os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
os.environ["QINGLIAN_DATA_DIR"] = TMP
os.environ["QINGLIAN_RATE_LIMITS_OFF"] = "1"  # its load is one account from one address
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinglian.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bench.loadtest import Gunicorn, load  # noqa: E402
from bench.timing import timed  # noqa: E402

YEAR = 2025
TODAY = dt.date(2026, 11, 23)
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


def generate(records: int) -> None:
    """1,000,000 activities in YEAR, inserted with executemany in big transactions (not through the ORM)."""
    from qinglian.records.models import ActivityKind

    rng = random.Random(4)
    kinds = {k.code: k for k in ActivityKind.objects.all()}
    kind_codes = list(KIND_WEIGHTS)
    kind_ids = [kinds[c].pk for c in kind_codes]
    persons = {kinds[c].pk for c in kind_codes if kinds[c].counts_persons}
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
    columns = "created_at, updated_at, version, unit_id, kind_id, happened_on, topic, minutes, entered_at, late, weight"
    if POSTGRES:
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY records_activity ({columns}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row((r[0], r[1], 1, r[2], r[3], r[4], r[5], "", r[6], r[7], r[8]))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return
    con = sqlite3.connect(DB)
    con.execute("PRAGMA cache_size=-400000")  # a bulk load: keep the indexes in memory while they grow
    con.execute("PRAGMA synchronous=OFF")
    text = [(r[0].strftime("%Y-%m-%d %H:%M:%S"), r[1].strftime("%Y-%m-%d %H:%M:%S"), r[2], r[3], r[4].isoformat(), r[5],
             r[6].isoformat(sep=" "), int(r[7]), r[8]) for r in rows]
    sql = (f"INSERT INTO records_activity ({columns}) VALUES (?, ?, 1, ?, ?, ?, ?, '', ?, ?, ?)")
    for start in range(0, records, 200_000):
        with con:
            con.executemany(sql, text[start:start + 200_000])
    con.execute("ANALYZE")
    con.commit()
    con.close()


RAW = ("SELECT a.kind_id, COUNT(*), SUM(a.weight), SUM(CASE WHEN a.late THEN 1 ELSE 0 END) FROM records_activity a "
       "JOIN org_unit u ON u.id = a.unit_id WHERE u.path >= {p} AND u.path < {p} AND a.happened_on >= {p} "
       "AND a.happened_on <= {p} AND a.deleted_at IS NULL GROUP BY a.kind_id")


def raw_connection() -> tuple[Any, str]:
    """The database's own driver, without Django (sqlite3, or psycopg under Django's connection)."""
    if POSTGRES:
        connection.ensure_connection()
        return connection.connection, RAW.format(p="%s")
    return sqlite3.connect(DB), RAW.format(p="?")


def raw_group_by(con: Any, sql: str, path: str, end: str, a: str, b: str) -> list[tuple]:  # type: ignore[type-arg]
    cursor = con.cursor()
    cursor.execute(sql, (path, end, a, b))
    return cursor.fetchall()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--load-only", action="store_true", help="skip the latency figures (with QINGLIAN_BENCH_KEEP)")
    args = parser.parse_args()
    started = time.perf_counter()


    from qinglian.audit.models import Action
    from qinglian.audit.services import audit_log
    from qinglian.lib import tracking
    from qinglian.org.demo import build_demo
    from qinglian.org.models import Unit, UnitKind, path_successor
    from qinglian.records.services import tally_rebuild
    from qinglian.stats import engine
    from qinglian.stats.registry import Scope

    call_command("migrate", verbosity=0)
    if not REUSE:
        t = time.perf_counter()
        with tracking.bulk("基准数据"):
            build_demo(today=TODAY, units=args.units, people=2 * args.units, log=lambda _: None)
        print(f"单位树：{Unit.objects.count()} 个单位（{time.perf_counter() - t:.1f} s）")
        t = time.perf_counter()
        generate(args.records)
        print(f"纪实记录：{args.records} 条（{YEAR}年，executemany 批量写入 {time.perf_counter() - t:.1f} s）")
        t = time.perf_counter()
        cells = tally_rebuild()
        print(f"统计预汇总重算（qinglian stats --rebuild）：{cells} 格，{time.perf_counter() - t:.1f} s")
        # a bulk load ends with its audit entry (as `qinglian demo` does): the engine's memo keys on the chain
        audit_log(action=Action.IMPORT, summary=f"基准数据：{args.units} 个单位，{args.records} 条纪实记录")
        if POSTGRES:  # steady state, as autovacuum would leave it: not a vacuum running under the measurements
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        connection.close()

    county = Unit.objects.get(full_name__endswith="/示范县")
    root = Unit.objects.get(kind=UnitKind.PROVINCE)
    a, b = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
    con, raw_sql = raw_connection()
    from qinglian.stats.registry import providers

    if args.load_only:
        return _load(args, county, root, a, b)

    print(f"\n数据库：{'PostgreSQL（临时服务器）' if POSTGRES else 'SQLite'}；统计时段 {a} 至 {b}"
          f"（不取记录明细；“重新统计”= memo=False，每次都查库）")
    for label, unit, runs, target in (("县级子树", county, 300, 10), ("全省（根）", root, 30, 200)):
        size = Unit.objects.filter(path__gte=unit.path, path__lt=path_successor(unit.path)).count()
        end = path_successor(unit.path)
        count = sum(r[1] for r in raw_group_by(con, raw_sql, unit.path, end, str(a), str(b)))
        p50, p95 = timed(lambda unit=unit: engine.figures(unit=unit, date_from=a, date_to=b, memo=False), runs)
        m50, m95 = timed(lambda unit=unit: engine.figures(unit=unit, date_from=a, date_to=b), runs)
        s = Scope(root=unit, date_from=a, date_to=b)
        mine = [p for p in providers() if p.prefix in ("activity", "risk", "letter", "duty")]
        q50, q95 = timed(lambda s=s, mine=mine: [p.figures(s) for p in mine], runs)
        act = next(p for p in mine if p.prefix == "activity")
        c50, c95 = timed(lambda s=s, act=act: act.figures(s), runs)
        raw_runs = runs if unit == county else 3  # the raw GROUP BY over a province takes seconds
        r50, r95 = timed(lambda unit=unit, end=end: raw_group_by(con, raw_sql, unit.path, end, str(a), str(b)), raw_runs)
        per = ", ".join(f"{p.prefix} {timed(lambda p=p, s=s: p.figures(s), max(5, runs // 5))[0]:.1f}"
                        for p in providers())
        print(f"{label}（{size} 个单位，{count} 条纪实记录）：")
        print(f"  figures() 重新统计，全部统计项：p50 {p50:.2f} ms，p95 {p95:.2f} ms（目标 p95 < {target} ms）")
        print(f"    其中全程纪实（纪实、风险点、责任书、清单）：p50 {q50:.2f} ms，p95 {q95:.2f} ms；"
              f"纪实各类型：p50 {c50:.2f} ms，p95 {c95:.2f} ms")
        print(f"    各 provider p50（ms）：{per}")
        print(f"  figures() 数据未变时（按审计链头记忆）：p50 {m50:.2f} ms，p95 {m95:.2f} ms")
        print(f"  手写 SQL GROUP BY（{'psycopg' if POSTGRES else 'sqlite3'} 直连原始记录，同一范围）：p50 {r50:.2f} ms，p95 {r95:.2f} ms")
        print(f"  比值（目标 ≤ 1.5）：纪实各类型/手写 SQL p50 {c50 / r50:.2f}、p95 {c95 / r95:.2f}；"
              f"全部统计项/手写 SQL p50 {p50 / r50:.2f}、p95 {p95 / r95:.2f}")
    # a period that does not fall on month boundaries: the edges are counted from the records themselves
    a2, b2 = dt.date(YEAR, 1, 16), dt.date(YEAR, 10, 20)
    for label, unit, runs in (("县级子树", county, 100), ("全省（根）", root, 10)):
        end = path_successor(unit.path)
        p50, p95 = timed(lambda unit=unit: engine.figures(unit=unit, date_from=a2, date_to=b2, memo=False), runs)
        r50, _ = timed(lambda unit=unit, end=end: raw_group_by(con, raw_sql, unit.path, end, str(a2), str(b2)),
                       runs if unit == county else 3)
        print(f"非整月时段 {a2} 至 {b2}，{label}：figures() p50 {p50:.2f} ms，p95 {p95:.2f} ms；手写 SQL p50 {r50:.2f} ms")
    if not POSTGRES:
        con.close()
    _load(args, county, root, a, b)
    print(f"\n总用时 {time.perf_counter() - started:.0f} s")
    if not KEEP:
        shutil.rmtree(TMP, ignore_errors=True)


def _load(args, county, root, a, b) -> None:  # type: ignore[no-untyped-def]
    """The JSON endpoint under load, against gunicorn with 2 workers."""
    from django.test import Client

    from qinglian.lib.testing import login
    from qinglian.org.models import Role, User

    user, _ = User.objects.get_or_create(username="bench_supervisor", defaults={"role": Role.SUPERVISOR, "unit": root})
    client = Client()
    login(client, user)  # both factors (lib.testing.login)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    connection.close()
    path = f"/stats/figures.json?unit={county.pk}&from={a}&to={b}"
    # new questions: every (from, to) pair of January × June–December, most of them not month-aligned
    fresh = [f"/stats/figures.json?unit={county.pk}&from={a + dt.timedelta(days=i)}&to={dt.date(YEAR, 6, 1) + dt.timedelta(days=j)}"
             for j in range(214) for i in range(31)]
    with Gunicorn(ROOT, path, cookie) as port:
        repeated = load(port, path, cookie, 8, args.seconds)
        new = load(port, fresh, cookie, 8, args.seconds)
    print(f"\nJSON 端点（县级问题）吞吐：gunicorn 2 个 worker（gthread，同 qinglian serve），本机回环 8 个连接 "
          f"{args.seconds:.0f} s：\n  重复提问 {repeated.line()}（目标 ≥ 300 req/s）\n  每次都是新问题 {new.line()}")


if __name__ == "__main__":
    main()
