"""Bytes → paragraphs. Sniffs what a file really is before trusting its name.

Users upload whatever their office gave them: old .doc files renamed, scanned PDFs, phone photos,
GBK text from Windows Notepad, UTF-8 with a BOM from WPS. Each case gets a Chinese message that says
what to do instead of a traceback.
"""

from __future__ import annotations

import re

from ..ooxml import DEFAULT_MAX_UNPACKED
from .docx import docx_paragraphs
from .model import ReadError
from .pdf import pdf_lines

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

# The site the seeds were collected from left these markers, sometimes in the middle of a word.
_SITE_MARKERS = re.compile(r"##paid(?:begin|end)##")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\ufeff]")
_NEWLINES = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x0b|\x0c")
# Text copied out of a markdown page: "# 标题", "## **一、…**", "> 来源…", "- 一条". The marks go, the words stay.
_MD_LEAD = re.compile(r"^(?:#{1,6}[ \t]+|>[ \t]*|[-+•●▪◆][ \t]+)")
# Bold around a heading ("**一、…**", "**（一）…。**正文"): a pair opening the line, closing at its end or
# after a stop. A "**" that a counting unit follows is a placeholder ("**次"), never bold.
_MD_BOLD = re.compile(r"^\*\*(?=\S)(?P<b>[^*]*?[^*\s])\*\*(?=$|[^*次人个名项条篇件份期场家万元户批轮])")
# A table flattened to text: cells apart by a tab or a run of spaces; runs of spaces become one tab, so
# that the stray-space repair (single spaces between characters) leaves the cells apart.
_CELL_GAP = re.compile(r"[ \t]{2,}|\t")
_TABLE_ROW_MAX = 240

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_IMAGE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF87a", "GIF 图片"),
    (b"GIF89a", "GIF 图片"),
    (b"II*\x00", "TIFF 图片"),
    (b"MM\x00*", "TIFF 图片"),
)


def too_large_message(max_bytes: int) -> str:
    mb = max_bytes / (1024 * 1024)
    return f"文件超过 {mb:g} MB，无法读取。请删除其中的图片或附件后另存，再重新上传。"


def sniff(data: bytes, filename: str) -> str:
    """Return "docx", "pdf" or "txt", or raise ReadError for anything we cannot read."""
    name = filename.lower()
    if not data or not data.strip(b" \t\r\n\x00"):
        raise ReadError("文件是空的，没有可读取的内容。请检查是否选错了文件。")
    head = data[:16]
    if b"%PDF-" in data[:1024]:  # as paperwork.filetypes: writers may put a BOM or junk before it
        return "pdf"
    for magic, kind in _IMAGE_MAGIC:
        if head.startswith(magic):
            raise ReadError(f"这是{kind}，不是文字文件。请上传 Word（.docx）或文本（.txt）格式的报告。")
    if head.startswith(b"RIFF") and data[8:12] == b"WEBP":
        raise ReadError("这是 WEBP 图片，不是文字文件。请上传 Word（.docx）或文本（.txt）格式的报告。")
    if data[4:8] == b"ftyp":
        raise ReadError("这是图片或视频文件，不是文字文件。请上传 Word（.docx）或文本（.txt）格式的报告。")
    if head.startswith(b"BM") and (name.endswith(".bmp") or b"\x00" in data[:64]):
        raise ReadError("这是 BMP 图片，不是文字文件。请上传 Word（.docx）或文本（.txt）格式的报告。")
    if head.startswith(_OLE):
        raise ReadError(
            "这是旧版 Word（.doc）或 WPS（.wps）格式的文件，无法直接读取。"
            "请在 Word 或 WPS 中打开它，选择“另存为”，保存类型选“Word 文档（*.docx）”，再上传新文件。"
        )
    if head.startswith(b"{\\rtf"):
        raise ReadError("这是 RTF 格式的文件。请在 Word 或 WPS 中打开它，“另存为” .docx 格式后再上传。")
    if head.startswith(_ZIP) or head.startswith(b"PK\x05\x06"):
        return "docx"
    return "txt"


def decode_text(data: bytes) -> str:
    """Decode plain text: BOMs first, then UTF-8, then GB18030 (a superset of GBK and GB2312)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode_or_fail(data[3:], "utf-8")
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        return _decode_or_fail(data, "utf-16")
    sample = data[:4096]
    if b"\x00" in sample:
        # UTF-16 without a BOM (a Notepad "Unicode" file): accept only if it decodes to plausible text.
        for encoding in ("utf-16-le", "utf-16-be"):
            if len(data) % 2 == 0 and _plausible(sample[: len(sample) // 2 * 2], encoding):
                return _decode_or_fail(data, encoding)
        raise ReadError("这不是文字文件（含有二进制内容）。请上传 Word（.docx）或文本（.txt）格式的报告。")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ReadError(
            "无法识别这个文本文件的编码。请用记事本或 WPS 打开后“另存为”，编码选择 UTF-8，再上传。"
        ) from None


_PLAUSIBLE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2010-\u201f\x20-\x7e\s]")


def _plausible(sample: bytes, encoding: str) -> bool:
    try:
        text = sample.decode(encoding)
    except UnicodeDecodeError:
        return False
    if not text:
        return False
    good = len(_PLAUSIBLE.findall(text))
    return good >= 0.95 * len(text) and "\x00" not in text


def _decode_or_fail(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise ReadError(
            "这个文本文件的编码有损坏，无法读取。请用记事本或 WPS 打开后“另存为” UTF-8 编码，再上传。"
        ) from None


def markdown_to_text(line: str) -> str:
    """One line without the markdown marks around it ("## **一、…**" → "一、…")."""
    for _ in range(3):
        stripped = _MD_LEAD.sub("", line, count=1)
        stripped = _MD_BOLD.sub(r"\g<b>", stripped, count=1)
        if stripped == line:
            break
        line = stripped
    return line


def clean_paragraphs(lines: list[str]) -> list[str]:
    """Strip site markers, control characters and blank lines; keep the order."""
    out: list[str] = []
    for line in lines:
        line = _SITE_MARKERS.sub("", line)
        line = _CONTROL.sub("", line)
        # Full-width spaces indent paragraphs in official documents; they carry no meaning.
        line = line.replace("\u3000", " ").replace("\xa0", " ").strip()
        line = markdown_to_text(line)
        if len(line) <= _TABLE_ROW_MAX and len(_CELL_GAP.findall(line)) >= 2:
            line = _CELL_GAP.sub("\t", line)
        if line:
            out.append(line)
    return out


def bytes_to_paragraphs(data: bytes, filename: str, max_bytes: int,
                        max_unpacked: int = DEFAULT_MAX_UNPACKED) -> tuple[list[str], str]:
    if len(data) > max_bytes:
        raise ReadError(too_large_message(max_bytes))
    kind = sniff(data, filename)
    if kind == "docx":
        raw = docx_paragraphs(data, max_unpacked=max_unpacked)
    elif kind == "pdf":
        raw = pdf_lines(data, max_content=max_unpacked)
    else:
        raw = _NEWLINES.split(decode_text(data))
    paragraphs = clean_paragraphs(raw)
    if not paragraphs:
        raise ReadError("文件里没有文字内容。请检查是否选错了文件，或报告是否以图片形式粘贴在文档中。")
    return paragraphs, kind
