"""paperwork.filetypes.sniff: a kind only when the name says it and the content shows it."""

from __future__ import annotations

import pytest

from paperwork.filetypes import labels, sniff
from paperwork.tests.data import samples


@pytest.mark.parametrize(("name", "data", "kind"), [
    ("通知.pdf", samples.PDF, "pdf"),
    ("方案.docx", samples.docx_bytes(), "docx"),
    ("台账.XLSX", samples.xlsx_bytes(), "xlsx"),
    ("发票.ofd", samples.ofd_bytes(), "ofd"),
    ("照片.jpg", samples.JPG, "jpg"),
    ("照片.jpeg", samples.JPG, "jpg"),
    ("截图.png", samples.png(), "png"),
    ("报告.txt", "一、基本情况\r\n\t我单位……".encode(), "txt"),
    ("报告.txt", "一、基本情况".encode("gb18030"), "txt"),
    ("报告.txt", "\ufeff一、基本情况".encode("utf-16-le"), "txt"),  # Notepad's "Unicode"
])
def test_real_files_are_known_by_name_and_content(name: str, data: bytes, kind: str) -> None:
    assert sniff(data, name) == kind


@pytest.mark.parametrize(("name", "data"), [
    ("页面.html", samples.HTML),
    ("页面.pdf", samples.HTML),
    ("程序.pdf", samples.EXE),  # an .exe renamed
    ("程序.exe", samples.EXE),
    ("截图.html", samples.png()),  # harmless content, but it would be downloaded as a web page
    ("假的.docx", samples.zip_of({"a.bin": b"\x01\x02", "b/c.txt": b"random"})),  # a zip of anything
    ("表格.docx", samples.xlsx_bytes()),  # an .xlsx renamed .docx
    ("宏.xlsx", samples.zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                                "xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"})),
    ("坏的.docx", b"PK\x03\x04" + b"\x00" * 100),
    ("二进制.txt", b"abc\x00def"),
    ("二进制.txt", bytes(range(256))),
    ("空的.pdf", b""),
    ("无扩展名", samples.PDF),
])
def test_anything_else_is_unknown(name: str, data: bytes) -> None:
    assert sniff(data, name) is None


def test_labels_name_what_is_accepted() -> None:
    assert labels(["pdf", "docx", "txt"]) == "PDF、Word（.docx）、文本（.txt）"
