"""A ledger with more rows than LEDGER_IMPORT_QUEUE_ROWS is imported by the worker: the confirm leads to the
job's progress bar, the worker writes it once, and the job page links the source; a worker that loses the
job half-way leaves nothing written and the next run imports it exactly once."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from qinglian.jobs.models import Job, State
from qinglian.jobs.queue import LeaseLost
from qinglian.jobs.worker import Worker
from qinglian.ledger.models import Measure, Problem, Source
from qinglian.ledger.tests.sheets import build


def _previewed(client) -> str:  # type: ignore[no-untyped-def]
    upload = io.BytesIO(build())
    upload.name = "台账.xlsx"
    response = client.post("/ledger/import/", {"file": upload, "kind": "inspection", "issued_by": "县委第二巡察组",
                                               "feedback_date": "2021年7月26日"})
    assert response.status_code == 302
    return response["Location"]


def test_a_large_import_runs_on_the_worker_with_progress_and_a_link(world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LEDGER_IMPORT_QUEUE_ROWS = 10  # the 3 aspects, 12 problems and 24 measures are "large" here
    client = world.client("clerk_a")
    location = _previewed(client)
    confirmed = client.post(location + "confirm/")
    job = Job.objects.get(kind="ledger.import")
    assert confirmed.status_code == 302 and confirmed["Location"] == f"/jobs/{job.pk}/"
    assert not Source.objects.exists()  # nothing yet: the worker writes it
    waiting = client.get(confirmed["Location"]).content.decode()
    assert "导入整改台账" in waiting and 'hx-trigger="every 2s"' in waiting

    Worker(schedule=False).run(once=True)
    job.refresh_from_db()
    assert job.state == State.DONE and job.progress_done == job.progress_total > 0
    source = Source.objects.get()
    assert Measure.objects.filter(problem__aspect__source=source).count() == 24
    assert Problem.objects.leaves().filter(aspect__source=source).count() == 12
    done = client.get(f"/jobs/{job.pk}/progress/", HTTP_HX_REQUEST="true").content.decode()
    assert "已导入：3个方面12项具体问题24条措施" in done and "hx-trigger" not in done
    assert f'href="/ledger/sources/{source.pk}/"' in done
    assert client.get(location).status_code == 404  # the preview is gone: the file was imported


def test_a_worker_that_loses_the_job_midway_leaves_nothing_and_the_retry_imports_once(  # type: ignore[no-untyped-def]
        world, settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from qinglian.jobs.context import JobContext

    settings.LEDGER_IMPORT_QUEUE_ROWS = 10
    settings.QINGLIAN_JOB_RETRY_SECONDS = 0
    client = world.client("clerk_a")
    client.post(_previewed(client) + "confirm/")
    real = JobContext.progress

    def lost_at_the_end(self, done: int, total: int, text: str = "") -> None:  # type: ignore[no-untyped-def]
        if total and done == total:
            raise LeaseLost
        real(self, done, total, text)

    monkeypatch.setattr(JobContext, "progress", lost_at_the_end)
    Worker(schedule=False).run(once=True)
    assert not Source.objects.exists() and not Measure.objects.exists()  # rolled back whole

    monkeypatch.setattr(JobContext, "progress", real)
    # the lease of the lost run runs out: the next worker takes the job over
    Job.objects.filter(kind="ledger.import").update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    Worker(schedule=False).run(once=True)
    assert Job.objects.get(kind="ledger.import").state == State.DONE
    assert Source.objects.count() == 1 and Measure.objects.count() == 24


def test_a_small_import_is_written_at_once(world) -> None:  # type: ignore[no-untyped-def]
    client = world.client("clerk_a")
    confirmed = client.post(_previewed(client) + "confirm/")
    assert confirmed["Location"].startswith("/ledger/") and not Job.objects.filter(kind="ledger.import").exists()
    assert Measure.objects.count() == 24
