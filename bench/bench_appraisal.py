"""考核 at province scale: score every unit of the 10,000-unit benchmark set under a published rule set.

Builds its own data in a temporary SQLite database (the tree of bench_dashboard: build_demo at 10,000 units,
with 100,000 measures, a letter and a duty per unit and activities evidencing most duties); prints the time
to score the whole tree and the number of queries it took, then the same for a set of 1,000 units, to show
the queries do not grow with the units (aggregates over the subtree, no query per unit).
    .venv/bin/python bench/bench_appraisal.py [--units 10000] [--measures 100000]
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
TMP = tempfile.mkdtemp(prefix="qinglian-bench-appraisal-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/appraisal.sqlite3"
os.environ["QINGLIAN_DATA_DIR"] = TMP
os.environ["QINGLIAN_RATE_LIMITS_OFF"] = "1"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinglian.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bench import dataset  # noqa: E402

TODAY = dataset.TODAY


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--measures", type=int, default=100_000)
    args = parser.parse_args()
    from qinglian.appraisal.demo import STANDARD
    from qinglian.appraisal.services import (
        appraisal_indicator_add,
        appraisal_rule_set_create,
        appraisal_rule_set_publish,
        appraisal_run,
    )
    from qinglian.lib import tracking
    from qinglian.lib.testing import make_user
    from qinglian.org.demo import build_demo
    from qinglian.org.models import Role, Unit, UnitKind

    call_command("migrate", verbosity=0)
    call_command("keys", "init", stdout=io.StringIO())
    t = time.perf_counter()
    with tracking.bulk("基准数据"):
        build_demo(today=TODAY, units=args.units, people=2 * args.units, log=lambda _: None)
        dataset.measures(args.measures)
        dataset.letters_and_duties(list(Unit.objects.order_by("path")))
    print(f"单位树：{Unit.objects.count()} 个单位，整改措施 {args.measures} 条（{time.perf_counter() - t:.1f} s）")

    from decimal import Decimal

    root = Unit.objects.get(kind=UnitKind.PROVINCE)
    county = Unit.objects.get(full_name__endswith="/示范县")
    for label, unit in (("全省（根）", root), ("县级子树", county)):
        leader = make_user(f"bench_leader_{unit.pk}", Role.LEADER, unit)
        rule_set = appraisal_rule_set_create(user=leader, unit=unit, year=2026)
        for measure, weight, bands, evidence in STANDARD:
            appraisal_indicator_add(user=leader, rule_set=rule_set, measure=measure, weight=Decimal(weight),
                                    bands=bands, evidence=evidence)
        rule_set = appraisal_rule_set_publish(user=leader, rule_set=rule_set, today=TODAY)
        runs: list = []  # type: ignore[type-arg]
        t = time.perf_counter()
        queries = dataset.queries(lambda leader=leader, rule_set=rule_set, runs=runs: runs.append(
            appraisal_run(user=leader, rule_set=rule_set, today=TODAY)))
        seconds = time.perf_counter() - t
        done = runs[0]
        selects = sum(1 for q in queries if q.lstrip().upper().startswith("SELECT"))
        print(f"考核计分 {label}：{done.units} 个单位 × {len(STANDARD)} 项指标，{seconds:.2f} s，"
              f"查询 {selects} 条（写入 {len(queries) - selects} 条，批量），与单位数无关")


if __name__ == "__main__":
    try:
        main()
    finally:
        connection.close()
        shutil.rmtree(TMP, ignore_errors=True)
