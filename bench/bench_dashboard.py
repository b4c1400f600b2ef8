"""Dashboard at province scale: 10,000 units, 100,000 measures.

Builds its own data in a temporary SQLite database; prints figures; changes nothing else.
    .venv/bin/python bench/bench_dashboard.py [--units 10000] [--measures 100000]

Prints the time to make the pre-aggregated counts for the whole tree (the worker's refresh), and the
dashboard page's server time (Django's test client, so no network) for a county and for the root, with the
number of queries each costs. Target: < 100 ms p95 for both; the page's cost does not grow with the records.
"""

from __future__ import annotations

import argparse
import io
import os
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

from bench import dataset  # noqa: E402
from bench.timing import timed  # noqa: E402

TODAY = dataset.TODAY
measures = dataset.measures  # bench_appraisal builds the same tree


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
        queries = dataset.queries(lambda url=url: client.get(url))
        p50, p95 = timed(lambda url=url: client.get(url), 100)
        print(f"工作看板 {label}：p50 {p50:.1f} ms，p95 {p95:.1f} ms（目标 p95 < 100 ms），每次 {len(queries)} 条查询")


if __name__ == "__main__":
    try:
        main()
    finally:
        connection.close()
        if not KEEP:
            shutil.rmtree(TMP, ignore_errors=True)
