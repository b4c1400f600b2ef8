"""GB/T 9704-2012 (党政机关公文格式) page setup and named styles, applied with python-docx.

Everything is put into *named styles* rather than onto runs, so a user who opens the result in Word or WPS
and adds a paragraph gets the official look by picking "GB Body" or "GB Heading 1". Fonts keep their
official names (仿宋_GB2312, 方正小标宋简体…) even where the machine lacks them: Word and WPS on a unit's PC
have them; LibreOffice substitutes.
"""

from __future__ import annotations

from dataclasses import dataclass

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Length, Mm, Pt
from docx.styles.style import ParagraphStyle
from docx.table import Table
from docx.text.paragraph import Paragraph

# §5.2.1 and §5.2.2: A4, 版心 156 × 225 mm with top 37 mm and left 28 mm
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
TOP, BOTTOM, LEFT, RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
# page number: 一字线上距版心下边缘 7 mm; a 4号 line is about 6 mm tall, so its baseline box sits ~22 mm up
FOOTER_DISTANCE = Mm(22)
# 22 lines in 225 mm = 28.95 pt; Word stores it in twentieths of a point (579)
LINE = Pt(28.95)
# §5.2.3 asks for 22 lines × 28 characters. The line grid is set; the character grid (linesAndChars with
# charSpace -849, what Word writes for "每行28字") is not: LibreOffice renders it as ~17 widely spaced
# characters a line, which would ruin every PDF. At 16 pt a 156 mm line holds 27–28 characters anyway.
NO_SPACE = Pt(0)

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEI = "黑体"
KAI = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"

SIZE_2, SIZE_3, SIZE_4, SIZE_XIAO4 = 22.0, 16.0, 14.0, 12.0  # 2号, 3号, 4号, 小4号 in points

# style names the templates use; kept English so they are stable across Word UI languages
BODY, TITLE, SUBTITLE, RECIPIENT = "GB Body", "GB Title", "GB Subtitle", "GB Recipient"
HEADINGS = ("GB Heading 1", "GB Heading 2", "GB Heading 3", "GB Heading 4")
SIGNATURE, DATE = "GB Signature", "GB Date"
TABLE_TITLE, TABLE_HEADER, TABLE_TEXT = "GB Table Title", "GB Table Header", "GB Table Text"
PAGE_NUMBER = "GB Page Number"
TAG = "GB Tag"  # paragraphs holding only template tags; removed on rendering


@dataclass(frozen=True)
class StyleSpec:
    name: str
    font: str
    size: float
    bold: bool = False
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY
    indent_chars: int = 2  # first-line indent in characters
    right_chars: int = 0
    line: Length | None = LINE  # exact line spacing; None = single
    before: Length = NO_SPACE
    after: Length = NO_SPACE
    outline: int | None = None  # outline level, so Word's navigation pane lists headings
    keep_next: bool = False


SPECS = (
    StyleSpec(BODY, BODY_FONT, SIZE_3),
    StyleSpec(
        TITLE,
        TITLE_FONT,
        SIZE_2,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent_chars=0,
        line=Pt(35),
        after=LINE,
        keep_next=True,
    ),
    StyleSpec(
        SUBTITLE, KAI, SIZE_3, align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0, after=LINE, keep_next=True
    ),
    StyleSpec(RECIPIENT, BODY_FONT, SIZE_3, indent_chars=0),
    StyleSpec(HEADINGS[0], HEI, SIZE_3, outline=0, keep_next=True),
    StyleSpec(HEADINGS[1], KAI, SIZE_3, outline=1, keep_next=True),
    StyleSpec(HEADINGS[2], BODY_FONT, SIZE_3, bold=True, outline=2, keep_next=True),
    StyleSpec(HEADINGS[3], BODY_FONT, SIZE_3, outline=3, keep_next=True),
    # §7.3.5.2: 署名 one blank line below the text, 右空二字; the date on the next line
    StyleSpec(
        SIGNATURE,
        BODY_FONT,
        SIZE_3,
        align=WD_ALIGN_PARAGRAPH.RIGHT,
        indent_chars=0,
        right_chars=2,
        before=LINE,
        keep_next=True,
    ),
    StyleSpec(DATE, BODY_FONT, SIZE_3, align=WD_ALIGN_PARAGRAPH.RIGHT, indent_chars=0, right_chars=2),
    StyleSpec(TABLE_TITLE, HEI, SIZE_3, align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0, keep_next=True),
    StyleSpec(TABLE_HEADER, HEI, SIZE_XIAO4, align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0, line=None),
    StyleSpec(TABLE_TEXT, BODY_FONT, SIZE_XIAO4, align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0, line=None),
    StyleSpec(PAGE_NUMBER, PAGE_NUMBER_FONT, SIZE_4, indent_chars=0, line=None),
    StyleSpec(TAG, BODY_FONT, SIZE_3, indent_chars=0, line=None),
)


def set_fonts(rpr_parent: object, font: str) -> None:
    """Put ``font`` in every slot: Latin (ascii/hAnsi), East Asian and complex script.

    ``font.name`` in python-docx fills only the Latin slots; Chinese text is drawn from w:eastAsia. Theme
    attributes are dropped because Word prefers them over explicit names.
    """
    rpr = rpr_parent.get_or_add_rPr()  # type: ignore[attr-defined]
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), font)


def _set_doc_defaults(doc: Document) -> None:
    """Document-wide defaults: 仿宋 三号, Chinese language (for punctuation compression), no spacing."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    assert defaults is not None  # python-docx's default template has them
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert rpr is not None
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    rfonts.attrib.clear()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), BODY_FONT)
    for tag in ("w:sz", "w:szCs"):
        el = rpr.find(qn(tag))
        if el is not None:
            el.set(qn("w:val"), str(int(SIZE_3 * 2)))
    lang = rpr.find(qn("w:lang"))
    if lang is None:  # the East Asian language picks Simplified-Chinese glyph forms and punctuation
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
    if spacing is not None:
        spacing.attrib.clear()
        spacing.set(qn("w:after"), "0")


def _apply_spec(style: ParagraphStyle, spec: StyleSpec) -> None:
    style.quick_style = spec.name in (BODY, TITLE, *HEADINGS)
    font = style.font
    font.size = Pt(spec.size)
    font.bold = spec.bold
    set_fonts(style.element, spec.font)
    pf = style.paragraph_format
    pf.alignment = spec.align
    pf.space_before = spec.before
    pf.space_after = spec.after
    pf.keep_with_next = spec.keep_next
    pf.widow_control = False  # Chinese documents do not pull lines across pages for widows
    if spec.line is None:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = spec.line
    # indents in characters (firstLineChars) so they follow the font size; twips as a fallback for readers
    # that ignore the *Chars attributes
    pf.first_line_indent = Pt(spec.size * spec.indent_chars)
    pf.right_indent = Pt(spec.size * spec.right_chars)
    ind = style.element.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(spec.indent_chars * 100))
    if spec.right_chars:
        ind.set(qn("w:rightChars"), str(spec.right_chars * 100))
    if spec.outline is not None:
        style.element.get_or_add_pPr().get_or_add_outlineLvl().val = spec.outline


def define_styles(doc: Document) -> None:
    _set_doc_defaults(doc)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(SIZE_3)
    set_fonts(normal.element, BODY_FONT)
    for spec in SPECS:
        if spec.name in [s.name for s in doc.styles]:
            style = doc.styles[spec.name]
        else:
            style = doc.styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = normal
        assert isinstance(style, ParagraphStyle)
        _apply_spec(style, spec)


def setup_page(doc: Document) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = TOP, BOTTOM
    section.left_margin, section.right_margin = LEFT, RIGHT
    section.footer_distance = FOOTER_DISTANCE
    section.header_distance = Mm(15)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.attrib.clear()
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(LINE.pt * 20)))
    _page_numbers(doc, section)


def _field_run(paragraph: Paragraph, kind: str, text: str = "") -> None:
    run = paragraph.add_run()
    if kind == "instr":
        el = OxmlElement("w:instrText")
        el.set(qn("xml:space"), "preserve")
        el.text = text
    else:
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
    run._r.append(el)


def _page_number_paragraph(paragraph: Paragraph, *, odd: bool) -> None:
    """ "— 1 —" with a PAGE field; §7.5: 单页码居右空一字，双页码居左空一字."""
    paragraph.style = PAGE_NUMBER
    pf = paragraph.paragraph_format
    pf.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    if odd:
        pf.right_indent = Pt(SIZE_4)
    else:
        pf.left_indent = Pt(SIZE_4)
    paragraph.add_run("— ")
    _field_run(paragraph, "begin")
    _field_run(paragraph, "instr", " PAGE ")
    _field_run(paragraph, "separate")
    paragraph.add_run("1")
    _field_run(paragraph, "end")
    paragraph.add_run(" —")


def _page_numbers(doc: Document, section: Section) -> None:
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
        footer.is_linked_to_previous = False
        _page_number_paragraph(footer.paragraphs[0], odd=odd)


def style_table(table: Table, header_rows: tuple[int, ...]) -> None:
    """Full-width grid table, centred, header rows repeated on each page, cells sized by content."""
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = True
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.append(tbl_w)
    tbl_w.set(qn("w:type"), "pct")
    tbl_w.set(qn("w:w"), "5000")
    # docxtpl multiplies cells in column loops; a fixed cell width would make the table overflow
    for tc_w in table._tbl.iter(qn("w:tcW")):
        tc_w.getparent().remove(tc_w)
    for i in header_rows:
        tr_pr = table.rows[i]._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:tblHeader"))
