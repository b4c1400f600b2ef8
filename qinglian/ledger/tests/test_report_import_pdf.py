"""The report import reads a text PDF as it reads a .docx, and tells a scan apart (through HTTP)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from paperwork.tests.pdfs import scanned_pdf, text_pdf
from qinglian.ledger.models import Measure, Problem, Source

UPLOAD = "/ledger/report-import/"
REPORT = text_pdf([
    ["示范县县委宣传部2024年度落实党风廉政建设", "责任制情况报告", "一、主要工作", "全年召开党组会议 12 次。",
     "二、存在的问题", "一是理论学习的系统性不够，个别党员学习", "笔记流于形式；", "- 1 -"],
    ["二是廉政风险点排查不够深入，制度执行", "存在宽松软现象。", "三、下一步工作打算", "一是完善学习制度，每季度",
     "开展一次学习检查。", "- 2 -"],
])


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _upload(client: Any, world: Any, name: str, data: bytes) -> Any:
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data), "unit": world.a.pk})


def _text(response: Any) -> str:
    return re.sub(r"<[^>]+>", " ", response.content.decode())


def test_a_text_pdf_reaches_the_preview_with_its_problems(world: Any) -> None:
    client = world.client("clerk_a")
    response = _upload(client, world, "2024年度落实党风廉政建设责任制情况报告.pdf", REPORT)
    assert response.status_code == 302, _text(response)[:1500]
    page = _text(client.get(response["Location"]))
    assert "理论学习的系统性不够" in page and "廉政风险点排查不够深入" in page
    assert "- 1 -" not in page and "- 2 -" not in page


def test_a_scanned_pdf_says_it_has_no_text_and_writes_nothing(world: Any) -> None:
    response = _upload(world.client("clerk_a"), world, "扫描件.pdf", scanned_pdf())
    assert response.status_code == 200
    assert "这份 PDF 是扫描件" in _text(response) and "文字版 PDF" in _text(response)
    assert not (Source.with_deleted.exists() or Problem.with_deleted.exists() or Measure.with_deleted.exists())
