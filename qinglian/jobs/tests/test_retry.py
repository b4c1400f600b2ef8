"""A failing job is retried after a growing back-off; after its last attempt it is `failed`, and the system
admin sees the error on the job list and the job's page and may queue it again."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from qinglian.jobs.models import Job, State
from qinglian.jobs.queue import enqueue
from qinglian.jobs.tests import handlers  # noqa: F401  (registers test.flaky)
from qinglian.jobs.worker import Worker


def _run_due() -> int:
    return Worker(schedule=False).run(once=True)


def _time_passes(job: Job) -> None:
    """The back-off has elapsed."""
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now())


def _delay(job: Job) -> float:
    job.refresh_from_db()
    return (job.run_after - timezone.now()).total_seconds()


def test_failures_back_off_then_succeed(db) -> None:  # type: ignore[no-untyped-def]
    job = enqueue("test.flaky", {"fail": 2})
    assert _run_due() == 1
    job.refresh_from_db()
    assert job.state == State.QUEUED and job.attempts == 1 and "邮件服务器无响应" in job.error
    assert 25 < _delay(job) <= 30
    assert _run_due() == 0  # not due before the back-off ends

    _time_passes(job)
    assert _run_due() == 1
    assert 55 < _delay(job) <= 60  # doubled

    _time_passes(job)
    _run_due()
    job.refresh_from_db()
    assert (job.state, job.attempts, job.result, job.error) == (State.DONE, 3, {"summary": "第 3 次成功"}, "")


def test_last_attempt_fails_for_good_and_the_system_admin_sees_why(world) -> None:  # type: ignore[no-untyped-def]
    job = enqueue("test.flaky", {"fail": 5})
    for _ in range(3):
        _time_passes(job)
        _run_due()
    job.refresh_from_db()
    assert (job.state, job.attempts) == (State.FAILED, 3) and job.finished_at is not None
    _time_passes(job)
    assert _run_due() == 0  # failed jobs stay failed

    admin = world.client("sysadmin")
    listing = admin.get("/jobs/?state=failed").content.decode()
    assert f"#{job.pk} 测试：前几次出错" in listing and "邮件服务器无响应" in listing
    page = admin.get(f"/jobs/{job.pk}/").content.decode()
    assert "任务失败：ConnectionRefusedError: 邮件服务器无响应" in page and "Traceback" in page and "重新排队" in page
    assert f"#{job.pk}" not in world.client("clerk_a").get("/jobs/").content.decode()  # a system job is not theirs

    assert world.client("clerk_a").post(f"/jobs/{job.pk}/retry/").status_code == 403
    assert admin.post(f"/jobs/{job.pk}/retry/").status_code == 302
    job.refresh_from_db()
    assert (job.state, job.attempts) == (State.QUEUED, 0)


def test_a_permanent_error_is_not_retried(db) -> None:  # type: ignore[no-untyped-def]
    job = enqueue("test.flaky", {"permanent": True})
    _run_due()
    job.refresh_from_db()
    assert (job.state, job.attempts, job.error) == (State.FAILED, 1, "参数有误：请重新提交。")


def test_an_unknown_kind_fails_saying_so(db) -> None:  # type: ignore[no-untyped-def]
    job = Job.objects.create(kind="gone.away", run_after=timezone.now() - dt.timedelta(seconds=1))
    _run_due()
    job.refresh_from_db()
    assert job.state == State.FAILED and "未登记的任务类型“gone.away”" in job.error
