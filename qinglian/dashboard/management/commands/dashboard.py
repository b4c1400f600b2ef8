"""qinglian dashboard refresh [--day YYYY-MM-DD] [--backfill MONTHS]

Makes the dashboard's pre-aggregated counts now (the worker does it every few minutes); --backfill also
reconstructs the month-end series of the months before."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qinglian.dashboard.snapshot import backfill, refresh


class Command(BaseCommand):
    help = "生成工作看板的统计数据"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ref = sub.add_parser("refresh", help="重新统计看板数据")
        ref.add_argument("--day", default="", help="统计截至的日期，默认今天，如 2026-06-30")
        ref.add_argument("--backfill", type=int, default=0, help="同时补算此前若干个月的月末数据（0–60）")

    def handle(self, *args: Any, **options: Any) -> None:
        day = None
        if options["day"]:
            try:
                day = dt.date.fromisoformat(options["day"])
            except ValueError:
                raise CommandError(f"日期“{options['day']}”无效，请写成 YYYY-MM-DD，如 2026-06-30。") from None
        months = options["backfill"]
        if not 0 <= months <= 60:
            raise CommandError("--backfill 应在 0 到 60 之间。")
        if months:
            cells = backfill(day, months)
            self.stdout.write(f"已生成看板数据（含此前 {months} 个月的月末数据）：{cells} 项。")
        else:
            done = refresh(day)
            self.stdout.write(f"已生成看板数据：截至 {done.day:%Y-%m-%d}，{done.cells} 项，用时 {done.seconds:.1f} 秒。")
