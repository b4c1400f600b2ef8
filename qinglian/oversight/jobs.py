"""The 查重 index kept current by the worker: reports not indexed yet, and the daily census of the shingles so
common among uploaded reports that they are discounted (`qinglian similar --reindex` does both by hand)."""

from __future__ import annotations

from typing import Any

from qinglian.jobs.context import JobContext
from qinglian.jobs.registry import handler, periodic


@handler("oversight.census", title="更新报告查重索引", max_attempts=3)
def census(ctx: JobContext) -> dict[str, Any]:
    from qinglian.oversight.similar import census_refresh, index_pending

    indexed = index_pending()
    common = census_refresh()
    return {"summary": f"新索引报告 {indexed} 份，高频片段 {common} 个"}


periodic("oversight.census", kind="oversight.census", daily="02:30")
