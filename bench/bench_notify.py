"""Sending 10,000 inbox reminders: `notify.delivery.deliver` for 10,000 due items of 2,000 people with accounts.

Builds its own data in a temporary SQLite database (or the PostgreSQL of scripts/with-postgres.sh); prints
figures; changes nothing else.
    .venv/bin/python bench/bench_notify.py [--items 10000] [--people 2000]

Prints the time to record and deliver them (one message each, then one digest per person), the number of
queries, and the time of the rerun that finds everything already sent.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="qinglian-bench-notify-")
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/notify.sqlite3"
os.environ["QINGLIAN_DATA_DIR"] = TMP
os.environ["QINGLIAN_SMTP_HOST"] = ""  # the inbox alone: mail is the SMTP server's time, not ours
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinglian.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

TODAY = dt.date(2026, 9, 28)


def setup(people: int) -> list[int]:
    """`people` people, each with an account; their ids."""
    from django.contrib.auth.hashers import make_password

    from qinglian.lib import tracking
    from qinglian.org.demo import build_demo
    from qinglian.org.models import Person, Role, User

    with tracking.bulk("基准数据"):
        build_demo(today=TODAY, units=max(people // 10, 10), people=people, log=lambda _: None)
    persons = list(Person.objects.order_by("pk").values_list("pk", "unit_id")[:people])
    hashed = make_password("Qinglian#2026")
    User.objects.bulk_create([User(username=f"bench{pk}", username_key=f"bench{pk}", role=Role.CLERK,
                                   unit_id=unit_id, person_id=pk, password=hashed) for pk, unit_id in persons],
                             batch_size=2000)
    return [pk for pk, _ in persons]


def items(count: int, person_ids: list[int], level: str) -> list:  # type: ignore[type-arg]
    from qinglian.notify.due import DueItem

    return [DueItem("duty", f"duty:{900_000 + i}:2026-07-01", f"第三季度尚无纪实：责任事项{i}",
                    person_ids[i % len(person_ids)], 1, TODAY, level, f"/records/duties/{i}/") for i in range(count)]


def run(label: str, due: list, now: dt.datetime) -> None:  # type: ignore[type-arg]
    from qinglian.notify.delivery import deliver

    with CaptureQueriesContext(connection) as queries:
        t = time.perf_counter()
        summary = deliver(due, now=now)
        seconds = time.perf_counter() - t
    print(f"{label}：{len(due)} 项 → 新提醒 {summary.reminders} 条、站内消息 {summary.messages} 条"
          f"（其中汇总 {summary.digests} 条）；用时 {seconds:.2f} s，{len(queries)} 条查询")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=2_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("keys", "init", stdout=io.StringIO())
    person_ids = setup(args.people)
    print(f"{len(person_ids)} 人，各有账号；提醒日 {TODAY}")
    now = timezone.now()
    settings.QINGLIAN_DIGEST_THRESHOLD = 10**9
    run("逐项发送", items(args.items, person_ids, "upcoming"), now)
    run("重复运行（已发送过）", items(args.items, person_ids, "upcoming"), now)
    settings.QINGLIAN_DIGEST_THRESHOLD = 5
    run(f"每人 {args.items // len(person_ids)} 项时合为每日汇总", items(args.items, person_ids, "yellow"), now)


if __name__ == "__main__":
    try:
        main()
    finally:
        connection.close()
        shutil.rmtree(TMP, ignore_errors=True)
