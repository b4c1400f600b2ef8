"""Text out of PDFs: reports exported from Word/WPS are read, scans and hostile files get a Chinese ReadError."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pypdf
import pytest

from paperwork.read import ReadError, read_bytes, read_path
from paperwork.read.pdf import (
    BLANK,
    BROKEN,
    ENCRYPTED,
    SCANNED,
    TOO_BIG,
    TOO_SLOW,
    drop_page_chrome,
    pdf_lines,
)
from paperwork.tests import pdfs
from paperwork.write import Heading, Paragraph, Report, build_docx, docx_to_pdf, pdf_available
from paperwork.write.model import Block

REPORT_PAGES = [
    ["县纪委监委文件", "示范县县委宣传部2026年落实党风廉政建设", "责任制情况报告", "县委：",
     "一、履行主体责任情况", "（一）加强理论学习", "全年召开党组会议 12 次，开展集中学习",
     "24 次，组织廉政谈话 86 人次。", "- 1 -"],
    ["县纪委监委文件", "二、存在的问题", "一是学习的系统性不够；二是全年仅开展", "专项检查 3 次。",
     "第 2 页 共 3 页"],
    ["县纪委监委文件", "三、下一步工作打算", "计划开展警示教育 4 次。", "3"],
]


def _error(data: bytes, **limits: float) -> ReadError:
    with pytest.raises(ReadError) as caught:
        pdf_lines(data, **limits)  # type: ignore[arg-type]
    return caught.value


def test_a_text_pdf_is_read_with_its_headings_and_figures() -> None:
    result = read_bytes(pdfs.text_pdf(REPORT_PAGES), "报告.pdf")
    assert result.source == "pdf"
    assert [o.heading for o in result.outline][:2] == ["履行主体责任情况", "加强理论学习"]
    assert "存在的问题" in [o.heading for o in result.outline]
    figures = [f.text for f in result.figures]
    assert any("12次" in f for f in figures) and any("86人次" in f for f in figures), figures


def test_running_heads_and_page_numbers_are_dropped_and_the_body_kept() -> None:
    lines = pdf_lines(pdfs.text_pdf(REPORT_PAGES))
    text = "\n".join(lines)
    assert "县纪委监委文件" not in text
    assert "- 1 -" not in lines and "第 2 页 共 3 页" not in lines and "3" not in lines
    assert "二、存在的问题" in lines and "计划开展警示教育4次。" in lines
    assert lines[0] == "示范县县委宣传部2026年落实党风廉政建设"  # Word's gap between 县 and 2026 is gone


@pytest.mark.parametrize("number", ["- 3 -", "— 3 —", "－3－", "第3页", "第 3 页 共 9 页", "共9页 第3页", "3/9",
                                    "Page 3 of 9"])
def test_page_numbers_in_their_usual_shapes(number: str) -> None:
    pages = [["正文第一行", number if i == 0 else "其他", "正文第二行"] for i in range(2)]
    assert number not in drop_page_chrome(pages)[0]


def test_a_heading_or_figure_alone_in_the_body_is_not_a_page_number() -> None:
    page = ["第一行", "第二行", "12", "（3）", "第三行", "第四行"]
    assert drop_page_chrome([page, page[:]]) == [page, page]


def test_a_line_repeated_on_two_pages_only_is_kept() -> None:
    pages = [["一、基本情况", "正文"], ["一、基本情况", "正文"], ["二、问题", "正文"], ["三、打算", "正文"],
             ["四、其他", "结尾"]]
    assert drop_page_chrome(pages)[0] == ["一、基本情况"]  # "正文" repeats at an edge on 4 of 5 pages


def test_a_scanned_pdf_says_it_has_no_text() -> None:
    error = _error(pdfs.scanned_pdf())
    assert error.message_zh == SCANNED
    assert "扫描件" in SCANNED and "没有可读取的文字" in SCANNED and "Word" in SCANNED and "文字版 PDF" in SCANNED
    with pytest.raises(ReadError, match="扫描件"):
        read_bytes(pdfs.scanned_pdf(3), "扫描.pdf")


def test_blank_pages_say_so() -> None:
    assert _error(pdfs.content_pdf(b"BT ET")).message_zh == BLANK


def _encrypted(user_password: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdfs.text_pdf(REPORT_PAGES))))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_that_needs_a_password_says_so() -> None:
    message = _error(_encrypted("secret")).message_zh
    assert message == ENCRYPTED and "密码" in message and "加密" in message


def test_a_pdf_protected_only_against_copying_is_read() -> None:
    assert "二、存在的问题" in pdf_lines(_encrypted(""))


def test_a_decompression_bomb_is_refused() -> None:
    assert _error(pdfs.bomb_pdf()).message_zh == TOO_BIG


def test_ten_thousand_pages_are_refused_before_any_page_is_read() -> None:
    message = _error(pdfs.many_pages_pdf(10_000)).message_zh
    assert "超过 500 页" in message


def test_deep_nesting_and_cycles_are_broken_files() -> None:
    assert _error(pdfs.content_pdf(b"BT /F1 12 Tf " + b"[" * 100_000 + b"]" * 100_000 + b" TJ ET")).message_zh == BROKEN
    assert _error(pdfs.cyclic_pages_pdf()).message_zh == BROKEN


def test_a_content_stream_too_long_to_interpret_is_refused() -> None:
    assert _error(pdfs.content_pdf(b"0 0 m\n" * 310_000)).message_zh == TOO_BIG


def test_the_time_limit_stops_a_slow_file() -> None:
    assert _error(pdfs.heavy_pages_pdf(4, 30_000), time_limit=0.05).message_zh == TOO_SLOW


def test_the_content_budget_counts_every_page() -> None:
    data = pdfs.text_pdf([[chr(0x4E00 + 30 * p + i) + "正文" * 40 for i in range(30)] for p in range(5)])
    assert len(pdf_lines(data)) == 150
    assert _error(data, max_content=20_000).message_zh == TOO_BIG


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.9])
def test_a_truncated_pdf_is_read_or_refused_in_chinese(cut: float) -> None:
    data = pdfs.text_pdf(REPORT_PAGES)
    try:
        lines = pdf_lines(data[: int(len(data) * cut)])
    except ReadError as exc:
        assert exc.message_zh in (BROKEN, BLANK, SCANNED)
    else:
        assert lines  # pypdf rebuilds a lost xref from the objects it finds


def test_a_broken_xref_is_rebuilt() -> None:
    data = pdfs.text_pdf(REPORT_PAGES)
    start = data.rindex(b"startxref")
    broken = data[:start] + b"startxref\n999999\n%%EOF\n"
    assert "二、存在的问题" in pdf_lines(broken)


def test_garbage_after_the_header_is_a_broken_file() -> None:
    assert _error(b"%PDF-1.7\n" + bytes(range(256)) * 40).message_zh in (BROKEN, BLANK)


def test_the_cli_path_reads_a_pdf(tmp_path: Path) -> None:
    path = tmp_path / "报告.pdf"
    path.write_bytes(pdfs.text_pdf(REPORT_PAGES))
    assert read_path(path).outline


needs_libreoffice = pytest.mark.skipif(
    not pdf_available(), reason="LibreOffice (soffice) not on PATH: apt-get install libreoffice-writer-nogui")


@needs_libreoffice
@pytest.mark.single_engine
@pytest.mark.slow
def test_a_report_exported_by_libreoffice_reads_like_its_docx(tmp_path: Path) -> None:
    blocks: list[Block] = [
        Paragraph("2026年以来，县委宣传部坚持以习近平新时代中国特色社会主义思想为指导，认真落实主体责任。"),
        Heading(1, "履行主体责任情况"), Heading(2, "加强理论学习"),
        Paragraph("全年召开党组会议12次，开展集中学习24次，组织廉政谈话86人次，覆盖率达到100%。")]
    blocks += [Paragraph("坚持把党风廉政建设与业务工作同部署、同落实、同检查、同考核，层层传导压力。" * 4)] * 12
    blocks += [Heading(1, "存在的问题"), Paragraph("一是学习的系统性不够；二是全年仅开展专项检查3次。"),
               Heading(1, "下一步工作打算"), Paragraph("持续加强廉政教育，计划开展警示教育4次。")]
    report = Report("示范县县委宣传部2026年落实党风廉政建设责任制情况报告", "responsibility", "县委宣传部",
                    dt.date(2026, 12, 1), recipient="县委：", blocks=blocks)
    docx = tmp_path / "报告.docx"
    docx.write_bytes(build_docx(report))
    pdf = docx_to_pdf([docx], tmp_path / "pdf")[0]
    lines = pdf_lines(pdf.read_bytes())
    assert not [line for line in lines if "—" in line and any(c.isdigit() for c in line)]  # "— 1 —" footers
    from_pdf, from_docx = read_bytes(pdf.read_bytes(), "报告.pdf"), read_bytes(docx.read_bytes(), "报告.docx")
    assert [o.heading for o in from_pdf.outline] == [o.heading for o in from_docx.outline] == [
        "履行主体责任情况", "加强理论学习", "存在的问题", "下一步工作打算"]
    numbers = {f.text for f in from_pdf.figures}
    assert {"召开党组会议12次", "开展集中学习24次"} <= {n.removeprefix("全年") for n in numbers}, numbers
    assert from_pdf.title.startswith("示范县县委宣传部2026年")


def test_qinglian_read_json_on_a_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from paperwork.read.cli import main

    path = tmp_path / "报告.pdf"
    path.write_bytes(pdfs.text_pdf(REPORT_PAGES))
    assert main([str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert "存在的问题" in [o["heading"] for o in out["outline"]] and out["figures"]
    path.write_bytes(pdfs.scanned_pdf())
    assert main([str(path), "--json"]) == 2
    assert "扫描件" in capsys.readouterr().err
