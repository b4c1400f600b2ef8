"""The dashboard's counts are made by the worker every ten minutes (and by `qinglian dashboard refresh`)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from qinglian.jobs.context import JobContext
from qinglian.jobs.registry import handler, periodic


@handler("dashboard.refresh", title="统计工作看板数据", max_attempts=3)
def refresh(ctx: JobContext) -> dict[str, Any]:
    from qinglian.dashboard.snapshot import refresh as make

    done = make(timezone.localdate(ctx.now))
    return {"summary": f"截至 {done.day:%Y-%m-%d}，{done.cells} 项，用时 {done.seconds:.1f} 秒"}


periodic("dashboard.refresh", kind="dashboard.refresh", every=600)
