"""The .docx build_docx writes, reopened with python-docx and checked against GB/T 9704-2012."""

import datetime as dt
import io

import pytest
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.styles.style import ParagraphStyle

from paperwork.write import (
    GENRES,
    FigureRef,
    Heading,
    Paragraph,
    Report,
    Table,
    build_docx,
    default_template,
    report_text,
)


def sample(genre: str = "responsibility") -> Report:
    return Report(
        title="中共某县委宣传部2023年度落实党风廉政建设责任制情况报告",
        genre=genre,
        issuer="中共某县委宣传部",
        date=dt.date(2023, 12, 1),
        recipient="县委：",
        blocks=[
            Heading(1, "基本情况"),
            Paragraph("2023年以来，县委宣传部坚持以习近平新时代中国特色社会主义思想为指导。"),
            Heading(1, "主要做法和成效"),
            Heading(2, "落实全面从严治党要求"),
            Heading(3, "认真履行主体责任"),
            Paragraph(
                "1至10月，县委理论学习中心组集中学习12次。",
                figures=(FigureRef("activity:study:count", "12次"),),
            ),
            Table(
                ["单位", "中央", "省级"], [["县委宣传部", "3", "5"], ["县纪委监委", "1", "2"]], title="表1"
            ),
        ],
        contact="联系电话：0932-5552740",
    )


def reopen(data: bytes) -> DocumentObject:
    return Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def doc() -> DocumentObject:
    return reopen(build_docx(sample()))


def paragraph_style(doc: DocumentObject, text: str) -> ParagraphStyle:
    for p in doc.paragraphs:
        if p.text.replace("\n", "") == text:  # a long title is broken into lines
            style = p.style
            assert isinstance(style, ParagraphStyle)
            return style
    raise AssertionError(f"no paragraph {text!r}")


def east_asian_font(style: ParagraphStyle) -> str | None:
    rpr = style.element.rPr
    assert rpr is not None and rpr.rFonts is not None
    font: str | None = rpr.rFonts.get(qn("w:eastAsia"))
    return font


def test_page_is_a4_with_official_margins(doc: DocumentObject) -> None:
    s = doc.sections[0]
    assert s.page_width is not None and s.page_height is not None
    assert round(s.page_width.mm) == 210 and round(s.page_height.mm) == 297
    assert s.top_margin is not None and round(s.top_margin.mm) == 37
    assert s.left_margin is not None and round(s.left_margin.mm) == 28
    assert s.right_margin is not None and round(s.right_margin.mm) == 26
    assert s.bottom_margin is not None and round(s.bottom_margin.mm) == 35
    assert round(s.page_width.mm - s.left_margin.mm - s.right_margin.mm) == 156  # 版心 156 × 225 mm
    assert round(s.page_height.mm - s.top_margin.mm - s.bottom_margin.mm) == 225


@pytest.mark.parametrize(
    ("text", "font", "size", "bold"),
    [
        ("中共某县委宣传部2023年度落实党风廉政建设责任制情况报告", "方正小标宋简体", 22, None),
        ("一、基本情况", "黑体", 16, None),
        ("（一）落实全面从严治党要求", "楷体_GB2312", 16, None),
        ("1.认真履行主体责任", "仿宋_GB2312", 16, True),
        ("1至10月，县委理论学习中心组集中学习12次。", "仿宋_GB2312", 16, None),
    ],
)
def test_fonts_and_sizes_per_level(doc: DocumentObject, text: str, font: str, size: int, bold: bool) -> None:
    style = paragraph_style(doc, text)
    assert style.font.size == Pt(size)
    assert style.font.name == font  # Latin slot
    assert east_asian_font(style) == font  # the slot Chinese text is drawn from
    assert bool(style.font.bold) is bool(bold)


def test_body_line_spacing_and_indent(doc: DocumentObject) -> None:
    body = paragraph_style(doc, "1至10月，县委理论学习中心组集中学习12次。")
    pf = body.paragraph_format
    assert pf.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert pf.line_spacing is not None and abs(pf.line_spacing.pt - 28.95) < 0.05
    assert abs(225 / 22 / 25.4 * 72 - pf.line_spacing.pt) < 0.1  # 22 lines fill the 225 mm block
    assert pf.first_line_indent == Pt(32)
    ind = body.element.pPr.find(qn("w:ind"))
    assert ind is not None and ind.get(qn("w:firstLineChars")) == "200"
    for heading in ("一、基本情况", "（一）落实全面从严治党要求", "1.认真履行主体责任"):
        assert paragraph_style(doc, heading).paragraph_format.first_line_indent == Pt(32)


def test_title_centred_and_signature_right_aligned(doc: DocumentObject) -> None:
    title = paragraph_style(doc, "中共某县委宣传部2023年度落实党风廉政建设责任制情况报告")
    assert title.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert paragraph_style(doc, "中共某县委宣传部").paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert paragraph_style(doc, "2023年12月1日").paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert report_text(build_docx(sample()))[-2:] == ["中共某县委宣传部", "2023年12月1日"]


def test_heading_styles_are_named_and_in_the_outline(doc: DocumentObject) -> None:
    assert paragraph_style(doc, "一、基本情况").name == "GB Heading 1"
    assert paragraph_style(doc, "（一）落实全面从严治党要求").name == "GB Heading 2"
    style = paragraph_style(doc, "1.认真履行主体责任")
    assert style.name == "GB Heading 3"
    outline = style.element.pPr.find(qn("w:outlineLvl"))
    assert outline is not None and outline.get(qn("w:val")) == "2"


def test_odd_and_even_page_numbers(doc: DocumentObject) -> None:
    assert doc.settings.odd_and_even_pages_header_footer
    s = doc.sections[0]
    for footer, align in (
        (s.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (s.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        p = footer.paragraphs[0]
        assert p.text == "— 1 —"
        instr = "".join(t.text or "" for t in p._p.iter(qn("w:instrText")))
        assert instr.strip() == "PAGE"
        assert p.paragraph_format.alignment == align
        style = p.style
        assert isinstance(style, ParagraphStyle)
        assert style.font.size == Pt(14) and east_asian_font(style) == "宋体"


def test_table_rendering(doc: DocumentObject) -> None:
    (table,) = doc.tables
    assert [c.text for c in table.rows[0].cells] == ["单位", "中央", "省级"]
    assert [c.text for c in table.rows[2].cells] == ["县纪委监委", "1", "2"]
    tr_pr = table.rows[0]._tr.trPr
    assert tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None  # repeated on each page
    assert len(table._tbl.tblGrid.findall(qn("w:gridCol"))) == 3
    cell_style = table.rows[1].cells[0].paragraphs[0].style
    assert isinstance(cell_style, ParagraphStyle)
    assert cell_style.font.size is not None and cell_style.font.size < Pt(16)
    assert east_asian_font(cell_style) == "仿宋_GB2312"


def test_ragged_tables_and_headerless_tables() -> None:
    report = sample()
    report.blocks[:] = [Table([], [["甲", "乙"], ["丙"]]), Table(["只有表头"], [])]
    d = reopen(build_docx(report))
    first, second = d.tables
    assert [c.text for c in first.rows[1].cells] == ["丙", ""]
    assert len(first.rows) == 2 and len(second.rows) == 1


def test_text_is_escaped_and_in_order() -> None:
    report = sample()
    report.blocks[:] = [
        Paragraph("A<B & C>D “引号” {{ 不是标签 }} {% 也不是 %}"),
        Paragraph("第一行\n\n　　第二行"),
    ]
    texts = report_text(build_docx(report))
    assert texts[2:5] == ["A<B & C>D “引号” {{ 不是标签 }} {% 也不是 %}", "第一行", "第二行"]


@pytest.mark.parametrize("genre", list(GENRES))
def test_every_genre_has_a_default_template(genre: str) -> None:
    data = build_docx(sample(genre))
    texts = report_text(data)
    assert texts[0].startswith("中共某县委宣传部")
    assert ("联系电话：0932-5552740" in texts) and texts[-1] == "2023年12月1日"
    if genre == "rectification":
        assert any(t.startswith("欢迎广大干部群众") for t in texts)
    assert default_template(genre) is default_template(genre)  # generated once per process


def test_unknown_genre_is_rejected_in_chinese() -> None:
    with pytest.raises(ValueError, match="未知的报告类型"):
        default_template("memo")


def test_figure_refs_must_sit_in_their_paragraph() -> None:
    with pytest.raises(ValueError, match="不在段落中"):
        Paragraph("集中学习12次。", figures=(FigureRef("study", "13次"),))
    assert sample().figure_refs() == [(5, FigureRef("activity:study:count", "12次"))]
