"""What users upload by mistake gets a Chinese message that says what to do."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from paperwork.read import ReadError, read_bytes, read_path, read_text

REPORT = (
    "关于2023年度工作情况的报告\n一、基本情况\n全年集中学习12次。\n"
    "二、存在问题\n一是学习不够。二是监督不严。\n"
)


def _error(data: bytes, name: str = "x.txt", **kw: int) -> ReadError:
    with pytest.raises(ReadError) as info:
        read_bytes(data, name, **kw)
    assert isinstance(info.value, ValueError)
    assert info.value.message_zh == str(info.value)
    return info.value


def test_empty_file() -> None:
    assert "空" in _error(b"").message_zh
    assert "空" in _error(b" \r\n\n ").message_zh


def test_a_broken_pdf_says_so() -> None:  # text and scanned PDFs: test_read_pdf.py
    msg = _error(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "scan.pdf").message_zh
    assert "PDF" in msg and "损坏" in msg


@pytest.mark.parametrize("head", [b"\x89PNG\r\n\x1a\n0000", b"\xff\xd8\xff\xe0\x00\x10JFIF", b"GIF89a....",
                                  b"II*\x00\x08\x00", b"RIFF\x00\x00\x00\x00WEBPVP8 "])
def test_images(head: bytes) -> None:
    assert "图片" in _error(head + bytes(100), "photo.jpg").message_zh


def test_old_word_doc_asks_to_save_as_docx() -> None:
    msg = _error(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "report.doc").message_zh
    assert "另存为" in msg and ".docx" in msg


def test_size_limit_in_bytes() -> None:
    msg = _error(REPORT.encode() * 10, "big.txt", max_bytes=100).message_zh
    assert "MB" in msg


def test_size_limit_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.truncate(21 * 1024 * 1024)  # sparse: stat says 21 MB, nothing is written

    def no_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened although it is over the limit")

    monkeypatch.setattr("builtins.open", no_open)
    with pytest.raises(ReadError, match="20 MB"):
        read_path(big)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="找不到"):
        read_path(tmp_path / "nope.docx")


def test_text_without_headings_is_read_not_refused() -> None:
    result = read_text("今天天气很好，我们去公园散步。\n晚上吃饺子。")
    assert result.outline == [] and result.problems == [] and result.figures == []
    assert len(result.paragraphs) == 2


def test_only_whitespace_is_no_text() -> None:
    with pytest.raises(ReadError, match="没有"):
        read_text(" \u3000\n\t\n")


def test_excel_and_other_zips() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    assert "Excel" in _error(buf.getvalue(), "a.docx").message_zh
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hi")
    assert "不是 Word" in _error(buf.getvalue(), "a.zip").message_zh
    assert "损坏" in _error(b"PK\x03\x04" + bytes(50), "a.docx").message_zh


def test_zip_bomb_member_is_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"<a>" + b" " * (5 * 1024 * 1024) + b"</a>")
    data = buf.getvalue()
    assert len(data) < 100_000
    assert "过大" in _error(data, "bomb.docx", max_bytes=len(data) * 2).message_zh


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le"])
def test_text_encodings(encoding: str) -> None:
    result = read_bytes(REPORT.encode(encoding), "r.txt")
    assert [o.heading for o in result.outline] == ["基本情况", "存在问题"]
    assert result.title == "关于2023年度工作情况的报告"
    assert result.problems == ["学习不够", "监督不严"]
    assert [(f.number, f.counting_unit) for f in result.figures] == [("12", "次")]


def test_crlf_and_full_width_indent() -> None:
    text = REPORT.replace("\n", "\r\n").replace("全年", "\u3000\u3000全年")
    result = read_bytes(text.encode("gbk"), "r.txt")
    assert result.paragraphs[2] == "全年集中学习12次。"


def test_binary_garbage_is_not_text() -> None:
    assert "二进制" in _error(b"abc\x00\x01\x02def" * 3, "x.bin").message_zh
