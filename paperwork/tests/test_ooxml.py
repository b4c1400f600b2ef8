"""The guard in front of every .xlsx/.docx parser (paperwork.ooxml): what it lets through and what it refuses.

Files are real ones made with openpyxl and python-docx, then spoiled the way a hostile tool would."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from paperwork.ooxml import MB, PackageRefused, open_package
from paperwork.read import ReadError, read_bytes
from paperwork.tests.data.bombs import SHEET, with_doctype, with_member, write_bomb
from paperwork.tests.data.builders import make_docx


def _xlsx() -> bytes:
    wb = Workbook()
    wb.active.append(["问题", "整改措施"])
    wb.active.append(["学习不深", "集中学习"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


XLSX = _xlsx()
DOCX = make_docx(["关于整改情况的报告", "一、基本情况", "开展学习3次。"])


def _refused(data: bytes, **limits: int) -> PackageRefused:
    with pytest.raises(PackageRefused) as info:
        open_package(data, name="台账.xlsx", **limits)
    return info.value


def test_real_workbooks_and_documents_pass_with_their_true_sizes() -> None:
    for data in (XLSX, DOCX):
        package = open_package(data)
        assert package.data == data and package.unpacked == sum(package.sizes.values())
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            assert package.sizes == {i.filename: i.file_size for i in zf.infolist()}
    assert load_workbook(io.BytesIO(open_package(XLSX).data)).active["A2"].value == "学习不深"


def test_a_bomb_is_refused_while_inflating_with_little_memory(tmp_path: Path) -> None:
    data = write_bomb(tmp_path / "bomb.xlsx", XLSX, inflated=200 * MB).read_bytes()
    assert len(data) < 1 * MB
    assert _refused(data).reason == "ratio"  # deflated 1,000 to 1: refused at 200 times its 200 KB
    tracemalloc.start()
    try:
        error = _refused(data, max_ratio=10_000)  # and without the ratio, by the count
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.reason == "too_large" and "超过 50 MB" in error.message_zh and "拆分为多个文件分批导入" in error.message_zh
    assert peak < 5 * MB


def test_a_forged_directory_declaring_small_sizes_is_still_stopped(tmp_path: Path) -> None:
    path = write_bomb(tmp_path / "forged.xlsx", XLSX, inflated=200 * MB, declare=4000)
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo(SHEET).file_size == 4000  # what the directory claims
    error = _refused(path.read_bytes(), max_ratio=10_000)
    assert error.reason == "too_large"


def test_a_directory_that_lies_within_the_limit_is_refused(tmp_path: Path) -> None:
    path = write_bomb(tmp_path / "forged.xlsx", XLSX, inflated=2 * MB, declare=4000)
    error = _refused(path.read_bytes(), max_ratio=10_000)
    assert error.reason == "directory" and "声明 4000 字节" in error.message_zh


def test_the_limits_are_parameters() -> None:
    assert _refused(XLSX, max_unpacked=10_000).reason == "too_large"
    assert _refused(XLSX, max_members=5).reason == "members"
    spaces = with_member(XLSX, "xl/custom.xml", b"<a>" + b" " * (3 * MB) + b"</a>")
    assert _refused(spaces).reason == "ratio" and "压缩炸弹" in _refused(spaces).message_zh
    assert open_package(spaces, max_ratio=100_000).sizes["xl/custom.xml"] == 3 * MB + 7


@pytest.mark.parametrize("kind", ["laughs", "xxe"])
@pytest.mark.parametrize("member", [SHEET, "xl/workbook.xml", "[Content_Types].xml", "xl/_rels/workbook.xml.rels"])
def test_a_dtd_in_any_part_is_refused(member: str, kind: str) -> None:
    error = _refused(with_doctype(XLSX, member, kind))
    assert error.reason == "dtd" and member in error.message_zh and "DOCTYPE" in error.message_zh


def test_a_dtd_hidden_in_another_encoding_is_refused() -> None:
    utf16 = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>'.encode("utf-16")
    assert _refused(with_member(XLSX, SHEET, utf16)).reason == "dtd"
    split = with_member(XLSX, SHEET, b"<a>" + b"x" * (64 * 1024 - 5) + b"<!DOCTYPE a>")  # across two chunks
    assert _refused(split).reason == "dtd"
    for encoding in ("UTF-7", "cp037", "x-made-up"):
        head = f'<?xml version="1.0" encoding="{encoding}"?><a/>'.encode()
        assert _refused(with_member(XLSX, "xl/styles.xml", head)).reason == "encoding"
    assert _refused(with_member(XLSX, SHEET, b"\x4c\x6f\xa7\x94\x93")).reason == "encoding"  # EBCDIC "<?xml"
    gbk = '<?xml version="1.0" encoding="GBK"?><a>整改</a>'.encode("gbk")
    assert open_package(with_member(XLSX, "xl/custom.xml", gbk))


def test_damaged_duplicated_unusual_zips_are_refused() -> None:
    assert _refused(b"not a zip").reason == "broken"
    assert _refused(XLSX[: len(XLSX) // 2]).reason == "broken"
    assert _refused(b"PK\x01\x02" * 2000).reason == "members"  # counted before zipfile parses a directory
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf, pytest.warns(UserWarning):
        zf.writestr("a.xml", "<a/>")
        zf.writestr("a.xml", "<b/>")
    assert _refused(buf.getvalue()).reason == "duplicate"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_BZIP2) as zf:
        zf.writestr("xl/workbook.xml", "<a/>")
    assert _refused(buf.getvalue()).reason == "method"
    spoiled = bytearray(XLSX)
    offset = zipfile.ZipFile(io.BytesIO(XLSX)).getinfo(SHEET).header_offset
    spoiled[offset + 30 + len(SHEET) + 40] ^= 0xFF  # inside the sheet's deflate stream
    assert _refused(bytes(spoiled)).reason in ("broken", "directory")


def test_the_report_reader_refuses_through_the_guard(tmp_path: Path) -> None:
    with pytest.raises(ReadError) as info:
        read_bytes(with_doctype(DOCX, "word/document.xml"), "报告.docx")
    assert "DOCTYPE" in info.value.message_zh
    bomb = write_bomb(tmp_path / "bomb.docx", DOCX, "word/document.xml", inflated=60 * MB).read_bytes()
    with pytest.raises(ReadError) as info:
        read_bytes(bomb, "报告.docx")
    assert "压缩炸弹" in info.value.message_zh
    with pytest.raises(ReadError) as info:
        read_bytes(DOCX, "报告.docx", max_unpacked=1000)
    assert "超过" in info.value.message_zh
