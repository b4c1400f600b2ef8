"""PDF export through LibreOffice headless, offered only where it is installed."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from django.core.management import call_command
from docx import Document

from paperwork.write import pdf_available
from qinglian.reports.models import GeneratedReport

from .conftest import YEAR

# engine-independent (subprocesses, LibreOffice, readers): run once, on SQLite (Makefile)
pytestmark = pytest.mark.single_engine


@pytest.mark.slow
@pytest.mark.skipif(not pdf_available(), reason="LibreOffice (soffice) not installed: make test installs "
                                                 "libreoffice-writer-nogui and fonts-noto-cjk")
def test_pdf_download_converts_once_and_keeps_the_file(seeded) -> None:
    w = seeded.world
    clerk = w.client("clerk_a")
    clerk.post("/reports/generate/", {"unit": w.a.pk, "genre": "rectification", "year": YEAR})
    report = GeneratedReport.objects.get()
    assert "下载 PDF" in clerk.get(f"/reports/{report.pk}/").content.decode()
    response = clerk.get(f"/reports/{report.pk}/pdf/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"
    report.refresh_from_db()
    assert report.pdf_stored.endswith(".pdf")
    assert w.client("clerk_b").get(f"/reports/{report.pk}/pdf/").status_code == 404


def test_without_libreoffice_no_pdf_is_offered(seeded, monkeypatch) -> None:
    import qinglian.reports.views as views

    monkeypatch.setattr(views, "pdf_available", lambda: False)
    w = seeded.world
    clerk = w.client("clerk_a")
    clerk.post("/reports/generate/", {"unit": w.a.pk, "genre": "summary", "year": YEAR})
    report = GeneratedReport.objects.get()
    page = clerk.get(f"/reports/{report.pk}/").content.decode()
    assert "下载 PDF" not in page and "未安装 LibreOffice" in page
    assert clerk.get(f"/reports/{report.pk}/pdf/").status_code == 404


@pytest.mark.slow
@pytest.mark.skipif(not pdf_available() or shutil.which("pdffonts") is None,
                    reason="LibreOffice or pdffonts (poppler-utils) not installed: make system-deps")
def test_report_pdf_on_the_cli_uses_simplified_chinese_faces_and_breaks_the_title_at_a_word(seeded, tmp_path) -> None:
    out = tmp_path / "报告.docx"
    call_command("report", "--unit", "县委宣传部", "--genre", "responsibility", "--year", str(YEAR), "--pdf",
                 "-o", str(out), stdout=io.StringIO())
    fonts = subprocess.run(["pdffonts", str(out.with_suffix(".pdf"))], capture_output=True, text=True,
                           check=True, timeout=60).stdout.splitlines()[2:]
    names = [line.split()[0].split("+", 1)[-1] for line in fonts if line.strip()]
    assert "UMingCN" in names and not [n for n in names if re.search(r"(?i)jp|kr|tc|hk", n)], names
    title = Document(str(out)).paragraphs[0].text
    assert title == f"县委宣传部{YEAR}年度\n落实党风廉政建设责任制情况报告"
