"""Uploads are what they say they are (issue 11, finding 7): known by content and name, old formats converted.

Through the real pages: evidence of a rectification measure, an activity's attachments, a publication's
clipping, a letter's scan, a report to check or import, a report template.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from paperwork import convert
from paperwork.tests.data import samples
from qinglian.ledger.models import Evidence, Measure
from qinglian.lib import files
from qinglian.lib.testing import World
from qinglian.publicity.models import Outlet, Publication
from qinglian.records.models import Activity, ActivityKind, Attachment, Letter, LetterKind
from qinglian.reports.models import ReportTemplate

# engine-independent (subprocesses, LibreOffice, readers): run once, on SQLite (Makefile)
pytestmark = pytest.mark.single_engine

ACCEPTED = "仅支持上传 PDF、Word（.docx）、Excel（.xlsx）、OFD、JPG、PNG。"
FAKE_DOCX = samples.zip_of({"a.bin": b"\x01\x02\x03", "notes/readme.txt": b"not a document"})
REFUSED = [("页面.html", samples.HTML, "格式不受支持"), ("发票.pdf", samples.EXE, "不是有效的 PDF 文件"),
           ("方案.docx", FAKE_DOCX, "不是有效的 Word 文档")]
needs_soffice = pytest.mark.skipif(convert.soffice() is None, reason="未安装 LibreOffice")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> Iterator[None]:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "files"
    yield
    assert not list((tmp_path / "files").rglob("*.html")), "nothing refused is left on disk"


def _progress(client: Client, measure: Measure, name: str, data: bytes) -> str:
    response = client.post(f"/ledger/measures/{measure.pk}/progress/", follow=True, data={
        "text": "已印发制度", "status_after": "done", "files": [SimpleUploadedFile(name, data)]})
    assert response.status_code in (200, 400)  # saved (and redirected), or the form shown again with why
    return response.content.decode()


def _activity(client: Client, world: World, name: str, data: bytes) -> tuple[int, str]:
    response = client.post("/records/activities/new/", {
        "unit": world.a.pk, "kind": ActivityKind.objects.get(code="party_group_meeting").pk,
        "happened_on": "2024年3月5日", "topic": "研究部署党风廉政建设工作", "participants": [world.principal_a.pk],
        "presided_by": world.principal_a.pk, "files": [SimpleUploadedFile(name, data)]})
    return response.status_code, response.content.decode()


# -- refused, with the Chinese message naming what is accepted ---------------------------------------------
@pytest.mark.parametrize(("name", "data", "why"), REFUSED, ids=[r[0] for r in REFUSED])
def test_evidence_that_is_not_what_it_says_is_refused(world: World, measure: Measure, name: str, data: bytes,
                                                      why: str) -> None:
    page = _progress(world.client("clerk_a"), measure, name, data)
    assert f"证明材料“{name}”" in page and why in page and ACCEPTED in page
    assert not Evidence.objects.exists() and not measure.progress.exists()


@pytest.mark.parametrize(("name", "data", "why"), REFUSED, ids=[r[0] for r in REFUSED])
def test_attachments_that_are_not_what_they_say_are_refused(world: World, name: str, data: bytes,
                                                            why: str) -> None:
    status, page = _activity(world.client("clerk_a"), world, name, data)
    assert status == 200 and f"附件“{name}”" in page and why in page and ACCEPTED in page
    assert not Activity.objects.exists() and not Attachment.objects.exists()


@pytest.mark.parametrize(("name", "data"), [("剪报.html", samples.HTML), ("剪报.png", samples.EXE),
                                            ("剪报.docx", samples.docx_bytes())])
def test_a_clipping_is_a_picture_or_a_pdf(world: World, name: str, data: bytes) -> None:
    response = world.client("clerk_a").post("/publicity/new/", {
        "unit": world.a.pk, "title": "我县扎实推进清廉机关建设", "outlet": Outlet.objects.get(name="人民日报").pk,
        "published_on": "2026年3月5日", "adopted": "on", "counting_unit": "篇",
        "clipping": SimpleUploadedFile(name, data)})
    page = response.content.decode()
    assert response.status_code == 200 and f"剪报或截图“{name}”" in page
    assert "仅支持上传 PDF、OFD、JPG、PNG。" in page and not Publication.objects.exists()


def test_a_letter_scan_is_a_picture_or_a_pdf(world: World) -> None:
    letter = Letter.objects.create(issuer=world.a, unit=world.a, year=2024, kind=LetterKind.RESPONSIBILITY,
                                   to_member=True)
    response = world.client("leader_a").post(f"/records/letters/{letter.pk}/sign/", {
        "signed_on": "2024年2月1日", "version": letter.version, "scan": SimpleUploadedFile("责任书.pdf", samples.HTML)})
    page = response.content.decode()
    assert "扫描件“责任书.pdf”不是有效的 PDF 文件" in page and "仅支持上传 PDF、OFD、JPG、PNG。" in page
    letter.refresh_from_db()
    assert letter.signed_on is None and not letter.scan


def test_a_report_to_check_is_docx_or_txt(world: World) -> None:
    response = world.client("clerk_a").post("/reports/check/", {"file": SimpleUploadedFile("报告.html", samples.HTML)})
    page = response.content.decode()
    assert response.status_code == 400 and "仅支持上传 Word（.docx）、PDF、文本（.txt）。" in page


# -- accepted, as stored ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "data"), [("制度.pdf", samples.PDF), ("方案.docx", samples.docx_bytes()),
                                            ("台账.xlsx", samples.xlsx_bytes()), ("发票.ofd", samples.ofd_bytes()),
                                            ("现场.jpeg", samples.JPG), ("截图.png", samples.png())])
def test_real_files_are_kept_as_they_are(world: World, measure: Measure, name: str, data: bytes) -> None:
    _progress(world.client("clerk_a"), measure, name, data)
    evidence = Evidence.objects.get()
    assert evidence.name == name and files.path_of(evidence).read_bytes() == data


def test_the_allowlist_follows_the_setting(world: World, measure: Measure, settings) -> None:  # type: ignore[no-untyped-def]
    settings.QINGLIAN_UPLOAD_TYPES = ("pdf", "jpeg")
    page = _progress(world.client("clerk_a"), measure, "方案.docx", samples.docx_bytes())
    assert "仅支持上传 PDF、JPG。" in page and not Evidence.objects.exists()
    _progress(world.client("clerk_a"), measure, "现场.jpg", samples.JPG)
    assert Evidence.objects.get().name == "现场.jpg"


# -- old formats, converted by LibreOffice ------------------------------------------------------------------
def _old(data: bytes, suffix: str) -> bytes:
    made = samples.old_office(data, suffix)
    if made is None:
        pytest.skip(f"LibreOffice 不能生成 .{suffix}（未安装或缺少组件）")
    return made


@needs_soffice
def test_a_doc_evidence_is_stored_as_docx(world: World, measure: Measure) -> None:
    _progress(world.client("clerk_a"), measure, "整改方案.doc", _old(samples.docx_bytes("整改方案正文"), "doc"))
    evidence = Evidence.objects.get()
    assert evidence.name == "整改方案.docx"
    paragraphs = [p.text for p in docx.Document(io.BytesIO(files.path_of(evidence).read_bytes())).paragraphs]
    assert "整改方案正文" in paragraphs


@needs_soffice
def test_an_xls_attachment_is_stored_as_xlsx(world: World) -> None:
    status, _ = _activity(world.client("clerk_a"), world, "签到表.xls", _old(samples.xlsx_bytes("签到表"), "xls"))
    assert status == 302
    attachment = Attachment.objects.get()
    assert attachment.name == "签到表.xlsx"
    assert load_workbook(io.BytesIO(files.path_of(attachment).read_bytes())).active["A1"].value == "签到表"


@needs_soffice
def test_a_doc_report_is_read_for_checking(world: World) -> None:
    text = "县委宣传部2026年度报告\n一、基本情况\n年内组织中心组学习14次，廉政党课*次。"
    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    response = world.client("clerk_a").post("/reports/check/", {
        "file": SimpleUploadedFile("报告.doc", _old(buffer.getvalue(), "doc"))})
    page = response.content.decode()
    assert response.status_code == 200 and "发现 1 处" in page and "占位符" in page


@needs_soffice
def test_a_doc_report_is_imported_into_the_ledger(world: World) -> None:
    seeds = Path(__file__).resolve().parents[4] / "shared" / "seeds"
    found = sorted(seeds.glob("003_*.txt"))
    if not found:
        pytest.skip("没有种子报告 003")
    document = docx.Document()
    for line in found[0].read_text(encoding="utf-8").splitlines():
        if line.strip():
            document.add_paragraph(line.strip())
    buffer = io.BytesIO()
    document.save(buffer)
    client = world.client("clerk_a")  # one session: the preview is kept in it
    response = client.post("/ledger/report-import/", {
        "unit": world.a.pk, "file": SimpleUploadedFile("整改通报.doc", _old(buffer.getvalue(), "doc"))})
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert "整改通报.docx" in client.get(response["Location"]).content.decode()


@needs_soffice
def test_a_doc_template_is_stored_as_docx(world: World) -> None:
    client = world.client("clerk_a")
    default = client.get("/reports/templates/default/summary.docx").content
    response = client.post("/reports/templates/", {
        "genre": "summary", "file": SimpleUploadedFile("我的模板.doc", _old(default, "doc"))})
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert ReportTemplate.objects.get().name == "我的模板.docx"


def test_without_libreoffice_an_old_format_is_refused_with_save_as(world: World, measure: Measure,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(convert, "soffice", lambda: None)
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + bytes(600)
    page = _progress(world.client("clerk_a"), measure, "旧方案.doc", ole)
    assert "证明材料“旧方案.doc”" in page and "请另存为 .docx / .xlsx 后上传" in page
    assert not Evidence.objects.exists()


def test_unknown_and_old_kinds_in_the_setting_are_ignored_with_a_warning(settings) -> None:  # type: ignore[no-untyped-def]
    from django.core import checks

    settings.QINGLIAN_UPLOAD_TYPES = ("pdf", "exe", "doc", "JPEG".lower())
    assert files.upload_types() == ("pdf", "jpg") and files.upload_types(*files.PICTURES) == ("pdf", "jpg")
    warned = [m.msg for m in checks.run_checks() if m.id == "qinglian.W020"]
    assert warned and "exe、doc" in warned[0]
