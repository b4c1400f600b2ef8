"""The job page's progress fragment through the test client: htmx polls it every 2 s while the job runs,
it shows done/total and the status line, stops polling when done and links the result; only those who may
see the job reach it."""

from __future__ import annotations

import threading

from django.utils import timezone

from qinglian.jobs import queue
from qinglian.jobs.context import JobContext
from qinglian.jobs.queue import enqueue
from qinglian.jobs.tests import handlers  # noqa: F401  (registers test.batch)

HTMX = {"HTTP_HX_REQUEST": "true"}
POLLING = 'hx-trigger="every 2s"'


def test_progress_fragment_polls_until_done_then_links_the_result(world) -> None:  # type: ignore[no-untyped-def]
    job = enqueue("test.batch", {"parts": 4}, user=world.clerk_a, unit=world.a)
    clerk = world.client("clerk_a")
    url = f"/jobs/{job.pk}/progress/"

    queued = clerk.get(url, **HTMX).content.decode()
    assert POLLING in queued and "排队中" in queued and "<html" not in queued

    claimed = queue.claim("test-worker")
    assert claimed is not None and claimed.pk == job.pk
    ctx = JobContext(claimed, worker="test-worker", lease=60, stop=threading.Event(), now=timezone.now())
    ctx.progress(1, 4, "已处理第 1 部分")
    running = clerk.get(url, **HTMX).content.decode()
    assert POLLING in running and "运行中" in running
    assert 'value="25"' in running and "已完成 1 / 4（25%）" in running and "已处理第 1 部分" in running

    queue.finish(claimed, "test-worker", {"summary": "共 4 部分", "links": [{"label": "查看结果", "url": "/jobs/"},
                                                                          {"label": "外站", "url": "https://x.example/"}]})
    done = clerk.get(url, **HTMX).content.decode()
    assert POLLING not in done and "已完成" in done and 'value="100"' in done and "共 4 部分" in done
    assert '<a href="/jobs/">查看结果</a>' in done and "x.example" not in done  # only links inside the site

    page = clerk.get(f"/jobs/{job.pk}/").content.decode()
    assert "<html" in page and 'id="job-progress"' in page


def test_who_sees_a_job(world) -> None:  # type: ignore[no-untyped-def]
    job = enqueue("test.batch", {"parts": 1}, user=world.clerk_a, unit=world.a)
    for who, status in (("clerk_a", 200), ("leader_a", 200), ("supervisor", 200), ("sysadmin", 200),
                        ("clerk_b", 404), ("auditor", 403)):
        assert world.client(who).get(f"/jobs/{job.pk}/progress/").status_code == status, who
    assert f"#{job.pk}" in world.client("leader_a").get("/jobs/").content.decode()
    assert f"#{job.pk}" not in world.client("clerk_b").get("/jobs/").content.decode()
    own = enqueue("test.batch", {"parts": 1}, user=world.clerk_b)  # no unit: its starter's alone
    assert world.client("clerk_b").get(f"/jobs/{own.pk}/").status_code == 200
    assert world.client("supervisor").get(f"/jobs/{own.pk}/").status_code == 404


def test_the_job_list_costs_the_same_queries_for_3_jobs_or_30(world) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clerk = world.client("clerk_a")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert clerk.get("/jobs/").status_code == 200
        return len(captured)

    queries()  # the session's first request looks up more (its device, the memo)
    for _ in range(3):
        enqueue("test.batch", {"parts": 1}, user=world.clerk_a, unit=world.a)
    few = queries()
    for _ in range(27):
        enqueue("test.batch", {"parts": 1}, user=world.clerk_a, unit=world.a)
    assert queries() == few
