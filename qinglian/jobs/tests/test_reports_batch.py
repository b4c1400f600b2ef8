"""A batch of reports started from the page runs on the queue: one draft per unit directly below, made as
the person who asked, linked on the job's page when done; a resumed batch skips the units already done."""

from __future__ import annotations

import datetime as dt

from qinglian.jobs.models import Job, State
from qinglian.jobs.worker import Worker
from qinglian.reports.models import GeneratedReport


def test_batch_from_the_page_makes_one_draft_per_unit_below(world) -> None:  # type: ignore[no-untyped-def]
    supervisor = world.client("supervisor")
    assert "批量生成下级单位报告" in supervisor.get("/reports/").content.decode()
    assert supervisor.get("/reports/batch/").status_code == 200
    started = supervisor.post("/reports/batch/start/", {"unit": world.county.pk, "genre": "responsibility",
                                                        "year": 2025})
    assert started.status_code == 302
    job = Job.objects.get(kind="reports.batch")
    assert started["Location"] == f"/jobs/{job.pk}/" and job.unit == world.county
    assert 'hx-trigger="every 2s"' in supervisor.get(started["Location"]).content.decode()

    Worker(schedule=False).run(once=True)
    job.refresh_from_db()
    assert job.state == State.DONE and (job.progress_done, job.progress_total) == (2, 2)
    reports = GeneratedReport.objects.filter(created_by=world.supervisor).order_by("unit__path")
    assert [r.unit for r in reports] == [world.a, world.b]  # A and B, not A's own 股室 nor the county
    done = supervisor.get(f"/jobs/{job.pk}/progress/", HTTP_HX_REQUEST="true").content.decode()
    assert "已生成 2 份报告" in done and 'hx-trigger' not in done
    for report in reports:
        assert f'href="/reports/{report.pk}/"' in done
        assert supervisor.get(f"/reports/{report.pk}/").status_code == 200


def test_a_resumed_batch_skips_units_already_done(world) -> None:  # type: ignore[no-untyped-def]
    from qinglian.reports.jobs import report_batch_enqueue

    job = report_batch_enqueue(user=world.supervisor, unit=world.county, genre="summary",
                               date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 12, 31))
    Job.objects.filter(pk=job.pk).update(checkpoint={"units": [world.a.pk, world.b.pk], "done": [world.a.pk],
                                                     "reports": [], "skipped": []})  # a crashed run did A
    Worker(schedule=False).run(once=True)
    assert list(GeneratedReport.objects.values_list("unit", flat=True)) == [world.b.pk]


def test_a_clerk_cannot_batch_outside_their_unit_nor_a_personal_report(world) -> None:  # type: ignore[no-untyped-def]
    clerk = world.client("clerk_a")
    outside = clerk.post("/reports/batch/start/", {"unit": world.county.pk, "genre": "responsibility", "year": 2025})
    assert outside.status_code == 400 and "请选择您可以查看的单位" in outside.content.decode()
    personal = clerk.post("/reports/batch/start/", {"unit": world.a.pk, "genre": "personal", "year": 2025})
    assert personal.status_code == 400
    leaf = clerk.post("/reports/batch/start/", {"unit": world.a1.pk, "genre": "summary", "year": 2025})
    assert "没有下级单位" in leaf.content.decode()
    assert not Job.objects.exists()
