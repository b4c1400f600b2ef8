"""Demo: a couple of drafts in 县委宣传部's history, generated from the demo county's records.

Kept fast: drafts are generated while the demo has spent less than a second here; the rest are skipped
(anyone can generate them on the page in a click)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

BUDGET_SECONDS = 1.0


def populate(ctx: Any) -> str:
    from qinglian.reports.selectors import rectification_sources
    from qinglian.reports.services import report_generate

    xcb = ctx.units["xcb"]
    user = ctx.users.get("xcb_clerk")
    if user is None:
        return ""
    start = dt.date(ctx.today.year, 1, 1)
    wanted = [("responsibility", None), ("rectification", None), ("personal", ctx.principal(xcb))]
    began = time.perf_counter()
    made, skipped = [], 0
    for genre, person in wanted:
        if time.perf_counter() - began > BUDGET_SECONDS:
            skipped += 1
            continue
        # a rectification notice is about one inspection: the year's first
        sources = [pk for pk, _ in rectification_sources(xcb, start, ctx.today)][:1] if genre == "rectification" else None
        report = report_generate(user=user, unit=xcb, genre=genre, date_from=start, date_to=ctx.today,
                                 person=person, today=ctx.today, sources=sources)
        made.append(report.get_genre_display())
    note = f"（另有 {skipped} 份为保持速度未生成）" if skipped else ""
    return f"报告：县委宣传部已生成草稿 {len(made)} 份（{'、'.join(made)}）{note}"
