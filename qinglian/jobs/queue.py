"""The database as the queue: enqueue, claim, and the guarded moves of a job between states.

A worker claims a due job (queued and past `run_after`, or running with its lease expired: the worker that
held it died) with `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, or on SQLite with a compare-and-set
`UPDATE … WHERE id=? AND state=? AND attempts=?` whose row count says who won. `attempts` grows by one at
each claim, so it is also the claim's version: every later write of the worker is guarded by (state,
locked_by, attempts) and a worker whose lease was taken over finds that it no longer owns the job.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from qinglian.jobs.models import Job, State
from qinglian.jobs.registry import HANDLERS, PERIODIC, Periodic

log = logging.getLogger("qinglian.jobs")
CANDIDATES = 20  # SQLite: due rows read at once; a row another worker won is skipped for the next


class LeaseLost(Exception):
    """This worker no longer owns the job: its lease ran out and another worker took it over, or a person
    stopped it. Whatever the handler was doing is abandoned (its open transaction rolls back)."""


def lease_seconds() -> int:
    return int(getattr(settings, "QINGLIAN_JOB_LEASE_SECONDS", 60))


def retry_delay(attempt: int) -> dt.timedelta:
    """Back-off after the `attempt`-th run failed: 30 s, 1 min, 2 min, 4 min … at most an hour."""
    base = int(getattr(settings, "QINGLIAN_JOB_RETRY_SECONDS", 30))
    return dt.timedelta(seconds=min(base * 2 ** max(attempt - 1, 0), 3600))


def enqueue(kind: str, payload: dict[str, Any] | None = None, *, user: Any = None, unit: Any = None,
            run_after: dt.datetime | None = None, unique_key: str | None = None) -> Job:
    """Queue a job for the handler registered as `kind`. With `unique_key`, a job already queued under the
    key is returned instead of a second one (INSERT … ON CONFLICT DO NOTHING, safe between processes)."""
    spec = HANDLERS.get(kind)
    if spec is None:
        raise ValueError(f"no job handler registered as {kind!r}")
    payload = dict(payload or {})
    json.dumps(payload)  # TypeError now, in the caller, rather than in the worker
    job = Job(kind=kind, payload=payload, run_after=run_after or timezone.now(), max_attempts=spec.max_attempts,
              unique_key=unique_key, unit=unit,
              created_by=user if getattr(user, "is_authenticated", False) else None)
    if unique_key is None:
        job.save()
        return job
    Job.objects.bulk_create([job], ignore_conflicts=True)
    return Job.objects.get(unique_key=unique_key)


def schedule_periodic(now: dt.datetime | None = None, entries: Iterable[Periodic] | None = None) -> list[Job]:
    """Enqueue the current slot of every periodic job not queued for it yet; returns the jobs this call
    created. Two schedulers at once insert the same unique keys, and the database keeps one of each."""
    now = now or timezone.now()
    wanted: dict[str, Job] = {}
    for entry in PERIODIC.values() if entries is None else entries:
        spec = HANDLERS.get(entry.kind)
        if spec is None:
            log.error("周期任务 %s：没有登记任务类型 %s，本时段未排队", entry.name, entry.kind)
            continue
        slot = entry.slot(now)
        key = entry.unique_key(slot)
        wanted[key] = Job(kind=entry.kind, run_after=now, max_attempts=spec.max_attempts, unique_key=key,
                          payload={**entry.payload, "periodic": entry.name, "slot": slot.isoformat()})
    if not wanted:
        return []
    have = set(Job.objects.filter(unique_key__in=list(wanted)).values_list("unique_key", flat=True))
    missing = [job for key, job in wanted.items() if key not in have]
    if not missing:
        return []
    Job.objects.bulk_create(missing, ignore_conflicts=True)
    return list(Job.objects.filter(unique_key__in=[j.unique_key for j in missing], created_at__gte=now))


def _due(now: dt.datetime) -> QuerySet[Job]:
    return (Job.objects.filter(Q(state=State.QUEUED, run_after__lte=now) | Q(state=State.RUNNING, lease_until__lt=now))
            .order_by("run_after", "id"))


def claim(worker: str, *, now: dt.datetime | None = None, lease: int | None = None) -> Job | None:
    """Take one due job for `worker`, or None when nothing is due."""
    now = now or timezone.now()
    lease = lease or lease_seconds()
    if connection.vendor == "postgresql":
        for _ in range(CANDIDATES):
            with transaction.atomic():
                job = _due(now).select_for_update(skip_locked=True).first()
                if job is None:
                    return None
                taken = _take(job, worker, now, lease)
            if taken is not None:
                return taken
        return None
    for job in _due(now).only("id", "state", "attempts", "max_attempts", "kind")[:CANDIDATES]:
        taken = _take(job, worker, now, lease)
        if taken is not None:
            return taken
    return None


def _take(job: Job, worker: str, now: dt.datetime, lease: int) -> Job | None:
    seen = Job.objects.filter(pk=job.pk, state=job.state, attempts=job.attempts)
    if job.state == State.RUNNING and job.attempts >= job.max_attempts:
        # The worker on its last run died (killed, out of memory): running it again might kill the next one.
        if seen.update(state=State.FAILED, finished_at=now, lease_until=None,
                       error=f"工作进程在运行中退出，已运行 {job.attempts} 次，不再重试。请查看工作进程日志后重新排队。"):
            log.error("任务 #%s %s：工作进程在运行中退出 %s 次，已标记为失败", job.pk, job.kind, job.attempts)
        return None
    if job.state == State.RUNNING:
        log.warning("任务 #%s %s：租约已过期（原工作进程可能已退出），重新领取", job.pk, job.kind)
    if not seen.update(state=State.RUNNING, attempts=F("attempts") + 1, locked_by=worker, locked_at=now,
                       lease_until=now + dt.timedelta(seconds=lease), started_at=Coalesce("started_at", now)):
        return None  # another worker was first
    return Job.objects.select_related("created_by", "unit").get(pk=job.pk)


def owned(job: Job, worker: str) -> QuerySet[Job]:
    """The job's row, as long as `worker` still holds the claim it made."""
    return Job.objects.filter(pk=job.pk, state=State.RUNNING, locked_by=worker, attempts=job.attempts)


def renew(job: Job, worker: str, lease: int, **fields: Any) -> None:
    """Extend the lease (and write `fields`, e.g. progress and checkpoint); LeaseLost if no longer owned."""
    until = timezone.now() + dt.timedelta(seconds=lease)
    if not owned(job, worker).update(lease_until=until, **fields):
        raise LeaseLost(f"job {job.pk} is no longer held by {worker}")


def finish(job: Job, worker: str, result: dict[str, Any] | None) -> None:
    done = {"progress_done": F("progress_total")} if job.progress_total else {}
    if not owned(job, worker).update(state=State.DONE, result=result or {}, finished_at=timezone.now(),
                                     lease_until=None, error="", **done):
        raise LeaseLost(f"job {job.pk} is no longer held by {worker}")


def fail(job: Job, worker: str, error: str, *, permanent: bool = False) -> Job:
    """Record a failed run: queued again after the back-off, or `failed` for good after the last attempt (or
    at once when `permanent`). Returns the job as it now stands."""
    now = timezone.now()
    if permanent or job.attempts >= job.max_attempts:
        fields: dict[str, Any] = {"state": State.FAILED, "finished_at": now}
    else:
        fields = {"state": State.QUEUED, "run_after": now + retry_delay(job.attempts)}
    if not owned(job, worker).update(error=error[:20000], lease_until=None, locked_by="", **fields):
        raise LeaseLost(f"job {job.pk} is no longer held by {worker}")
    return Job.objects.get(pk=job.pk)


def release(job: Job, worker: str) -> None:
    """Give the job back to the queue at once (the worker was asked to stop); the run is not counted."""
    owned(job, worker).update(state=State.QUEUED, run_after=timezone.now(), lease_until=None, locked_by="",
                              attempts=F("attempts") - 1)


def requeue(job: Job) -> bool:
    """Queue a failed job again with a fresh set of attempts (the system admin, after fixing the cause)."""
    return bool(Job.objects.filter(pk=job.pk, state=State.FAILED).update(
        state=State.QUEUED, attempts=0, run_after=timezone.now(), finished_at=None, locked_by=""))
