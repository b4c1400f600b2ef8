"""What an uploaded file really is, by its content and its name together.

A name alone proves nothing (an .exe renamed .pdf, a web page saved as .docx), and content alone is not
enough either: the file is downloaded later under the name the user gave it, so a harmless PNG named
"x.html" would open in a browser. `sniff(data, name)` therefore answers a kind only when the extension names
it and the content shows it:

- pdf, jpg, png by their magic bytes;
- docx, xlsx and ofd, which all start with the zip signature, by their member layout, read from the zip's
  central directory without inflating anything (docx: word/document.xml, xlsx: xl/workbook.xml, ofd: OFD.xml
  at the root); a macro project (vbaProject.bin) is refused, since a macro workbook renamed .xlsx is a
  common way to deliver one;
- txt when it decodes as text (UTF-8, GB18030, or UTF-16 with its BOM as Notepad writes it) and holds no
  NUL or other control character;
- the old binary formats units still keep (doc, wps, xls) by the OLE signature and the stream that names
  them (WordDocument, Workbook/Book), so they can be handed to `paperwork.convert.to_ooxml`.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from paperwork.ooxml import CENTRAL_ENTRY, DEFAULT_MAX_MEMBERS

from .read.decode import decode_text
from .read.model import ReadError


@dataclass(frozen=True)
class FileType:
    kind: str
    label: str  # as a list of what is accepted names it: "Word（.docx）"
    noun: str  # as a sentence names one: "不是有效的 Word 文档"
    extensions: tuple[str, ...]


TYPES: dict[str, FileType] = {t.kind: t for t in (
    FileType("pdf", "PDF", "PDF 文件", (".pdf",)),
    FileType("docx", "Word（.docx）", "Word 文档", (".docx",)),
    FileType("xlsx", "Excel（.xlsx）", "Excel 表格", (".xlsx",)),
    FileType("ofd", "OFD", "OFD 文件", (".ofd",)),
    FileType("jpg", "JPG", "JPG 图片", (".jpg", ".jpeg")),
    FileType("png", "PNG", "PNG 图片", (".png",)),
    FileType("txt", "文本（.txt）", "文本文件", (".txt",)),
    # old binary formats: accepted only through conversion to the OOXML kind they map to
    FileType("doc", "Word 97-2003（.doc）", "Word 97-2003 文档", (".doc",)),
    FileType("wps", "WPS 文字（.wps）", "WPS 文字文档", (".wps",)),
    FileType("xls", "Excel 97-2003（.xls）", "Excel 97-2003 表格", (".xls",)),
)}
OLD_FORMATS: dict[str, str] = {"doc": "docx", "wps": "docx", "xls": "xlsx"}

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")  # tab, newlines, \v and \f are what text files hold
_Check = Callable[[bytes], bool]


def kind_of_name(name: str) -> str | None:
    """The kind the file's extension names, or None."""
    suffix = PurePath(name.replace("\\", "/")).suffix.lower()
    return next((t.kind for t in TYPES.values() if suffix in t.extensions), None)


def sniff(data: bytes, name: str) -> str | None:
    """The kind of the file when its extension names one and its content shows the same; None otherwise."""
    kind = kind_of_name(name)
    if kind is None or not data:
        return None
    return kind if _CHECKS[kind](data) else None


def labels(kinds: tuple[str, ...] | list[str]) -> str:
    """The kinds as a refusal lists them: "PDF、Word（.docx）、JPG"."""
    return "、".join(TYPES[k].label for k in kinds if k in TYPES)


def _pdf(data: bytes) -> bool:
    # Acrobat accepts the header anywhere in the first KiB; writers put it first (a BOM or junk at most)
    return b"%PDF-" in data[:1024]


def _jpg(data: bytes) -> bool:
    return data.startswith(b"\xff\xd8\xff")


def _png(data: bytes) -> bool:
    return data.startswith(b"\x89PNG\r\n\x1a\n")


def _members(data: bytes) -> set[str] | None:
    if not data.startswith(_ZIP) or data.count(CENTRAL_ENTRY) > DEFAULT_MAX_MEMBERS:  # zipfile would build them all
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        return None


def _zip_with(*required: str) -> _Check:
    def check(data: bytes) -> bool:
        names = _members(data)
        return (names is not None and all(r in names for r in required)
                and not any(n.lower().endswith("vbaproject.bin") for n in names))
    return check


def _txt(data: bytes) -> bool:
    try:
        text = decode_text(data)
    except ReadError:
        return False
    return not _CONTROL.search(text)


def _ole_with(*streams: str) -> _Check:
    """An OLE compound file holding one of `streams`. The directory stores names in UTF-16LE; finding the
    name in the bytes is enough here, since LibreOffice reads the file by its content anyway and its output is
    sniffed again."""
    encoded = [s.encode("utf-16-le") for s in streams]

    def check(data: bytes) -> bool:
        return data.startswith(_OLE) and any(e in data for e in encoded)
    return check


_CHECKS: dict[str, _Check] = {
    "pdf": _pdf, "jpg": _jpg, "png": _png, "txt": _txt,
    "docx": _zip_with("[Content_Types].xml", "word/document.xml"),
    "xlsx": _zip_with("[Content_Types].xml", "xl/workbook.xml"),
    "ofd": _zip_with("OFD.xml"),
    "doc": _ole_with("WordDocument"), "wps": _ole_with("WordDocument"), "xls": _ole_with("Workbook", "Book"),
}
