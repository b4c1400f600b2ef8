"""Dashboard at province scale: 10,000 units, 100,000 measures.

Builds its own data in a temporary SQLite database; prints figures; changes nothing else.
    .venv/bin/python bench/bench_dashboard.py [--units 10000] [--measures 100000]

Prints the time to make the pre-aggregated counts for the whole tree (the worker's refresh), and the
dashboard page's server time (Django's test client, so no network) for a county and for the root, with the
number of queries each costs. Target: < 100 ms p95 for both; the page's cost does not grow with the records.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# QINGLIAN_BENCH_KEEP=DIR keeps the generated database there and reuses it on the next run (for profiling)
KEEP = os.environ.get("QINGLIAN_BENCH_KEEP", "")
TMP = KEEP or tempfile.mkdtemp(prefix="qinglian-bench-dashboard-")
os.makedirs(TMP, exist_ok=True)
REUSE = bool(KEEP) and os.path.exists(f"{TMP}/dashboard.sqlite3")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/dashboard.sqlite3"
os.environ["QINGLIAN_DATA_DIR"] = TMP
os.environ["QINGLIAN_RATE_LIMITS_OFF"] = "1"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinglian.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bench.timing import timed  # noqa: E402

TODAY = dt.date(2026, 11, 23)
STATUSES = ["not_started", "in_progress", "in_progress", "done", "long_term"]


def measures(count: int) -> None:
    """One source, aspect and problem a unit; `count` measures spread over the units, deadlines around TODAY."""
    from qinglian.ledger.models import Aspect, Measure, Problem, Source, measure_position
    from qinglian.org.models import Unit

    rng = random.Random(2026)
    units = list(Unit.objects.order_by("path"))
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--measures", type=int, default=100_000)
    args = parser.parse_args()
    from qinglian.dashboard.snapshot import refresh
    from qinglian.lib import tracking
    from qinglian.lib.testing import client_for, make_user
    from qinglian.org.demo import build_demo
    from qinglian.org.models import Role, Unit, UnitKind, User

    call_command("migrate", verbosity=0)
    if not REUSE:
        call_command("keys", "init", stdout=io.StringIO())
        t = time.perf_counter()
        with tracking.bulk("基准数据"):
            build_demo(today=TODAY, units=args.units, people=2 * args.units, log=lambda _: None)
            measures(args.measures)
        print(f"单位树：{Unit.objects.count()} 个单位，整改措施 {args.measures} 条（{time.perf_counter() - t:.1f} s）")
    t = time.perf_counter()
    done = refresh(TODAY, today=TODAY)
    print(f"看板预汇总（全省一次刷新，后台任务每隔几分钟运行）：{done.cells} 格，{time.perf_counter() - t:.1f} s")

    root = Unit.objects.get(kind=UnitKind.PROVINCE)
    county = Unit.objects.get(full_name__endswith="/示范县")
    user = User.objects.filter(username="bench_supervisor").first() or make_user("bench_supervisor", Role.SUPERVISOR,
                                                                                   root)
    client = client_for(user)
    period = f"date_from={TODAY.year}-01-01&date_to={TODAY:%Y-%m-%d}"
    for label, unit in (("县级子树", county), ("全省（根）", root)):
        url = f"/dashboard/?unit={unit.pk}&{period}"
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        queries: list[str] = []

        def counted(run, sql, *rest, queries=queries):  # type: ignore[no-untyped-def]
            queries.append(sql)
            return run(sql, *rest)

        with connection.execute_wrapper(counted):
            client.get(url)
        p50, p95 = timed(lambda url=url: client.get(url), 100)
        print(f"工作看板 {label}：p50 {p50:.1f} ms，p95 {p95:.1f} ms（目标 p95 < 100 ms），每次 {len(queries)} 条查询")


if __name__ == "__main__":
    try:
        main()
    finally:
        connection.close()
        if not KEEP:
            shutil.rmtree(TMP, ignore_errors=True)
