"""Demo: a couple of drafts in 县委宣传部's history, generated from the demo county's records, and a
党风廉政意见回复 by the 派驻纪检监察组 on one of its team members, one of whose 提醒谈话 is labelled 敏感 (so the
opinion shows it took place and withholds what was said: the demo supervisor's clearance is 内部).

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
    # the talk is labelled 敏感 for the supervisor to try the 意见回复 on; the draft quoting it is kept sealed
    cadre = protected_talk(ctx)
    supervisor = ctx.users.get("jjz_supervisor")
    if cadre is not None and supervisor is not None:
        if time.perf_counter() - began > BUDGET_SECONDS:
            skipped += 1
        else:
            report = report_generate(user=supervisor, unit=cadre.unit, genre="integrity", date_from=start,
                                     date_to=ctx.today, person=cadre, today=ctx.today)
            made.append(f"{report.get_genre_display()}（{cadre.name}）")
    note = f"（另有 {skipped} 份为保持速度未生成）" if skipped else ""
    return f"报告：已生成草稿 {len(made)} 份（{'、'.join(made)}）{note}"


def protected_talk(ctx: Any) -> Any:
    """The 县委宣传部 team member (not the principal) who received this year's first 廉政提醒谈话, that talk now
    labelled 敏感; None when the demo has no such talk."""
    from qinglian.lib.models import SecurityLabel
    from qinglian.org.models import TeamRole
    from qinglian.records.models import Activity

    xcb = ctx.units["xcb"]
    members = [p for p in ctx.team(xcb) if p.team_role == TeamRole.TEAM_MEMBER]
    if not members:
        return None
    talk = (Activity.objects.filter(unit=xcb, kind__code="integrity_reminder_talk", talked_to=members[0],
                                    happened_on__year=ctx.today.year).order_by("happened_on", "id").first())
    if talk is None:
        return None
    Activity.objects.filter(pk=talk.pk).update(security_label=SecurityLabel.SENSITIVE)  # inside the demo's bulk
    return members[0]
