"""The built-in handlers and the periodic schedule (schedule as data: each line a name, a job kind, and
every N seconds or daily at HH:MM China time).

The reminders are the notify app's: `qinglian.notify.delivery.send_reminders(*, today, now)` is idempotent
(each reminder is sent once per step), so running it every five minutes and again at 08:00 sends each
reminder once, soon after it falls due. It is found by its dotted path when the job runs, so the schedule
stands even before that app exists; a worker then logs at start, and each such job fails, saying what is
missing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.utils import timezone

from qinglian.jobs.context import JobContext
from qinglian.jobs.registry import handler, import_target, periodic

REMINDERS = "qinglian.notify.delivery.send_reminders"
# notify's SendSummary fields, as the job's page says them
COUNT_LABELS = {"reminders": "新提醒", "messages": "站内消息", "digests": "汇总消息", "no_account": "无账号未送达",
                "mails_queued": "待发邮件", "mails_sent": "已发邮件", "mails_failed": "发送失败邮件"}
KEEP_DONE = dt.timedelta(days=30)
KEEP_FAILED = dt.timedelta(days=90)


def _reminders_probe() -> None:
    import_target(REMINDERS)


@handler("notify.reminders", title="发送到期提醒", max_attempts=3)
def send_reminders(ctx: JobContext) -> dict[str, Any] | None:
    send = import_target(REMINDERS)  # TargetMissing: failed at once, with the path in the message
    outcome = send(today=timezone.localdate(ctx.now), now=ctx.now)
    if dataclasses.is_dataclass(outcome) and not isinstance(outcome, type):
        counts = dataclasses.asdict(outcome)
        return {"summary": "，".join(f"{COUNT_LABELS.get(k, k)} {v}" for k, v in counts.items()), "counts": counts}
    return {"summary": str(outcome)[:500]} if outcome is not None else None


send_reminders.probe = _reminders_probe  # type: ignore[attr-defined]


@handler("jobs.prune", title="清理已结束的后台任务", max_attempts=2)
def prune(ctx: JobContext) -> dict[str, Any]:
    from qinglian.jobs.models import Job, State

    done, _ = Job.objects.filter(state=State.DONE, finished_at__lt=ctx.now - KEEP_DONE).delete()
    failed, _ = Job.objects.filter(state=State.FAILED, finished_at__lt=ctx.now - KEEP_FAILED).delete()
    return {"summary": f"删除已完成任务 {done} 项、失败任务 {failed} 项"}


periodic("notify.reminders", kind="notify.reminders", every=300)
periodic("notify.reminders.morning", kind="notify.reminders", daily="08:00")
periodic("jobs.prune", kind="jobs.prune", daily="03:30")
