import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from paperwork.write import Heading, Paragraph, Report, build_docx, docx_to_pdf, pdf_available
from paperwork.write.fonts import fontconfig
from paperwork.write.title import title_lines

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


def _pdf_fonts(pdf: Path) -> list[str]:
    done = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True, timeout=60)
    return [line.split()[0].split("+", 1)[-1] for line in done.stdout.splitlines()[2:] if line.strip()]


@needs_libreoffice
@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed (make system-deps)")
def test_the_pdf_draws_chinese_in_simplified_chinese_faces_and_the_body_in_a_serif(tmp_path: Path) -> None:
    """Without the private fontconfig, LibreOffice drew every official name in Noto Sans CJK JP."""
    report = Report("示范县县委宣传部2026年落实党风廉政建设责任制情况报告", "responsibility", "县委宣传部",
                    dt.date(2026, 12, 1), blocks=[Heading(1, "基本情况"), Heading(2, "主要做法"),
                                                  Paragraph("坚持以习近平新时代中国特色社会主义思想为指导。" * 5)])
    path = tmp_path / "r.docx"
    path.write_bytes(build_docx(report))
    fonts = _pdf_fonts(docx_to_pdf([path], tmp_path)[0])
    assert fonts and not [f for f in fonts if re.search(r"jp|JP|kr|KR|TC|HK|tc|hk", f)], fonts
    assert "UMingCN" in fonts and "UKaiCN" in fonts  # 仿宋/小标宋 → a Song serif, 楷体 → Kai


def test_the_fontconfig_keeps_an_installed_official_font_first(tmp_path: Path) -> None:
    """A unit's licensed fonts folder comes before the system's, and each official name only *accepts*
    the stand-ins after itself, so a real 仿宋_GB2312 wins."""
    conf = fontconfig([tmp_path / "fonts"])
    assert conf.index(str(tmp_path / "fonts")) < conf.index("/etc/fonts/fonts.conf")
    assert "<family>仿宋_GB2312</family><accept><family>AR PL UMing CN</family>" in conf


@pytest.mark.parametrize(("title", "lines"), [
    ("示范县县委宣传部2026年落实党风廉政建设责任制情况报告", ["示范县县委宣传部2026年", "落实党风廉政建设责任制情况报告"]),
    ("中共示范县委宣传部关于县委第一巡察组反馈意见整改进展情况的通报",
     ["中共示范县委宣传部关于县委第一巡察组", "反馈意见整改进展情况的通报"]),
    ("示范县县委宣传部部长王某某2026年度述责述廉报告", ["示范县县委宣传部部长王某某2026年度", "述责述廉报告"]),
    ("县委宣传部2026年工作总结", ["县委宣传部2026年工作总结"]),
])
def test_long_titles_break_at_word_boundaries(title: str, lines: list[str]) -> None:
    assert title_lines(title) == lines


def test_a_title_without_boundaries_is_still_cut_to_the_line() -> None:
    lines = title_lines("甲" * 45)
    assert [len(line) for line in lines] == [20, 20, 5]
