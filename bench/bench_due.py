"""What is due, at province scale: 10,000 units, measures around the day, duties, letters and holidays.

Builds its own data in a temporary SQLite database (or the PostgreSQL of scripts/with-postgres.sh); prints
figures; changes nothing else.
    .venv/bin/python bench/bench_due.py [--units 10000] [--measures 50000] [--extra 200000]

Prints the time to compute everything due for the whole tree (`notify.due.due_items`, one core), with the
number of items and of queries, three times: on the base set; after adding `--extra` measures that are not due
(closed, or with deadlines far ahead) — the time should stay about the same; and after adding as many due
measures as the base set has — the time should grow with them. Target: < 60 s on one core.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="qinglian-bench-due-")
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/due.sqlite3"
os.environ["QINGLIAN_DATA_DIR"] = TMP
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinglian.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

# 28 September 2026: the 国庆 reminder is due in every unit, the third quarter's duties end on the 30th
TODAY = dt.date(2026, 9, 28)


def add_measures(count: int, due: bool, seed: int) -> None:
    """`count` measures over the units: due ones open with deadlines from 300 days ago to 25 days ahead; the
    others closed off in the past or open with deadlines 3 months to 3 years ahead."""
    from qinglian.ledger.models import Aspect, Measure, Problem, Source, measure_position
    from qinglian.org.models import Unit

    rng = random.Random(seed)
    units = list(Unit.objects.order_by("path"))
    problems = list(Problem.objects.order_by("pk"))
    if not problems:
        sources = Source.objects.bulk_create([Source(unit=u, kind="inspection", issued_by="省委第一巡视组", version=1,
                                                     feedback_date=dt.date(2026, 1, 10)) for u in units],
                                             batch_size=2000)
        aspects = Aspect.objects.bulk_create([Aspect(source=s, unit_id=s.unit_id, title="方面", order=1)
                                              for s in sources], batch_size=2000)
        problems = Problem.objects.bulk_create([Problem(aspect=a, source_id=a.source_id, unit_id=a.unit_id,
                                                        text=f"问题{a.pk}", order=1) for a in aspects], batch_size=2000)
    by_unit = {u.pk: u for u in units}
    start = Measure.objects.count()
    batch = []
    for i in range(start, start + count):
        p = problems[i % len(problems)]
        if due:
            status, closure = rng.choice(["not_started", "in_progress"]), "open"
            deadline = TODAY + dt.timedelta(days=rng.randint(-300, 25))
        elif rng.random() < 0.5:
            status, closure, deadline = "done", "closed", TODAY - dt.timedelta(days=rng.randint(1, 900))
        else:
            status, closure = "in_progress", "open"
            deadline = TODAY + dt.timedelta(days=rng.randint(90, 1000))
        batch.append(Measure(problem=p, aspect_id=p.aspect_id, source_id=p.source_id, unit_id=p.unit_id, order=i,
                             text=f"措施{i}", status=status, closure=closure, deadline=deadline,
                             position=measure_position(by_unit[p.unit_id], p.source_id, 1, "0001.0000", i)))
        if len(batch) >= 5000:
            Measure.objects.bulk_create(batch)
            batch = []
    Measure.objects.bulk_create(batch)
    with connection.cursor() as cursor:  # fresh planner statistics, as after any large import
        cursor.execute("ANALYZE")


def compute(label: str) -> tuple[float, int]:
    from qinglian.ledger.models import Measure
    from qinglian.notify.due import due_items

    due_items(today=TODAY)  # warm: the rules' defaults created, the calendar's years built
    runs = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            t = time.perf_counter()
            items = due_items(today=TODAY)
            runs.append(time.perf_counter() - t)
    seconds = statistics.median(runs)
    kinds = Counter(i.kind for i in items)
    detail = "，".join(f"{k} {n}" for k, n in sorted(kinds.items()))
    print(f"{label}：整改措施共 {Measure.objects.count()} 条；应提醒 {len(items)} 项（{detail}）；"
          f"计算用时（3 次中位数）{seconds:.2f} s（目标 < 60 s），{len(queries)} 条查询")
    return seconds, len(items)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--measures", type=int, default=50_000)
    parser.add_argument("--extra", type=int, default=200_000)
    args = parser.parse_args()
    from qinglian.lib import tracking
    from qinglian.org.demo import build_demo
    from qinglian.org.models import Unit

    call_command("migrate", verbosity=0)
    call_command("keys", "init", stdout=io.StringIO())
    t = time.perf_counter()
    with tracking.bulk("基准数据"):
        build_demo(today=TODAY, units=args.units, people=2 * args.units, log=lambda _: None)
        add_measures(args.measures // 2, due=True, seed=1)
        add_measures(args.measures - args.measures // 2, due=False, seed=2)
    print(f"单位树：{Unit.objects.count()} 个单位（{time.perf_counter() - t:.1f} s 生成）；计算日 {TODAY}")
    base, base_items = compute("基础数据")
    with tracking.bulk("基准数据"):
        add_measures(args.extra, due=False, seed=3)
    more_records, _ = compute(f"再加 {args.extra} 条不到期的措施")
    with tracking.bulk("基准数据"):
        add_measures(args.measures // 2, due=True, seed=4)
    more_due, more_items = compute(f"再加 {args.measures // 2} 条应提醒的措施")
    print(f"记录增加 {args.extra} 条、应提醒不变：用时 ×{more_records / base:.2f}；"
          f"应提醒 {base_items} → {more_items} 项：用时 ×{more_due / base:.2f}")


if __name__ == "__main__":
    try:
        main()
    finally:
        connection.close()
        shutil.rmtree(TMP, ignore_errors=True)
