"""Verification in the demo county: the ledger's demo closes its inspection items through 完成 → 验收
(`approve_measure`); `populate` then adds an extension waiting for the leader, one approved (its measure
due by the new date), an item 已完成待验收, and an assisting unit's part with its progress."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from qinglian.ledger.models import Closure, Measure, MeasureStatus, Source
from qinglian.ledger.services import ledger_measure_approve, ledger_progress_add
from qinglian.lib.files import Upload
from qinglian.verify.rules import acceptance_required
from qinglian.verify.services.acceptance import verify_measure_accept, verify_measure_complete
from qinglian.verify.services.extension import verify_extension_decide, verify_extension_request
from qinglian.verify.services.units import verify_part_add, verify_part_progress


def evidence(name: str = "整改佐证材料.pdf") -> list[Upload]:
    """A one-page stand-in for the scanned 佐证材料 the demo's items carry."""
    return [Upload.of(SimpleUploadedFile(name, b"%PDF-1.4 demo evidence", "application/pdf"))]


def approve_measure(*, leader: Any, checker: Any, measure: Measure, opinion: str) -> None:
    """销号 as the unit's rules say: one step, or 完成 with the 真实性承诺 and then 验收 by `checker`."""
    if not acceptance_required(measure):
        ledger_measure_approve(user=leader, measure=measure, opinion=opinion)
        return
    verify_measure_complete(user=leader, measure=measure, opinion=opinion, pledge=True)
    verify_measure_accept(user=checker, measure=Measure.objects.get(pk=measure.pk),
                          opinion="书面审核证明材料齐全，整改到位，验收通过。")


def populate(ctx: Any) -> str:
    clerk, leader = ctx.users["xcb_clerk"], ctx.users["xcb_leader"]
    supervisor = ctx.users["jjz_supervisor"]
    source = Source.objects.filter(unit=ctx.units["xcb"], kind="inspection").first()
    if source is None:
        return "整改验收：无巡察台账，未生成"
    open_ones = list(Measure.objects.filter(source=source, closure=Closure.OPEN, deadline__isnull=False,
                                            status__in=[MeasureStatus.IN_PROGRESS, MeasureStatus.NOT_STARTED])
                     .order_by("deadline", "pk")[:4])
    made = []
    if len(open_ones) >= 1:  # approved by the leader and the 派驻组 (no office recorded: it stands for it)
        m = open_ones[0]
        ext = verify_extension_request(user=clerk, measure=m, reason="涉及跨部门协调，需待县财政局配合完成资产清查。",
                                       proposed_date=m.deadline + dt.timedelta(days=45))
        ext = verify_extension_decide(user=leader, extension=ext, approve=True, opinion="情况属实，同意延期。")
        verify_extension_decide(user=supervisor, extension=ext, approve=True, opinion="同意延期，请按新时限完成。")
        made.append("经批准延期1项")
    if len(open_ones) >= 2:
        verify_extension_request(user=clerk, measure=open_ones[1], reason="需等待上级统一部署后实施。",
                                 proposed_date=open_ones[1].deadline + dt.timedelta(days=30))
        made.append("待审批延期1项")
    if len(open_ones) >= 3:
        m = open_ones[2]
        ledger_progress_add(user=clerk, measure=m, text="已整改完毕，材料已归档。", status_after="done", files=evidence())
        verify_measure_complete(user=leader, measure=Measure.objects.get(pk=m.pk), opinion="经审核，同意完成。",
                                pledge=True)
        made.append("已完成待验收1项")
    if len(open_ones) >= 4:
        finance = next((u for k, u in ctx.units.items() if "财政" in u.name), None)
        if finance is not None:
            part = verify_part_add(user=clerk, measure=open_ones[3], unit=finance, part="提供近三年公务支出明细")
            town_clerk = ctx.users.get("finance_clerk")
            if town_clerk is not None:
                verify_part_progress(user=town_clerk, part=part, text="已提供2023至2025年明细。",
                                     status_after="in_progress")
            made.append("配合单位1个")
    return "整改验收：" + ("，".join(made) or "无")
