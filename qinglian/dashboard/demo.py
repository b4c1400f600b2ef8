"""The demo county's dashboard: a year of month-end counts, so the charts show a trend from the first login."""

from __future__ import annotations

from qinglian.dashboard.snapshot import backfill
from qinglian.org.demo import DemoContext

DEMO_MONTHS = 11


def populate(ctx: DemoContext) -> str:
    cells = backfill(ctx.today, DEMO_MONTHS, today=ctx.today)
    return f"工作看板：已统计今年以来各月月末的数据（{cells} 项）。"
