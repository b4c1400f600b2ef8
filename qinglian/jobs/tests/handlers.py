"""Handlers the queue's tests run, in the test process and in worker subprocesses (driver.py imports them)."""

from __future__ import annotations

import os
import time
from typing import Any

from django.db import transaction
from django.utils import timezone

from qinglian.jobs.context import JobContext, JobFailed
from qinglian.jobs.models import Job, State
from qinglian.jobs.registry import handler


@handler("test.append", title="测试：记一行")
def append(ctx: JobContext) -> dict[str, Any]:
    """Appends "job-id pid" to a file: a job run twice leaves two lines."""
    time.sleep(float(ctx.payload.get("pause", 0)))
    with open(ctx.payload["file"], "a", encoding="utf-8") as out:
        out.write(f"{ctx.job.pk} {os.getpid()}\n")
    return {"summary": f"由进程 {os.getpid()} 完成"}


@handler("test.flaky", title="测试：前几次出错", max_attempts=3)
def flaky(ctx: JobContext) -> dict[str, Any]:
    if ctx.payload.get("permanent"):
        raise JobFailed("参数有误：请重新提交。")
    if ctx.job.attempts <= int(ctx.payload.get("fail", 0)):
        raise ConnectionRefusedError("邮件服务器无响应")
    return {"summary": f"第 {ctx.job.attempts} 次成功"}


@handler("test.batch", title="测试：分批处理")
def batch(ctx: JobContext) -> dict[str, Any]:
    """`parts` parts; each leaves a row (a finished job of kind test.part) in the same transaction as its
    checkpoint, so a part redone after a crash would leave a second row."""
    total = int(ctx.payload["parts"])
    for part in range(int(ctx.checkpoint.get("done", 0)), total):
        ctx.check_stop()
        time.sleep(float(ctx.payload.get("pause", 0)))
        with transaction.atomic():
            Job.objects.create(kind="test.part", state=State.DONE, run_after=timezone.now(),
                               payload={"batch": ctx.job.pk, "part": part, "pid": os.getpid()})
            ctx.checkpoint["done"] = part + 1
            ctx.progress(part + 1, total, f"已处理第 {part + 1} 部分")
    return {"summary": f"共 {total} 部分", "links": [{"label": "查看第一部分", "url": "/jobs/"}]}


CALLS: list[dict[str, Any]] = []


def remember(**kwargs: Any) -> str:
    """Stands where notify.delivery.send_reminders is, to see what the periodic job passes it."""
    CALLS.append(kwargs)
    return "已发送 0 条"
