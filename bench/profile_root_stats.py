"""The province root's statistics without the memo, on bench_province's data (PostgreSQL only): in total and
by provider, for the root and for the demo county, at 1× and after `--scale`× the data outside the county.

    scripts/with-postgres.sh .venv/bin/python bench/profile_root_stats.py [--units 10000] [--scale 10]
    (small, while developing: --units 2000 --scale 3)

Builds bench_province's set (its `build`, then its `grow`), prints p50/p95 in ms and the statements one call
runs; changes nothing else. `--reuse` counts on a database a previous run left (DATABASE_URL pointing at a
server of your own) instead of building: for profiling, several runs on the same data. Target: root p95 < 50 ms.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinglian.settings")

from bench import bench_province as province  # checks PostgreSQL, sets the environment, django.setup()
from bench import dataset
from bench.timing import timed

A, B = province.A, province.B


def breakdown(unit: Any, runs: int) -> list[tuple[str, float, float, int]]:
    """(label, p50, p95, statements) of `figures()` for `unit` over the bench's year, and of each provider alone."""
    from qinglian.stats import engine
    from qinglian.stats.registry import providers

    scope = engine.make_scope(unit=unit, date_from=A, date_to=B)
    asked = {"figures() 合计": lambda: engine.figures(unit=unit, date_from=A, date_to=B, memo=False)}
    asked |= {f"  {p.prefix}": (lambda p=p: p.figures(scope)) for p in providers()}
    rows = []
    for label, fn in asked.items():
        p50, p95 = timed(fn, runs, warmup=3)
        n = len(dataset.queries(fn))  # every statement (some begin WITH)
        rows.append((label, p50, p95, n))
    return rows


def show(title: str, rows: list[tuple[str, float, float, int]]) -> None:
    print(f"\n{title}：")
    for label, p50, p95, n in rows:
        print(f"  {label:<20}p50 {p50:>7.1f} ms  p95 {p95:>7.1f} ms  查询 {n}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--scale", type=int, default=10, help="县以外的子树的数据放大到几倍后再测")
    parser.add_argument("--runs", type=int, default=40, help="每项计时次数")
    parser.add_argument("--reuse", action="store_true", help="用已有数据（不生成、不放大）")
    args = parser.parse_args()
    from qinglian.org.models import Unit, UnitKind

    started = time.perf_counter()
    if not args.reuse:
        province.build(args.units)
    root = Unit.objects.get(kind=UnitKind.PROVINCE)
    county = Unit.objects.get(full_name__endswith="/示范县")
    stages = [("1×", None)] if not args.reuse else [("现有数据", None)]
    if not args.reuse and args.scale > 1:
        stages.append((f"{args.scale}×", args.scale))
    for name, scale in stages:
        if scale:
            province.grow(scale, county)
        show(f"全省（根）统计，不用记忆，{name}（进程内）", breakdown(root, args.runs))
        show(f"县级（{county.full_name}）统计，不用记忆，{name}（进程内）", breakdown(county, args.runs))
    print(f"\n总用时 {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    try:
        main()
    finally:
        province.connection.close()
        if province.CACHE is not None:
            province.CACHE.terminate()
            province.CACHE.wait(timeout=10)
        province.shutil.rmtree(province.TMP, ignore_errors=True)
