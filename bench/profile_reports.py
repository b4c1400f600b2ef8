"""Every unit's report on the province set, alone: bench_province's data and its batch over the job queue,
without the pages' load (gunicorn) and the county's questions; figures per report, and where the time goes.

Runs only on PostgreSQL, as bench_province (whose data builder and batch it uses):
    scripts/with-postgres.sh .venv/bin/python bench/profile_reports.py [--units 500] [--reports 200]
        [--profile 100]

Prints: with `--profile N`, N units' 落实责任制情况报告 made one after another in this process (report_generate,
as the batch calls it) under cProfile (CPU time): ms and queries per report (profiled, so slower than bare), the queries
that repeat most, and the functions that took the time. Then the batch as bench_province runs it (1
`qinglian worker` on a sample, then 2 on every unit below one), with the projected time for 10,000 reports on 2
workers. Target: all 10,000 reports < 10 minutes.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import shutil
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import bench_province as province  # sets up Django on PostgreSQL, starts Redis

A, B, connection = province.A, province.B, province.connection


def profile(leader: Any, n: int, out: str = "") -> None:
    from qinglian.org.models import Unit
    from qinglian.reports.services import report_generate

    units = list(Unit.objects.filter(parent__isnull=False).order_by("-path")[:n])
    report_generate(user=leader, unit=units[0], genre="responsibility", date_from=A, date_to=B)  # imports, caches
    seen: list[str] = []

    def counted(run, sql, *rest):  # type: ignore[no-untyped-def]
        seen.append(sql)
        return run(sql, *rest)

    profiler = cProfile.Profile(time.process_time)  # CPU of this process: waiting for the database is not in it
    t, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(counted):
        profiler.enable()
        for unit in units:
            report_generate(user=leader, unit=unit, genre="responsibility", date_from=A, date_to=B)
        profiler.disable()
    spent, cpu = time.perf_counter() - t, time.process_time() - cpu
    print(f"\n逐份生成（本进程，cProfile 下）：{len(units)} 份，每份 {spent / len(units) * 1000:.0f} ms"
          f"（本进程 CPU {cpu / len(units) * 1000:.0f} ms），"
          f"每份 {len(seen) / len(units):.1f} 条查询；每份的查询（重复多的在前）：")
    shapes = Counter(" ".join(re.sub(r"\d+|'[^']*'", "?", sql).split())[:150] for sql in seen)
    for sql, k in shapes.most_common():
        print(f"  {k / len(units):>5.1f}×  {sql}")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(45)
    if out:
        profiler.dump_stats(out)


def cpu_seconds() -> tuple[float, float]:
    """(the CPU the finished worker processes used, the CPU of the PostgreSQL server with its exited backends):
    the machine is shared, so wall time alone says little; the 2 cores' budget is both together."""
    import os
    import resource

    own = resource.getrusage(resource.RUSAGE_CHILDREN)
    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        pid = int(Path(cursor.fetchone()[0], "postmaster.pid").read_text().split()[0])
    # /proc/<pid>/stat fields 14-17: utime, stime, and those of its reaped children (every backend that ended)
    ticks = sum(int(x) for x in Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[11:15])
    return own.ru_utime + own.ru_stime, ticks / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--reports", type=int, default=1_000, help="1 个 worker 进程时抽样的报告份数")
    parser.add_argument("--profile", type=int, default=0, help="先在本进程剖析这么多份报告（cProfile）")
    parser.add_argument("--profile-out", default="", help="剖析结果另存为此文件（pstats 可读）")
    args = parser.parse_args()
    started = time.perf_counter()
    from qinglian.lib.testing import make_user
    from qinglian.org.models import Role, Unit, UnitKind

    province.build(args.units)
    leader = make_user("bench_province", Role.LEADER, Unit.objects.get(kind=UnitKind.PROVINCE))
    if args.profile:
        profile(leader, args.profile, args.profile_out)
    print("\n批量生成报告（后台任务队列，同界面“批量生成”：每个有下级的单位一批，为其直属下级各生成一份）：")
    from qinglian.reports.models import GeneratedReport

    made, (workers, server) = GeneratedReport.objects.count(), cpu_seconds()
    for line in province.reports(leader, args.reports):
        rate = re.search(r"([\d.]+) 份/s", line)
        print(line + (f"；每份 {1000 / float(rate.group(1)):.0f} ms（墙钟），折合 10000 份 "
                      f"{10_000 / float(rate.group(1)):.0f} s" if rate and "2 个" in line else ""))
    after = cpu_seconds()
    made, workers, server = GeneratedReport.objects.count() - made, after[0] - workers, after[1] - server
    per = (workers + server) / made
    print(f"  CPU（两次合计 {made} 份）：每份 worker {workers / made * 1000:.0f} ms + PostgreSQL "
          f"{server / made * 1000:.0f} ms = {per * 1000:.0f} ms；2 核上 10000 份约 {per * 10_000 / 2:.0f} s"
          f"（目标 < 600 s：{'达标' if per * 10_000 / 2 < 600 else '未达标'}）")
    print(f"\n总用时 {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    try:
        main()
    finally:
        connection.close()
        if province.CACHE is not None:
            province.CACHE.terminate()
            province.CACHE.wait(timeout=10)
        shutil.rmtree(province.TMP, ignore_errors=True)
