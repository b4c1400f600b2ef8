"""Upper-level forms on the demo county: a form with one row per unit for every demo unit (198), filled.

Builds the demo county in its own temporary SQLite database (DATABASE_URL set before django.setup());
prints figures; changes nothing else.
    .venv/bin/python bench/bench_returns.py [--runs 5]

Target: reading, mapping, counting (the engine's memo emptied first) and writing the form for all 198 units
< 2 s; the fill kept in the history (file stored, audit row) is timed apart.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="qinglian-bench-returns-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/demo.sqlite3"
os.environ["QINGLIAN_DATA_DIR"] = TMP
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinglian.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

TODAY = dt.date(2026, 11, 23)
PERIOD = {"date_from": dt.date(2026, 7, 1), "date_to": dt.date(2026, 9, 30)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("keys", "init", "--if-missing", stdout=io.StringIO())
    call_command("demo", "--today", TODAY.isoformat(), stdout=io.StringIO())
    print(f"示范县生成：{time.perf_counter() - began:.1f} s（临时目录 {TMP}）")

    from paperwork.tests.return_forms import merged_header
    from qinglian.org.models import Unit
    from qinglian.returns import services

    county = Unit.objects.get(parent__isnull=True)
    names = list(Unit.objects.order_by("path").values_list("full_name", flat=True))  # 机关党支部 ×59: full names
    form = merged_header(names)

    def fill() -> services.FillResult:
        layout, content, _ = services.form_read(form, "各单位统计表.xlsx")
        choices, _ = services.catalogue(county, **PERIOD)
        mapping, _ = services.mapping_for(layout, unit=county, choices=choices)
        return services.form_fill(layout, content, mapping, unit=county, **PERIOD)

    times, queries, result = [], 0, None
    for _ in range(args.runs):
        cache.clear()  # the engine's memo: every figure counted afresh
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            result = fill()
            times.append(time.perf_counter() - t)
        queries = len(ctx.captured_queries)
    assert result is not None
    p50 = statistics.median(times)
    units = len({c["unit_id"] for c in result.filled})
    print(f"上级报表（{len(names)} 行，每行一个单位，{units} 个单位填写，{len(result.filled)} 格已填、"
          f"{len(result.unfilled)} 格未填，{queries} 次查询）：中位数 {p50:.2f} s，最慢 {max(times):.2f} s"
          f" — 目标 < 2 s：{'达到' if p50 < 2 else '未达到'}")

    cache.clear()
    layout, content, name = services.form_read(form, "各单位统计表.xlsx")
    choices, _ = services.catalogue(county, **PERIOD)
    mapping, _ = services.mapping_for(layout, unit=county, choices=choices)
    t = time.perf_counter()
    services.return_fill(user=None, unit=county, layout=layout, content=content, name=name, mapping=mapping,
                         save_mapping=False, via="cli", **PERIOD)
    print(f"  同上并存入填报记录（文件、操作日志）：{time.perf_counter() - t:.2f} s")


if __name__ == "__main__":
    main()
