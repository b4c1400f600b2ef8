"""The report check page reads a text PDF and says plainly that a scanned one has no text."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from paperwork.tests.pdfs import scanned_pdf, text_pdf

from .conftest import YEAR


def test_a_text_pdf_is_checked_like_its_text(world: Any) -> None:
    pdf = text_pdf([[f"县委宣传部{YEAR}年度报告", "一、基本情况", "年内组织中心组学习 14 次，廉政党课*次。", "- 1 -"]])
    response = world.client("clerk_a").post("/reports/check/", {"file": SimpleUploadedFile("报告.pdf", pdf)})
    body = response.content.decode()
    assert response.status_code == 200, body[:1500]
    assert "发现 1 处" in body and "占位符" in body


def test_a_scanned_pdf_is_refused_with_what_to_upload(world: Any) -> None:
    response = world.client("clerk_a").post("/reports/check/", {"file": SimpleUploadedFile("扫描.pdf", scanned_pdf())})
    body = response.content.decode()
    assert response.status_code == 400 and "这份 PDF 是扫描件" in body and "没有可读取的文字" in body
