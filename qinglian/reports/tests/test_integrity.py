"""党风廉政意见回复 (`integrity`): a supervisor's answer on one cadre, reopened with python-docx: its sections,
its figures equal to the records' counts and traced, the content of a 敏感 talk only for a reader cleared for it
(absent from every part of the file otherwise), and refused to everyone but the cadre's supervisors."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document

from paperwork.write import pdf_available
from qinglian.audit.models import Action, AuditEntry
from qinglian.ledger.models import Closure, Measure, MeasureStatus, SupervisionOrder
from qinglian.lib import tracking
from qinglian.lib.models import SecurityLabel
from qinglian.lib.testing import client_for, load_demo, make_user
from qinglian.org.models import Role, User
from qinglian.records.models import Activity, Letter
from qinglian.reports.integrity import figure_querysets
from qinglian.reports.models import GeneratedReport
from qinglian.reports.services import report_generate

from .conftest import YEAR, Seeded, _activity

SECRET = "对其分管领域工程招投标中的苗头性问题进行诫勉提醒"
HEADINGS = ["一、基本情况", "二、履行党风廉政建设责任情况", "三、接受谈话提醒情况", "四、牵头整改事项及完成情况",
            "五、督办情况", "六、结论意见"]


@dataclass
class Cadre:
    seeded: Seeded
    protected: Activity


@pytest.fixture
def cadre(seeded: Seeded) -> Cadre:
    """李副部长 (member_a): besides the seeded 提醒谈话 and four measures as 责任领导, a 敏感 约谈 whose content is
    protected, a letter signed, one measure closed early and a 督办 on another."""
    w = seeded.world
    protected = _activity(w.a, "admonition_talk", dt.date(YEAR, 9, 2), "约谈", presided=w.principal_a,
                          talked_to=[w.member_a])
    protected.minutes = SECRET
    protected.security_label = SecurityLabel.SENSITIVE
    protected.save()
    Letter.objects.create(kind="pledge", year=YEAR, issuer=w.a, unit=w.a, signatory=w.member_a, to_member=True,
                          signed_on=dt.date(YEAR, 2, 20))
    measures = list(Measure.objects.filter(leader_in_charge=w.member_a).order_by("id"))
    with tracking.bulk("测试准备"):
        Measure.objects.filter(pk=measures[0].pk).update(closure=Closure.CLOSED, closed_at=dt.date(YEAR, 10, 1))
    SupervisionOrder.objects.create(unit=w.a, problem=measures[3].problem, measure=measures[3],
                                    issued_by=w.supervisor, content="限期完成财务制度修订", due_date=dt.date(YEAR, 11, 30))
    return Cadre(seeded=seeded, protected=protected)


def _generate(client, person, year: int = YEAR):  # type: ignore[no-untyped-def]
    return client.post("/reports/integrity/", {"person": person.pk, "year": year})


def _docx(client, report: GeneratedReport) -> bytes:  # type: ignore[no-untyped-def]
    response = client.get(f"/reports/{report.pk}/download/")
    assert response.status_code == 200
    return response.content


def _all_parts(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return "".join(z.read(name).decode("utf-8", "replace") for name in z.namelist())


def _text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _clear(user) -> None:  # type: ignore[no-untyped-def]
    user.clearance = SecurityLabel.SENSITIVE
    user.save(update_fields=["clearance"])


def test_the_opinion_opens_with_its_sections_and_traced_figures(cadre: Cadre) -> None:
    w = cadre.seeded.world
    client = w.client("supervisor")
    response = _generate(client, w.member_a)
    assert response.status_code == 302, response.content.decode()[:800]
    report = GeneratedReport.objects.get(genre="integrity")
    assert report.person == w.member_a and report.unit == w.a
    doc = Document(io.BytesIO(_docx(client, report)))
    texts = [p.text for p in doc.paragraphs]
    assert "关于李副部长同志党风廉政情况的意见回复" in "".join(texts)
    assert [t for t in texts if t in HEADINGS] == HEADINGS
    body = _text(_docx(client, report))
    assert "是否有反映该同志的问题线索：________" in body and "（由纪委监委填写）" in body
    # the figures are the records' counts
    qs = figure_querysets(w.member_a, dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31), dt.date.today())
    assert qs["talk.received"].count() == 2 and qs["ledger.measures"].count() == 4
    assert qs["ledger.early"].count() == 1 and qs["order.total"].count() == 1
    assert "接受谈话2次，其中" in body and "约谈1次" in body and "廉政提醒谈话1次" in body
    assert "作为责任领导或责任人牵头整改措施4条" in body and "提前完成1条" in body and "下发督办1件" in body
    assert "签订党风廉政建设责任书和廉政承诺书1份" in body
    # every figure is traced: the trace page lists its records, each count equal to what it printed
    by_kind = {f["kind"]: f for f in report.figures}
    assert by_kind["integrity.talk.received"]["count"] == 2
    trace = client.get(f"/reports/{report.pk}/trace/")
    assert trace.status_code == 200
    page = trace.content.decode()
    assert "限期完成财务制度修订" not in page  # a 督办 is listed by its state, a talk by its kind
    assert reverse("records:activity", args=[cadre.protected.pk]) in page
    detail = client.get(f"/reports/{report.pk}/").content.decode()
    assert f'/reports/{report.pk}/trace/#f' in detail
    assert AuditEntry.objects.filter(action=Action.GENERATE, summary__contains="李副部长").exists()


def test_protected_talk_content_only_for_a_cleared_reader(cadre: Cadre) -> None:
    w = cadre.seeded.world
    client = w.client("supervisor")  # 内部 clearance
    assert _generate(client, w.member_a).status_code == 302
    low = GeneratedReport.objects.latest("id")
    content = _docx(client, low)
    assert SECRET not in _all_parts(content)
    assert "（内容按密级不予显示）" in _text(content)
    assert "节前廉政提醒" in _text(content)  # the 内部 talk is quoted
    assert low.security_label == SecurityLabel.INTERNAL

    _clear(w.supervisor)
    client = w.client("supervisor")
    assert _generate(client, w.member_a).status_code == 302
    high = GeneratedReport.objects.latest("id")
    assert SECRET in _text(_docx(client, high))
    assert high.security_label == SecurityLabel.SENSITIVE  # so a 内部 reader cannot open it from the history
    w.supervisor.clearance = SecurityLabel.INTERNAL
    w.supervisor.save(update_fields=["clearance"])
    client = w.client("supervisor")
    assert client.get(f"/reports/{high.pk}/download/").status_code == 404
    assert client.get(f"/reports/{low.pk}/download/").status_code == 200


def test_only_the_cadres_supervisors_may_ask(cadre: Cadre) -> None:
    w = cadre.seeded.world
    for who in ("clerk_a", "leader_a"):
        assert _generate(w.client(who), w.member_a).status_code == 403
        assert w.client(who).get("/reports/integrity/").status_code == 403
    assert not GeneratedReport.objects.filter(genre="integrity").exists()
    # a draft made by the supervisor is not in the cadre's unit's history, nor reachable by its URL
    assert _generate(w.client("supervisor"), w.member_a).status_code == 302
    report = GeneratedReport.objects.get(genre="integrity")
    clerk = w.client("clerk_a")
    assert "意见回复" not in clerk.get("/reports/").content.decode()
    assert clerk.get(f"/reports/{report.pk}/").status_code == 404  # as a record of another unit
    assert clerk.get(f"/reports/{report.pk}/download/").status_code == 404


def test_a_supervisor_cannot_ask_outside_the_units_supervised(cadre: Cadre) -> None:
    w = cadre.seeded.world
    response = _generate(client_for(make_user("supervisor_b", Role.SUPERVISOR, w.b)), w.member_a)
    assert response.status_code == 400
    assert "请从搜索结果中选择" in response.content.decode()
    assert not GeneratedReport.objects.filter(genre="integrity").exists()


def test_the_service_refuses_and_audits(cadre: Cadre) -> None:
    w = cadre.seeded.world
    with pytest.raises(PermissionDenied):
        report_generate(user=w.leader_a, unit=w.a, genre="integrity", date_from=dt.date(YEAR, 1, 1),
                        date_to=dt.date(YEAR, 12, 31), person=w.member_a)
    assert AuditEntry.objects.filter(action=Action.REFUSED, summary__contains="李副部长").exists()


def test_the_people_search_is_bounded_and_scoped(cadre: Cadre) -> None:
    w = cadre.seeded.world
    page = w.client("supervisor").get("/reports/integrity/people/", {"q": "李"}).content.decode()
    assert "李副部长" in page
    other = client_for(make_user("supervisor_b", Role.SUPERVISOR, w.b))
    assert "李副部长" not in other.get("/reports/integrity/people/", {"q": "李"}).content.decode()
    assert w.client("clerk_a").get("/reports/integrity/people/", {"q": "李"}).status_code == 403


def test_the_status_of_measures_is_their_outcome(cadre: Cadre) -> None:
    w = cadre.seeded.world
    client = w.client("supervisor")
    assert _generate(client, w.member_a).status_code == 302
    body = _text(_docx(client, GeneratedReport.objects.latest("id")))
    assert "提前完成" in body and MeasureStatus.IN_PROGRESS.label in body


def test_the_command_writes_the_opinion_as_the_supervisor_named(cadre: Cadre, tmp_path) -> None:  # type: ignore[no-untyped-def]
    w = cadre.seeded.world
    out = tmp_path / "意见回复.docx"
    stdout = io.StringIO()
    call_command("report", "--genre", "integrity", "--person", str(w.member_a.pk), "--from", f"{YEAR}-01-01",
                 "--to", f"{YEAR}-12-31", "--as", "supervisor", "-o", str(out), stdout=stdout)
    assert "integrity.talk.received" in stdout.getvalue()
    content = out.read_bytes()
    assert "关于李副部长同志党风廉政情况的意见回复" in _text(content)
    assert SECRET not in _all_parts(content)  # the supervisor's 内部 clearance applies on the command line too
    report = GeneratedReport.objects.get(genre="integrity")
    assert report.created_by == w.supervisor
    assert AuditEntry.objects.filter(action=Action.GENERATE, actor=w.supervisor).exists()


@pytest.mark.parametrize("args,message", [
    ([], "--as"),
    (["--as", "nobody"], "找不到账号"),
    (["--as", "clerk_a"], "只有监督员"),
    (["--as", "supervisor", "--person", "999999"], "找不到编号"),
])
def test_the_command_refuses(cadre: Cadre, tmp_path, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    w = cadre.seeded.world
    person = [] if "--person" in args else ["--person", str(w.member_a.pk)]
    with pytest.raises(CommandError, match=message):
        call_command("report", "--genre", "integrity", "--year", str(YEAR), *person, *args,
                     "-o", str(tmp_path / "x.docx"), stdout=io.StringIO())
    assert not GeneratedReport.objects.filter(genre="integrity").exists()


def test_every_figure_of_the_opinion_has_its_definition(cadre: Cadre) -> None:
    from qinglian.stats.definitions import definitions_for

    w = cadre.seeded.world
    assert _generate(w.client("supervisor"), w.member_a).status_code == 302
    kinds = {f["kind"] for f in GeneratedReport.objects.get(genre="integrity").figures}
    found = definitions_for(kinds)
    assert kinds <= set(found), kinds - set(found)
    assert all(d.is_complete() for d in found.values())


@pytest.mark.slow
def test_the_demo_cadre(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The demo county: the 派驻组 supervisor's opinion on a 宣传部 team member whose 提醒谈话 is 敏感."""
    load_demo("--today", "2026-11-23")
    talk = Activity.objects.get(security_label=SecurityLabel.SENSITIVE, kind__code="integrity_reminder_talk")
    cadre = talk.talked_to.filter(team_role="team_member").order_by("id").first()
    supervisor = User.objects.get(username="jjz_supervisor")
    client = client_for(supervisor)
    assert client.post("/reports/integrity/", {"person": cadre.pk, "year": 2026}).status_code == 302
    report = GeneratedReport.objects.filter(genre="integrity", person=cadre).latest("id")
    content = _docx(client, report)
    doc = Document(io.BytesIO(content))
    assert [p.text for p in doc.paragraphs if p.text in HEADINGS] == HEADINGS
    marker = re.search(r"谈话记录第\d{4}号", str(talk.minutes)).group(0)  # this talk's alone (demo_texts)
    assert marker not in _all_parts(content)
    assert "（内容按密级不予显示）" in _text(content)
    counts = {f["kind"]: f["count"] for f in report.figures}
    querysets = figure_querysets(cadre, dt.date(2026, 1, 1), dt.date(2026, 12, 31), dt.date(2026, 11, 23))
    for key in ("talk.received", "ledger.measures", "order.total"):
        assert counts[f"integrity.{key}"] == querysets[key].count()
    assert counts["integrity.talk.received"] >= 1
    _clear(supervisor)
    client = client_for(supervisor)
    assert client.post("/reports/integrity/", {"person": cadre.pk, "year": 2026}).status_code == 302
    assert marker in _text(_docx(client, GeneratedReport.objects.latest("id")))


def test_the_reports_page_leads_a_supervisor_to_the_opinion(cadre: Cadre) -> None:
    w = cadre.seeded.world
    assert "/reports/integrity/" in w.client("supervisor").get("/reports/").content.decode()
    assert "/reports/integrity/" not in w.client("clerk_a").get("/reports/").content.decode()
    page = w.client("supervisor").get("/reports/integrity/").content.decode()
    assert "搜索干部" in page and "内容" in page


def _plaintext_anywhere(text: str) -> list[str]:
    """Every table of the database and every file under MEDIA_ROOT holding `text` in plain."""
    from django.conf import settings
    from django.db import connection

    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            if any(text in str(value) for row in cursor.fetchall() for value in row):
                found.append(table)
    for path in Path(settings.MEDIA_ROOT).rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            parts = _all_parts(data) if zipfile.is_zipfile(io.BytesIO(data)) else data.decode("utf-8", "replace")
            if text in parts:
                found.append(str(path))
    return found


def test_an_opinion_quoting_a_protected_talk_is_kept_sealed(cadre: Cadre) -> None:
    """What the talk said is encrypted in its record; the opinion quoting it keeps it no plainer: not in its
    snapshot, its history, its file or its PDF; the cleared reader still reads it on the page and in the file."""
    w = cadre.seeded.world
    _clear(w.supervisor)
    client = w.client("supervisor")
    assert _generate(client, w.member_a).status_code == 302
    report = GeneratedReport.objects.latest("id")
    assert report.blocks == [] and report.stored.endswith(".docx.sm4")
    assert SECRET in client.get(f"/reports/{report.pk}/").content.decode()  # the preview opens the snapshot
    assert SECRET in _text(_docx(client, report))
    assert _plaintext_anywhere(SECRET) == []
    # a sealed file moved onto another draft's name is refused, not shown
    assert _generate(client, w.member_a).status_code == 302
    other = GeneratedReport.objects.latest("id")
    from qinglian.lib import files

    files.media_path(other.stored).write_bytes(files.media_path(report.stored).read_bytes())
    response = client.get(f"/reports/{other.pk}/download/", follow=True)
    assert response.redirect_chain[-1][0] == f"/reports/{other.pk}/" and "无法解密" in response.content.decode()
    assert AuditEntry.objects.filter(action=Action.TAMPERED, summary__contains="报告文件").count() == 1


@pytest.mark.skipif(not pdf_available(), reason="LibreOffice 未安装")
def test_the_sealed_opinions_pdf_is_sealed_too(cadre: Cadre) -> None:
    w = cadre.seeded.world
    _clear(w.supervisor)
    client = w.client("supervisor")
    assert _generate(client, w.member_a).status_code == 302
    report = GeneratedReport.objects.latest("id")
    response = client.get(f"/reports/{report.pk}/pdf/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    report.refresh_from_db()
    assert report.pdf_stored.endswith(".pdf.sm4")
    assert client.get(f"/reports/{report.pk}/pdf/").content == response.content  # the kept one, opened again
    assert _plaintext_anywhere(SECRET) == []
