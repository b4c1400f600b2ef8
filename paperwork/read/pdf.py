"""PDF bytes → the lines of its text layer, page chrome dropped. Text only: no OCR, no layout.

Units keep reports as PDF exported from Word or WPS (a text layer) and as scans (pictures of paper, no
text at all). The first is read; the second gets a message that says to upload the Word file instead.

PDFs are hostile input: every limit here fails into a Chinese ReadError, never a hang or a traceback.
- pages: at most `max_pages`; the count is read from the page tree before any page is decoded;
- decompressed size: pypdf caps each stream (set below); the content streams of all pages together may not
  inflate past `max_unpacked`, the same budget the .docx guard gives a document's parts;
- time: a deadline checked before every content-stream operator pypdf interprets and between pages;
- nesting and broken structure: pypdf's own errors, recursion and every other exception from inside pypdf
  become ReadError, the cause kept on the exception for a developer.

Lines come out as pypdf extracts them: a PDF breaks lines where the page ran out of width, so a sentence is
split over several lines; joining them is left to the generic paragraph cleaning. What is PDF-specific is
done here: running headers and footers repeated on every page, and page numbers ("- 3 -", "第 3 页 共 9 页"),
are dropped.
"""

from __future__ import annotations

import io
import logging
import re
import time
from collections import Counter
from typing import Any

import pypdf
from pypdf.errors import FileNotDecryptedError, LimitReachedError

from .model import ReadError

DEFAULT_MAX_PAGES = 500  # a year's reports of a county run to a few dozen pages; 10,000 is an attack
DEFAULT_TIME_LIMIT = 20.0  # seconds for the whole file
DEFAULT_MAX_CONTENT = 50 * 1024 * 1024  # inflated content streams of all pages, as paperwork.ooxml's budget
STREAM_LIMIT = 16 * 1024 * 1024  # one stream inflated: a text page's content is some 10–100 KB

# pypdf's own budgets (pypdf.Configuration, applied per call through a context variable), tightened for text
# extraction: no image is decoded, no external decoder started.
_LIMITS = pypdf.Configuration(
    maximum_declared_stream_length=STREAM_LIMIT,
    array_based_stream_maximum_output_length=STREAM_LIMIT,
    zlib_maximum_output_length=STREAM_LIMIT,
    lzw_maximum_output_length=STREAM_LIMIT,
    run_length_maximum_output_length=STREAM_LIMIT,
    brotli_maximum_output_length=STREAM_LIMIT,
    jbig2_maximum_output_length=STREAM_LIMIT,
    image_maximum_buffer_size=STREAM_LIMIT,
    zlib_maximum_recovery_input_length=1024 * 1024,
    stream_decoding_work_maximum_length=4 * STREAM_LIMIT,
    stream_parsing_work_maximum_count=300_000,  # a dense page of text or a table: some 3,000–50,000 tokens
    xform_maximum_invocations_per_extraction=1000,
    page_tree_maximum_depth=32,
    jbig2dec_binary=None,
    disable_legacy_handling=True,
)

# pypdf logs each oddity of a malformed file as a warning; what the user needs is the ReadError, and a
# developer finds the cause on it (`__cause__`), so the operator's log is not flooded by a hostile file.
logging.getLogger("pypdf").setLevel(logging.ERROR)

SCANNED = ("这份 PDF 是扫描件（只有图片），没有可读取的文字。"
           "请上传 Word 版（.docx）或文字版 PDF（在 Word/WPS 中“另存为 PDF”得到的文件）；"
           "只有纸质件的，请先用 OCR 识别成文字。")
ENCRYPTED = ("这份 PDF 已加密，需要密码才能打开，无法读取。"
             "请上传未加密的版本，或上传原始的 Word（.docx）文件。")
BROKEN = ("这份 PDF 文件已损坏或格式不规范，无法读取其中的文字。"
          "请重新导出 PDF，或上传原始的 Word（.docx）文件。")
GARBLED = ("这份 PDF 的文字无法识别（所用字体缺少编码信息，读出来是乱码）。"
           "请上传原始的 Word（.docx）文件，或在 WPS/Word 中重新“另存为 PDF”后再上传。")


def too_many_pages(max_pages: int) -> str:
    return f"这份 PDF 超过 {max_pages} 页，无法读取。请只上传报告本身，或拆分成几个文件后分别上传。"


BLANK = ("这份 PDF 里没有文字，页面是空白的。请检查是否选错了文件；"
         "请上传 Word 版（.docx）或文字版 PDF。")
TOO_BIG = ("这份 PDF 解压后的内容过大或过于复杂，无法读取。"
           "请删除其中的图片或附件后重新导出 PDF，或上传原始的 Word（.docx）文件。")
TOO_SLOW = ("读取这份 PDF 用时过长，已停止。请在 Word/WPS 中重新“另存为 PDF”后再上传，"
            "或上传原始的 Word（.docx）文件。")


class _Deadline(Exception):
    """Raised from inside pypdf's interpreter when time is up (a visitor cannot return a verdict)."""


def pdf_lines(data: bytes, *, max_pages: int = DEFAULT_MAX_PAGES, max_content: int = DEFAULT_MAX_CONTENT,
              time_limit: float = DEFAULT_TIME_LIMIT) -> list[str]:
    """The text lines of a PDF in reading order, running headers, footers and page numbers dropped.
    ReadError (Chinese) for a scan, an encrypted, broken, oversized or too slow file."""
    pages, pictures = page_texts(data, max_pages=max_pages, max_content=max_content, time_limit=time_limit)
    lines = [_AUTOSPACE.sub("", line) for page in drop_page_chrome(pages) for line in page]
    if not any(line.strip() for line in lines):
        raise ReadError(SCANNED if pictures else BLANK)
    if _garbled("".join(lines)):
        raise ReadError(GARBLED)
    return lines


def page_texts(data: bytes, *, max_pages: int = DEFAULT_MAX_PAGES, max_content: int = DEFAULT_MAX_CONTENT,
               time_limit: float = DEFAULT_TIME_LIMIT) -> tuple[list[list[str]], bool]:
    """Each page's lines as pypdf extracts them (chrome still in), and whether any page paints a picture."""
    deadline = time.monotonic() + time_limit
    try:
        with pypdf.apply_configuration(_LIMITS):
            reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                _decrypt(reader)
            count = len(reader.pages)
            if count > max_pages:
                raise ReadError(too_many_pages(max_pages))
            return _extract(reader, count, deadline, max_content)
    except ReadError:
        raise
    except _Deadline:
        raise ReadError(TOO_SLOW) from None
    except LimitReachedError as exc:
        raise ReadError(TOO_BIG) from exc
    except FileNotDecryptedError as exc:
        raise ReadError(ENCRYPTED) from exc
    except Exception as exc:  # pypdf raises whatever a malformed file leads it into (KeyError, RecursionError, …)
        raise ReadError(BROKEN) from exc


def _decrypt(reader: pypdf.PdfReader) -> None:
    # A PDF "protected" only against copying or printing opens with the empty user password, as every
    # viewer opens it; one that really needs a password cannot be read.
    try:
        opened = reader.decrypt("")
    except Exception as exc:  # an unsupported algorithm, a missing crypto provider, a broken /Encrypt
        raise ReadError(ENCRYPTED) from exc
    if not opened:
        raise ReadError(ENCRYPTED)


def _extract(reader: pypdf.PdfReader, count: int, deadline: float,
             max_content: int) -> tuple[list[list[str]], bool]:
    def check_time(*_: Any) -> None:
        if time.monotonic() > deadline:
            raise _Deadline

    pages: list[list[str]] = []
    inflated = 0
    pictures = False
    for index in range(count):
        check_time()
        page = reader.pages[index]
        contents = page.get_contents()
        if contents is not None:
            inflated += len(contents.get_data())
            if inflated > max_content:
                raise ReadError(TOO_BIG)
            pictures = pictures or _paints_picture(page, contents.get_data())
        text = page.extract_text(visitor_operand_before=check_time) if contents is not None else ""
        pages.append(text.splitlines())
    return pages, pictures


def _paints_picture(page: pypdf.PageObject, content: bytes) -> bool:
    """An image among the page's resources (one level down, as scanners write them) or an inline image."""
    resources = page.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources is not None else None
    if xobjects is not None:
        for ref in xobjects.get_object().values():
            if ref.get_object().get("/Subtype") == "/Image":
                return True
    return b"BI" in content and b"ID" in content


# --- page chrome --------------------------------------------------------------------------------------

_DASHES = r"[-－—–―‒~～_·•]"
_PAGE_NUMBER = re.compile(
    rf"^(?:{_DASHES}+\s*\d{{1,4}}\s*{_DASHES}+"  # - 3 -   — 3 —   －3－
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/、]?\s*共\s*\d{1,4}\s*页)?"  # 第 3 页 共 9 页, 第3页
    r"|共\s*\d{1,4}\s*页\s*[,，/、]?\s*第\s*\d{1,4}\s*页"  # 共 9 页 第 3 页
    r"|\d{1,4}\s*/\s*\d{1,4}"  # 3/9
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?"  # Page 3 of 9
    r")$",
    re.IGNORECASE,
)
_BARE_NUMBER = re.compile(r"^\d{1,4}$")
_EDGE = 2  # lines at the top and the bottom of a page where running heads and numbers stand
_DIGITS = re.compile(r"\d+")


def is_page_number(line: str) -> bool:
    return bool(_PAGE_NUMBER.match(line.strip().replace("\u3000", " ")))


def drop_page_chrome(pages: list[list[str]]) -> list[list[str]]:
    """Each page without its page number and without the header/footer lines that repeat at the same edge
    on most pages (digits ignored, so "第3页 XX县纪委" repeats as well)."""
    pages = [[line for line in page if line.strip()] for page in pages]
    repeated = _running_lines(pages)
    out: list[list[str]] = []
    for page in pages:
        kept: list[str] = []
        last = len(page) - 1
        for i, line in enumerate(page):
            edge = i < _EDGE or i > last - _EDGE
            text = line.strip()
            if is_page_number(text) or (edge and _BARE_NUMBER.match(text)):
                continue
            if edge and _key(text) in repeated:
                continue
            kept.append(line)
        out.append(kept)
    return out


def _key(line: str) -> str:
    return _DIGITS.sub("#", re.sub(r"\s+", "", line))


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Edge lines found on at least 3 pages and on more than half of them: a running head or foot.
    A title on the first page alone, or a heading that happens to start two pages, stays."""
    if len(pages) < 3:
        return set()
    seen: Counter[str] = Counter()
    for page in pages:
        seen.update({_key(line) for line in page[:_EDGE] + page[-_EDGE:]})
    return {key for key, n in seen.items() if n >= 3 and n * 2 > len(pages) and key}


# Word, WPS and LibreOffice widen the gap between Chinese and Latin letters or digits when they lay out a
# page ("召开会议 12 次"); the extracted text shows the gap as a space that the document never had.
_CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
_AUTOSPACE = re.compile(rf"(?<={_CJK})[ \t]+(?=[0-9A-Za-z%])|(?<=[0-9A-Za-z%])[ \t]+(?={_CJK})")

_JUNK = re.compile(r"[\ufffd\ue000-\uf8ff\x00-\x08\x0e-\x1f]")


def _garbled(text: str) -> bool:
    """Replacement, private-use and control characters: what a CID font without a ToUnicode map gives."""
    visible = re.sub(r"\s", "", text)
    return len(visible) >= 20 and len(_JUNK.findall(visible)) * 3 > len(visible)
