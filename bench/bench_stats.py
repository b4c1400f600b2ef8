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
import io
import os
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

from bench import dataset  # noqa: E402
from bench.loadtest import Gunicorn, load  # noqa: E402
from bench.timing import timed  # noqa: E402

YEAR, TODAY = dataset.YEAR, dataset.TODAY


def generate(records: int) -> None:
    """1,000,000 activities in YEAR (bench.dataset: COPY on PostgreSQL, executemany on SQLite), then ANALYZE."""
    dataset.activities(records)
    if POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


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
        call_command("keys", "init", stdout=io.StringIO())  # the people's phone numbers are encrypted
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
    from qinglian.org.models import Role, User

    user, _ = User.objects.get_or_create(username="bench_supervisor", defaults={"role": Role.SUPERVISOR, "unit": root})
    cookie = dataset.session_cookie(user)  # both factors (lib.testing.login)
    connection.close()
    path = f"/stats/figures.json?unit={county.pk}&from={a}&to={b}"
    # new questions: every (from, to) pair of January × June–December, most of them not month-aligned
    fresh = [f"/stats/figures.json?unit={county.pk}&from={a + dt.timedelta(days=i)}&to={dt.date(YEAR, 6, 1) + dt.timedelta(days=j)}"
             for j in range(214) for i in range(31)]
    with Gunicorn(ROOT, path, cookie) as ports:
        repeated = load(ports, path, cookie, 8, args.seconds)
        new = load(ports, fresh, cookie, 8, args.seconds)
    print(f"\nJSON 端点（县级问题）吞吐：gunicorn 2 个 worker（gthread，同 qinglian serve），本机回环 8 个连接 "
          f"{args.seconds:.0f} s：\n  重复提问 {repeated.line()}（目标 ≥ 300 req/s）\n  每次都是新问题 {new.line()}")


if __name__ == "__main__":
    main()
