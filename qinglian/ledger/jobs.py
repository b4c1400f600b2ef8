"""A large ledger import on the job queue: the page that confirms a preview of more rows than
LEDGER_IMPORT_QUEUE_ROWS queues it, shows the job's progress bar, and links the source when it is done.

The import stays all or nothing: the worker writes the whole plan and its progress line in one transaction,
so a worker killed in the middle (or whose lease another worker took over) leaves nothing written, and the
next run imports the same plan again (an import never creates what is already there)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from qinglian.jobs.context import JobContext, JobFailed
from qinglian.jobs.models import Job
from qinglian.jobs.queue import enqueue
from qinglian.jobs.registry import handler
from qinglian.ledger.excel import ParsedLedger, split_plan
from qinglian.ledger.transfer import ledger_import_xlsx
from qinglian.lib import files
from qinglian.org.models import Unit
from qinglian.org.scoping import may_write_unit

IMPORT = "ledger.import"


def queue_rows() -> int:
    return int(getattr(settings, "LEDGER_IMPORT_QUEUE_ROWS", 2000))


def plan_rows(parsed: ParsedLedger) -> int:
    """How many rows the plan writes: problems (with their parts) and measures."""
    n = 0
    for aspect in parsed.aspects:
        for problem in aspect.get("problems", []):
            for item in [problem, *problem.get("children", [])]:
                n += 1 + len(item.get("measures", []))
    return n


def ledger_import_enqueue(*, user: Any, unit: Unit, token: str, pending: dict[str, Any],
                          names: dict[str, str], skip: bool) -> Job:
    """Queue the import of the parked upload `token` as previewed (`pending`: file name, source fields, sheet,
    mapping, split choice), with the user's choices for unmatched names."""
    payload = {"token": token, "pending": pending, "names": names, "skip": skip}
    return enqueue(IMPORT, payload, user=user, unit=unit, unique_key=f"{IMPORT}:{token}")


def _source_fields(given: dict[str, Any]) -> dict[str, Any]:
    fields = dict(given)
    if fields.get("feedback_date"):
        fields["feedback_date"] = timezone.datetime.fromisoformat(fields["feedback_date"]).date()
    return fields


@handler(IMPORT, title="导入整改台账", max_attempts=3)
def ledger_import(ctx: JobContext) -> dict[str, Any]:
    user, unit = ctx.user, ctx.unit
    if user is None or not user.is_active:
        raise JobFailed("发起人的账号已停用或已删除，导入未进行。")
    if unit is None or unit.deleted_at is not None or not may_write_unit(user, unit):
        raise JobFailed("所选单位已撤销，或发起人已不能在该单位写入，导入未进行。")
    token, pending = ctx.payload["token"], ctx.payload["pending"]
    path, plain = files.parked(token), files.parked_parsed(token)
    if path is None or plain is None:
        raise JobFailed("上传的文件已过期（超过一天未导入）或已导入，请重新上传。")
    parsed = ParsedLedger.from_plain(plain)
    if pending.get("split"):
        parsed.aspects, parsed.split_measures = split_plan(parsed.aspects), True
    total = plan_rows(parsed)
    ctx.progress(0, total, f"正在写入 {total} 行（全部写入后才生效，中途停止不会留下半份台账）")
    with transaction.atomic():
        outcome = ledger_import_xlsx(user=user, unit=unit, filename=pending["name"], parsed=parsed,
                                     source_fields=_source_fields(pending["fields"]), names=ctx.payload["names"],
                                     skip_refused=ctx.payload["skip"], data=path.read_bytes())
        if not outcome.ok:
            raise JobFailed("导入未完成：文件中仍有问题，未写入任何内容。请回到预览页修改后重新导入。")
        ctx.progress(total, total, "已写入")  # LeaseLost here (another worker took over) rolls the import back
    files.unpark_parsed(token)
    r = outcome.result
    summary = f"已导入：{r.aspects}个方面{r.problems}项具体问题{r.measures}条措施，新建{r.created}条记录"
    if r.unmatched:
        summary += f"；{len(r.unmatched)}个名称按原文保留，待匹配"
    if r.refused:
        summary += f"；{len(r.refused)}行未导入，可在导入批次页面下载"
    links = []
    if r.source_id:
        links.append({"label": "查看导入的整改台账", "url": reverse("ledger:source", args=[r.source_id])})
    if r.batch_id:
        links.append({"label": "查看导入批次", "url": reverse("ledger:batch", args=[r.batch_id])})
    return {"summary": summary, "links": links}
