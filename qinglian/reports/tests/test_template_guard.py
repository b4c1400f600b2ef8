"""A report template upload passes the .xlsx/.docx guard (paperwork.ooxml) before python-docx opens it: a
template carrying a DTD or inflating past the limit is refused in Chinese with a 400, and nothing is kept."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from paperwork.tests.data.bombs import MB, with_doctype, write_bomb
from paperwork.write import default_template
from qinglian.reports.models import ReportTemplate


def _upload(world, content: bytes):  # type: ignore[no-untyped-def]
    return world.client("clerk_a").post("/reports/templates/", {
        "genre": "summary", "file": SimpleUploadedFile("我的模板.docx", content)})


def test_a_template_with_a_dtd_is_refused_before_it_is_rendered(world) -> None:
    response = _upload(world, with_doctype(default_template("summary"), "word/document.xml"))
    assert response.status_code == 400 and "文档类型声明" in response.content.decode()
    assert not ReportTemplate.objects.exists()


def test_a_template_that_inflates_past_the_limit_is_refused(world, settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.QINGLIAN_MAX_UNPACKED_BYTES = 2 * MB
    bomb = write_bomb(tmp_path / "t.docx", default_template("summary"), "word/document.xml", inflated=3 * MB)
    response = _upload(world, bomb.read_bytes())
    assert response.status_code == 400 and "解压后" in response.content.decode()
    assert not ReportTemplate.objects.exists()
    assert _upload(world, default_template("summary")).status_code == 302  # a real one still goes through
