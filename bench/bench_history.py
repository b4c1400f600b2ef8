"""The cost of history on a write: p50/p95 of editing one measure through the service (optimistic lock, audit
row, and — with history — the row read back and copied), with and without the history observer.

Builds its own data in a temporary SQLite database (or the PostgreSQL that DATABASE_URL names, if set to one);
changes nothing else.
    python bench/bench_history.py [--edits 300]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="qinglian-bench-history-")
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/history.sqlite3"
os.environ["QINGLIAN_DATA_DIR"] = f"{TMP}/var"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinglian.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from qinglian.history.models import Version  # noqa: E402
from qinglian.ledger.services import (  # noqa: E402
    ledger_aspect_create,
    ledger_measure_create,
    ledger_measure_update,
    ledger_problem_create,
    ledger_source_create,
)
from qinglian.lib import tracking  # noqa: E402
from qinglian.lib.testing import make_unit, make_user  # noqa: E402
from qinglian.org.models import Role  # noqa: E402


def edits(measure, user, n: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for i in range(n):
        t = time.perf_counter()
        measure = ledger_measure_update(user=user, measure=measure, data={"text": f"整改措施第{i}稿"},
                                        version=measure.version)
        times.append((time.perf_counter() - t) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=300)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    unit = make_unit("基准县委宣传部")
    clerk = make_user("bench_history_clerk", Role.CLERK, unit)
    source = ledger_source_create(user=clerk, unit=unit, kind="inspection", issued_by="县委巡察组",
                                  feedback_date=dt.date(2026, 3, 1), title="巡察反馈意见")
    aspect = ledger_aspect_create(user=clerk, source=source, title="方面一")
    problem = ledger_problem_create(user=clerk, aspect=aspect, text="问题一")
    measure = ledger_measure_create(user=clerk, problem=problem, text="措施", deadline=dt.date(2026, 12, 31))
    edits(measure, clerk, 20)  # warm up
    measure.refresh_from_db()
    with_history = edits(measure, clerk, args.edits)
    observers = list(tracking._observers)
    tracking._observers.clear()
    try:
        measure.refresh_from_db()
        without = edits(measure, clerk, args.edits)
    finally:
        tracking._observers.extend(observers)

    def p(values: list[float], q: int) -> float:
        return statistics.quantiles(values, n=100)[q - 1]

    print(f"修改一条整改措施（{args.edits} 次，{os.environ['DATABASE_URL'].split(':')[0]}）：")
    print(f"  有历史版本：p50 {p(with_history, 50):.2f} ms，p95 {p(with_history, 95):.2f} ms")
    print(f"  无历史版本：p50 {p(without, 50):.2f} ms，p95 {p(without, 95):.2f} ms")
    print(f"  p95 之比 {p(with_history, 95) / p(without, 95):.2f}；历史版本共 {Version.objects.count()} 行")


if __name__ == "__main__":
    main()
