"""Through HTTP: choose → generate → preview → download / trace / appendix; history; who may see what."""

from __future__ import annotations

import io

import openpyxl
from docx import Document

from qinglian.audit.models import AuditEntry
from qinglian.reports.models import GeneratedReport

from .conftest import YEAR


def _generate(client, world, genre: str = "responsibility", **extra):
    data = {"unit": world.a.pk, "genre": genre, "year": YEAR, **extra}
    return client.post("/reports/generate/", data)


def test_clerk_generates_previews_and_downloads(seeded) -> None:
    w = seeded.world
    clerk = w.client("clerk_a")
    assert clerk.get("/reports/").status_code == 200
    response = _generate(clerk, w)
    assert response.status_code == 302, response.content.decode()[:800]
    report = GeneratedReport.objects.get()
    assert response["Location"] == f"/reports/{report.pk}/"
    assert report.created_by == w.clerk_a and report.unit == w.a and report.genre == "responsibility"
    assert AuditEntry.objects.filter(action="generate", object_id=str(report.pk)).exists()

    page = clerk.get(f"/reports/{report.pk}/").content.decode()
    study = next(f for f in report.figures if f["kind"] == "activity.central_group_study")
    assert f'href="/reports/{report.pk}/trace/#f{study["n"]}"' in page and "组织中心组学习4次</a>" in page

    download = clerk.get(f"/reports/{report.pk}/download/")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    doc = Document(io.BytesIO(download.content))
    assert doc.paragraphs[0].text.replace("\n", "") == report.title

    trace = clerk.get(f"/reports/{report.pk}/trace/").content.decode()
    assert f'id="f{study["n"]}"' in trace and "6月中心组学习" in trace and "股室学习" in trace
    assert "财政局学习" not in trace and "去年的学习" not in trace

    xlsx = clerk.get(f"/reports/{report.pk}/trace.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "报告中的写法", "统计项")
    study_rows = [r for r in rows[1:] if r[3] == "activity.central_group_study"]
    # the figure stands twice (the year's comparison with the last, and the duties paragraph), 4 records each
    assert len(study_rows) == 8 and {r[4] for r in study_rows} == {4}
    talks = [r for r in rows[1:] if r[3] == "activity.integrity_reminder_talk"]
    assert talks[0][8] == 2  # one talk, two persons talked to

    history = clerk.get("/reports/").content.decode()
    assert report.title in history


def test_trace_says_when_records_changed_since_the_draft(seeded) -> None:
    from qinglian.records.models import Activity, ActivityKind

    w = seeded.world
    clerk = w.client("clerk_a")
    _generate(clerk, w)
    report = GeneratedReport.objects.get()
    Activity.objects.create(unit=w.a, kind=ActivityKind.objects.get(code="central_group_study"),
                            happened_on=f"{YEAR}-10-10", topic="后来补录的学习")
    from qinglian.records.services import tally_rebuild

    tally_rebuild()
    page = clerk.get(f"/reports/{report.pk}/trace/").content.decode()
    assert "已变动" in page and "后来补录的学习" in page


def test_personal_report_needs_a_person_of_the_unit(seeded) -> None:
    w = seeded.world
    clerk = w.client("clerk_a")
    missing = _generate(clerk, w, genre="personal")
    assert missing.status_code == 400 and "述责述廉报告请选择述职人" in missing.content.decode()
    outsider = _generate(clerk, w, genre="personal", person=w.staff_b.pk)
    assert outsider.status_code == 400 and "述职人须是所选单位" in outsider.content.decode()
    ok = _generate(clerk, w, genre="personal", person=w.principal_a.pk)
    assert ok.status_code == 302
    assert GeneratedReport.objects.get().person == w.principal_a
    options = clerk.get(f"/reports/people/?unit={w.a.pk}").content.decode()
    assert "王部长" in options and "刘局长" not in options
    assert clerk.get(f"/reports/people/?unit={w.b.pk}").status_code == 404


def test_period_errors_are_chinese_sentences(seeded) -> None:
    w = seeded.world
    response = w.client("clerk_a").post("/reports/generate/", {
        "unit": w.a.pk, "genre": "summary", "date_from": "2026-12-01", "date_to": "2026-01-01"})
    assert response.status_code == 400 and "结束日期早于开始日期" in response.content.decode()
    response = w.client("clerk_a").post("/reports/generate/", {"unit": w.a.pk, "genre": "summary"})
    assert "请填写年度" in response.content.decode()


def test_scoping_other_unit_supervisor_and_admins(seeded) -> None:
    w = seeded.world
    _generate(w.client("clerk_a"), w)
    report = GeneratedReport.objects.get()
    other = w.client("clerk_b")
    for url in ("", "download/", "trace/", "trace.xlsx", "pdf/"):
        assert other.get(f"/reports/{report.pk}/{url}").status_code == 404, url
    assert report.title not in other.get("/reports/").content.decode()
    assert _generate(other, w).status_code == 404  # A is not a unit clerk_b may choose
    assert GeneratedReport.objects.count() == 1

    sup = w.client("supervisor")  # reads the whole county: may preview and generate (generating is reading)
    assert sup.get(f"/reports/{report.pk}/").status_code == 200
    assert sup.get(f"/reports/{report.pk}/download/").status_code == 200
    assert _generate(sup, w, genre="summary").status_code == 302
    assert GeneratedReport.objects.filter(created_by=w.supervisor).count() == 1
    assert sup.post("/reports/templates/", {"genre": "summary"}).status_code == 403

    for admin in ("sysadmin", "secadmin", "auditor"):
        client = w.client(admin)
        assert client.get("/reports/").status_code == 403
        assert client.get(f"/reports/{report.pk}/").status_code == 403
        assert client.post("/reports/generate/", {"unit": w.a.pk, "genre": "summary", "year": YEAR}).status_code == 403


def test_history_page_queries_do_not_grow_with_the_history(seeded, django_assert_max_num_queries) -> None:
    w = seeded.world
    clerk = w.client("clerk_a")
    for _ in range(3):
        _generate(clerk, w, genre="bulletin")
    with django_assert_max_num_queries(12):
        page = clerk.get("/reports/")
    assert page.content.decode().count("新闻宣传通报</a>") == 3
