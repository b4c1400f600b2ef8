"""Foundation benchmark: demo county generation, and the unit-tree scoping query at 10,000 units.

Builds its own data in temporary SQLite databases; prints figures; changes nothing else.
    python bench/bench_org.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="qinglian-bench-org-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/county.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinglian.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402

from bench.timing import timed  # noqa: E402


def main() -> None:
    from qinglian.lib import tracking
    from qinglian.org.demo import build_demo

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    with open(os.devnull, "w") as sink:
        call_command("demo", "--today", "2026-11-23", stdout=sink)
    print(f"示范县生成（qinglian demo，含各模块示范数据）：{time.perf_counter() - start:.2f} s")
    connections.close_all()

    os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/province.sqlite3"
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = f"{TMP}/province.sqlite3"
    connections["default"].close()
    del connections["default"]
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    with tracking.bulk("基准数据"):
        build_demo(seed=2026, today=date(2026, 11, 23), units=10000, people=20000, log=lambda s: None)
    print(f"省级规模生成（10,000 个单位 / 20,000 人）：{time.perf_counter() - start:.2f} s")

    from qinglian.org.models import Person, Unit, User
    from qinglian.org.scoping import visible_units

    root = Unit.objects.get(parent__isnull=True)
    user = User(username="bench", role="leader", unit=root)
    total = Unit.objects.count()
    county = Unit.objects.get(name="示范县")
    county_user = User(username="bench2", role="clerk", unit=county)

    def root_ids() -> None:
        assert len(list(visible_units(user).values_list("id", flat=True))) == total

    def root_page() -> None:
        list(Person.objects.visible_to(user).select_related("unit").order_by("unit__path", "order", "id")[:50])

    def county_page() -> None:
        list(Person.objects.visible_to(county_user).select_related("unit").order_by("unit__path", "order", "id")[:50])

    def is_visible() -> None:
        visible_units(user).filter(pk=county.pk).exists()

    print(f"单位数：{total}")
    for label, fn in [("根用户可见单位检查（单个对象，404 判定）", is_visible),
                      ("根用户可见干部第一页（50 行，按单位树排序）", root_page),
                      ("县级用户可见干部第一页（50 行）", county_page),
                      ("根用户全部可见单位编号（约 10,000 个；无页面使用，仅作对照）", root_ids)]:
        p50, p95 = timed(fn, 300, warmup=10)
        print(f"{label}：p50 {p50:.2f} ms，p95 {p95:.2f} ms")
    print("目标：单位树范围查询 p95 < 5 ms（SQLite）")


if __name__ == "__main__":
    main()
