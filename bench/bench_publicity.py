"""Publicity benchmark: the monthly bulletin of a county, and the publication list at ~100,000 pieces.

Builds its own data in a temporary SQLite database (DATABASE_URL is set before django.setup()); prints
figures; changes nothing else.
    python bench/bench_publicity.py [--pieces 100000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="qinglian-bench-publicity-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/publicity.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinglian.settings")
os.environ.setdefault("QINGLIAN_DATA_DIR", TMP)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.timing import timed  # noqa: E402

TODAY = date(2026, 11, 23)
PIECES_AT_SCALE_1 = 3_900  # what qinglian.publicity.demo makes for the demo county at scale 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pieces", type=int, default=100_000)
    args = parser.parse_args()

    from qinglian.lib.testing import login
    from qinglian.org.demo import build_demo
    from qinglian.publicity import demo
    from qinglian.publicity.bulletin import bulletin_build
    from qinglian.publicity.models import Publication

    call_command("migrate", verbosity=0)
    ctx = build_demo(today=TODAY, log=lambda _: None)
    ctx.scale = max(1, round(args.pieces / PIECES_AT_SCALE_1))
    start = time.perf_counter()
    summary = demo.populate(ctx)
    total = Publication.objects.count()
    print(f"示范数据（scale={ctx.scale}）：{summary}；用时 {time.perf_counter() - start:.1f} s")
    print(f"宣传稿件总数：{total}")

    county = ctx.county
    month_rows = Publication.objects.filter(published_on__year=2026, published_on__month=10).count()
    with CaptureQueriesContext(connection) as queries:
        built = bulletin_build(unit=county, year=2026, month=10)
    print(f"县级月度通报（{len(built.rows)} 个下级单位，当月稿件 {month_rows} 篇（条），合计采用 {built.total.total}）："
          f"查询 {len(queries)} 次")
    p50, p95 = timed(lambda: bulletin_build(unit=county, year=2026, month=10), runs=20)
    print(f"县级月度通报生成：p50 {p50:.1f} ms，p95 {p95:.1f} ms")
    p50, p95 = timed(lambda: bulletin_build(unit=ctx.units["party"], year=2026, month=10), runs=20)
    print(f"县委（16 个部门）月度通报生成：p50 {p50:.1f} ms，p95 {p95:.1f} ms")

    client = Client()
    login(client, ctx.users["county_leader"])  # both factors (lib.testing.login)
    clerk = Client()
    login(clerk, ctx.users["xcb_clerk"])
    for label, c, url in [
        ("稿件列表第一页（全县，50 行）", client, "/publicity/"),
        ("稿件列表第 20 页（全县）", client, "/publicity/?page=20"),
        ("稿件列表按级别筛选（中央级）", client, "/publicity/?level=central"),
        ("稿件列表按标题搜索", client, "/publicity/?q=%E6%B8%85%E5%BB%89"),
        ("稿件列表第一页（宣传部录入员）", clerk, "/publicity/"),
    ]:
        assert c.get(url).status_code == 200
        p50, p95 = timed(lambda c=c, url=url: c.get(url), runs=40)
        print(f"{label}：p50 {p50:.1f} ms，p95 {p95:.1f} ms")
    print("目标：列表页 p95 < 100 ms；通报生成 < 1 s（SQLite）")


if __name__ == "__main__":
    main()
