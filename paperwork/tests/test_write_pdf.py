import datetime as dt
from pathlib import Path

import pytest

from paperwork.write import Paragraph, Report, build_docx, docx_to_pdf, pdf_available

needs_libreoffice = pytest.mark.skipif(
    not pdf_available(), reason="LibreOffice (soffice) not on PATH: apt-get install libreoffice-writer-nogui"
)


@needs_libreoffice
@pytest.mark.slow
def test_batch_conversion_in_one_run(tmp_path: Path) -> None:
    paths = []
    for i in range(3):
        report = Report(
            f"报告{i}", "summary", "宣传部", dt.date(2024, 1, 2), blocks=[Paragraph("正文。" * 50)]
        )
        path = tmp_path / f"report{i}.docx"
        path.write_bytes(build_docx(report))
        paths.append(path)
    pdfs = docx_to_pdf(paths, tmp_path / "pdf")
    assert [p.name for p in pdfs] == ["report0.pdf", "report1.pdf", "report2.pdf"]
    assert all(p.read_bytes().startswith(b"%PDF") for p in pdfs)


def test_empty_batch_needs_nothing(tmp_path: Path) -> None:
    assert docx_to_pdf([], tmp_path) == []


@needs_libreoffice
def test_clashing_names_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="文件名重复"):
        docx_to_pdf([tmp_path / "a" / "x.docx", tmp_path / "b" / "x.docx"], tmp_path)
