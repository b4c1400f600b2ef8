"""Any bytes at all: the reader answers with a result or a ReadError, nothing else.

The fuzzing goes through read_bytes_unchecked, i.e. without the public safety net that turns an
unexpected exception into a ReadError, so a real bug shows up here as the exception it is.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperwork.read import ReadError, read_bytes
from paperwork.read.reader import read_bytes_unchecked
from paperwork.tests.data.builders import make_docx
from paperwork.tests.data.mutations import members, zipped
from paperwork.tests.data.mutations import spoiled_bytes as mutated
from paperwork.tests.pdfs import content_pdf, scanned_pdf, text_pdf
from paperwork.tests.test_read_seeds import SEEDS

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SAMPLE_TEXT = (
    "关于2023年度落实党风廉政建设责任制情况的报告\n一、基本情况\n（一）加强学习。一是集中学习12次。二是研讨**次。\n"
    "1.专题党课X期\n（1）针对“学习不深”问题\n整改情况：一是加强学习。\n二、存在的问题\n一是不够。二是不足。\n"
)
SEED_BYTES = [p.read_bytes() for p in sorted(SEEDS.glob("*.txt"))] if SEEDS.is_dir() else []
TEXTS = [*SEED_BYTES, SAMPLE_TEXT.encode("utf-8"), SAMPLE_TEXT.encode("gbk")]
DOCX = make_docx(SAMPLE_TEXT.splitlines())
DOCX_AUTO = make_docx(
    ["报告", (0, "基本情况"), (1, "加强学习。开展3次。"), (2, "细项"), (0, "存在问题"), "一是不够。"]
)


def _only_read_error(data: bytes, name: str) -> None:
    try:
        read_bytes_unchecked(data, name, max_bytes=2 * 1024 * 1024)
    except ReadError as exc:
        assert exc.message_zh


@FUZZ
@given(st.binary(max_size=4096), st.sampled_from(["a.txt", "a.docx", "a.doc", "a.bmp", ""]))
def test_random_bytes(data: bytes, name: str) -> None:
    _only_read_error(data, name)


@FUZZ
@given(mutated(TEXTS))
def test_mutated_text(data: bytes) -> None:
    _only_read_error(data, "seed.txt")


@FUZZ
@given(mutated([DOCX, DOCX_AUTO]))
def test_mutated_docx_zip(data: bytes) -> None:
    _only_read_error(data, "report.docx")


PDFS = [text_pdf([SAMPLE_TEXT.splitlines()[:5], SAMPLE_TEXT.splitlines()[5:]]), scanned_pdf(1),
        content_pdf(b"BT /F1 12 Tf 72 700 Td (1. Heading) Tj 0 -20 Td [(a) -20 (b)] TJ ET")]


@FUZZ
@given(mutated(PDFS))
def test_mutated_pdf(data: bytes) -> None:
    _only_read_error(data, "report.pdf")


AUTO_MEMBERS = members(DOCX_AUTO)


@FUZZ
@given(st.sampled_from(["word/document.xml", "word/numbering.xml", "word/styles.xml"]), st.data())
def test_mutated_docx_xml(member: str, data: st.DataObject) -> None:
    """A well-formed zip whose XML parts are damaged (the zip layer no longer protects us)."""
    parts = dict(AUTO_MEMBERS)
    parts[member] = data.draw(mutated([parts[member]]))
    _only_read_error(zipped(parts), "report.docx")


def test_deeply_nested_tables_do_not_recurse() -> None:
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    inner = "<w:p><w:r><w:t>一、标题</w:t></w:r></w:p>"
    for _ in range(3000):
        inner = f"<w:tbl><w:tr><w:tc>{inner}</w:tc></w:tr></w:tbl>"
    xml = f"<w:document {w}><w:body>{inner}</w:body></w:document>".encode()
    result = read_bytes_unchecked(zipped({"word/document.xml": xml}), "deep.docx")
    assert result.outline[0].heading == "标题"


def test_public_api_wraps_the_unexpected(monkeypatch: object) -> None:
    import paperwork.read.reader as reader

    def boom(*args: object, **kwargs: object) -> None:
        raise KeyError("bug")

    mp = monkeypatch
    mp.setattr(reader, "analyse", boom)  # type: ignore[attr-defined]
    try:
        read_bytes(SAMPLE_TEXT.encode(), "a.txt")
    except ReadError as exc:
        assert isinstance(exc.__cause__, KeyError)
    else:
        raise AssertionError("expected ReadError")


def test_seed_files_read(tmp_path: Path) -> None:
    for data in SEED_BYTES:
        assert read_bytes(data, "seed.txt").outline


# Pieces of the shapes real pages come in (issue 15): chrome, traditional text, markers, wraps and spaces.
SHAPE_PIECES = [
    "首页 > 信息公开 > 工作总结", "索引号：1153-2023-00045 发布机构：县委宣传部", "【字体：大 中 小】 分享到：微信",
    "发布时间：2024-01-08 浏览次数：2381", "……（省略1200字）", "全文约5000字，登录后查看全文", "相关文章",
    "縣委宣傳部2023年度工作總結", "開展廉政談話40餘人次，撥付經費2.5萬元。", "一、", "（一）", "(2)", "1．", "3、",
    "存在的问题：一是不够；二是", "关于“", "”的问题", "针对“", "”问题", "巡察指出", "x次", "__项", "**省",
    "召开 1 2 次 会 议", "。", "，", "：", " ", "  ", "\u3000", "\n", "标题：", "青政发〔2023〕5号", "2023年工作总结",
]


@FUZZ
@given(st.lists(st.sampled_from(SHAPE_PIECES) | st.text(max_size=8), max_size=60), st.booleans())
def test_page_shapes(pieces: list[str], one_line: bool) -> None:
    """Chrome, traditional text, one-line pages and wraps in any order: a result or a ReadError."""
    text = "".join(pieces)
    if one_line:
        text = text.replace("\n", "")
    _only_read_error(text.encode("utf-8"), "page.txt")
    xml_safe = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", "", text)
    _only_read_error(make_docx(xml_safe.split("\n")), "page.docx")


@FUZZ
@given(st.lists(st.sampled_from(SHAPE_PIECES), min_size=1, max_size=40), st.integers(8, 40))
def test_hard_wrapped_shapes(pieces: list[str], width: int) -> None:
    """The same text cut at a fixed width, as PDF text comes: a result or a ReadError."""
    text = "".join(pieces).replace("\n", "")
    wrapped = "\n".join(text[i:i + width] for i in range(0, len(text), width))
    _only_read_error(wrapped.encode("utf-8"), "wrapped.txt")
