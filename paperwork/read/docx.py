"""Paragraph text out of a .docx, with Word's automatic numbering written back in front.

We read the zip and the XML directly instead of going through python-docx: it is faster, and a broken
file fails in one place we control. The zip passes paperwork.ooxml's guard first (every part's true size
counted within `max_unpacked`, no DTD in any XML part), so nothing here inflates or parses unbounded. Auto-numbered headings ("一、" produced by Word, not typed) only exist in numbering.xml, so
we replay the counters the way Word does and prefix each paragraph with the marker it displays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from ..ooxml import DEFAULT_MAX_UNPACKED, PackageRefused, open_package
from .model import ReadError

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_NOT_WORD = "这个压缩文件不是 Word 文档（.docx）。请上传 Word（.docx）或文本（.txt）格式的报告。"
_UPLOAD = "请上传 Word（.docx）或文本（.txt）格式的报告。"
_BROKEN = "这个 Word 文件已损坏，无法读取。请在 Word 或 WPS 中打开后“另存为” .docx，再上传新文件。"

_CN_DIGITS = "零一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (how Word's chineseCounting writes them)."""
    if n <= 0:
        return "零"
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n - 10] if n > 10 else "")
    if n < 100:
        tens, ones = divmod(n, 10)
        return _CN_DIGITS[tens] + "十" + (_CN_DIGITS[ones] if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        if rest == 0:
            tail = ""
        elif rest < 10:
            tail = "零" + _CN_DIGITS[rest]
        else:  # inside a larger number 10-19 are written 一十…, as Word does
            tens, ones = divmod(rest, 10)
            tail = _CN_DIGITS[tens] + "十" + (_CN_DIGITS[ones] if ones else "")
        return _CN_DIGITS[hundreds] + "百" + tail
    return str(n)


def format_number(n: int, fmt: str) -> str:
    if n < 0 or n > 9999:  # a corrupt w:start must not build a huge "aaaa…" marker
        return str(n)
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified",
               "taiwaneseCounting", "taiwaneseCountingThousand", "japaneseCounting"):
        return chinese_number(n)
    if fmt == "ideographDigital" or fmt == "taiwaneseDigital":
        return "".join(_CN_DIGITS[int(d)] for d in str(n)).replace("零", "〇")
    if fmt == "ideographTraditional" and 1 <= n <= 10:
        return _TIANGAN[n - 1]
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return "".join(chr(ord(d) + 0xFEE0) for d in str(n))
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return _CIRCLED[n - 1] if 1 <= n <= len(_CIRCLED) else str(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("lowerLetter", "upperLetter"):
        s = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return s.upper() if fmt == "upperLetter" else s
    if fmt in ("lowerRoman", "upperRoman"):
        out, rest = "", n
        for value, sym in _ROMAN:
            while rest >= value:
                out, rest = out + sym, rest - value
        return out.upper() if fmt == "upperRoman" else out
    if fmt in ("bullet", "none"):
        return ""
    return str(n)


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    is_bullet: bool = False


@dataclass
class _Numbering:
    # numId → (abstractNumId, {ilvl: startOverride})
    nums: dict[str, tuple[str, dict[int, int]]] = field(default_factory=dict)
    abstracts: dict[str, dict[int, _Level]] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)
    seen_nums: set[str] = field(default_factory=set)

    def marker(self, num_id: str, ilvl: int) -> str:
        if num_id not in self.nums:
            return ""
        abstract_id, overrides = self.nums[num_id]
        levels = self.abstracts.get(abstract_id, {})
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.seen_nums:
            # A w:num with startOverride starts its list afresh (how Word restarts "1." lists).
            self.seen_nums.add(num_id)
            for lvl, start in overrides.items():
                counters[lvl] = start - 1
                for deeper in [k for k in counters if k > lvl]:
                    del counters[deeper]
        level = levels.get(ilvl, _Level())
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if level.is_bullet or not level.text:
            return ""
        out = level.text
        for k in range(9):
            token = f"%{k + 1}"
            if token in out:
                lv = levels.get(k, _Level())
                value = counters.get(k, lv.start)
                out = out.replace(token, format_number(value, lv.fmt))
        return out


def _val(el: ET.Element | None, default: str = "") -> str:
    if el is None:
        return default
    return el.get(_W + "val", default)


def _int(text: str, default: int) -> int:
    try:
        return int(text)
    except ValueError:
        return default


def _parse_numbering(xml: bytes | None) -> _Numbering:
    numbering = _Numbering()
    if not xml:
        return numbering
    root = ET.fromstring(xml)  # the package guard (paperwork/ooxml.py) refused any DTD or entity before this parse  # nosec B314
    for abstract in root.iter(_W + "abstractNum"):
        levels: dict[int, _Level] = {}
        for lvl in abstract.iter(_W + "lvl"):
            fmt = _val(lvl.find(_W + "numFmt"), "decimal")
            levels[_int(lvl.get(_W + "ilvl", "0"), 0)] = _Level(
                start=_int(_val(lvl.find(_W + "start"), "1"), 1),
                fmt=fmt,
                text=_val(lvl.find(_W + "lvlText")),
                is_bullet=fmt == "bullet",
            )
        numbering.abstracts[abstract.get(_W + "abstractNumId", "")] = levels
    for num in root.iter(_W + "num"):
        overrides: dict[int, int] = {}
        for ov in num.iter(_W + "lvlOverride"):
            start = ov.find(_W + "startOverride")
            if start is not None:
                overrides[_int(ov.get(_W + "ilvl", "0"), 0)] = _int(_val(start, "1"), 1)
        numbering.nums[num.get(_W + "numId", "")] = (_val(num.find(_W + "abstractNumId")), overrides)
    return numbering


def _parse_style_numbering(xml: bytes | None) -> dict[str, tuple[str, int]]:
    """styleId → (numId, ilvl) for styles that carry numbering (e.g. a "Heading 1" set to 一、)."""
    if not xml:
        return {}
    root = ET.fromstring(xml)  # the package guard (paperwork/ooxml.py) refused any DTD or entity before this parse  # nosec B314
    direct: dict[str, tuple[str | None, int | None]] = {}
    based_on: dict[str, str] = {}
    for style in root.iter(_W + "style"):
        sid = style.get(_W + "styleId", "")
        base = style.find(_W + "basedOn")
        if base is not None:
            based_on[sid] = _val(base)
        num_pr = style.find(f"{_W}pPr/{_W}numPr")
        if num_pr is not None:
            num_el = num_pr.find(_W + "numId")
            ilvl_el = num_pr.find(_W + "ilvl")
            direct[sid] = (
                _val(num_el) if num_el is not None else None,
                _int(_val(ilvl_el), 0) if ilvl_el is not None else None,
            )
    resolved: dict[str, tuple[str, int]] = {}
    for sid in set(direct) | set(based_on):
        num_id: str | None = None
        ilvl_: int | None = None
        cur: str | None = sid
        for _ in range(20):  # basedOn chains are short; a cycle must not hang us
            if cur is None:
                break
            d_num, d_lvl = direct.get(cur, (None, None))
            num_id = num_id if num_id is not None else d_num
            ilvl_ = ilvl_ if ilvl_ is not None else d_lvl
            cur = based_on.get(cur)
        if num_id:
            resolved[sid] = (num_id, ilvl_ or 0)
    return resolved


def _paragraph_text(p: ET.Element) -> str:
    parts: list[str] = []
    for el in p.iter():
        tag = el.tag
        if tag == _W + "t" and el.text:
            parts.append(el.text)
        elif tag == _W + "tab":
            parts.append(" ")
        elif tag in (_W + "br", _W + "cr"):
            parts.append("\n")
    return "".join(parts)


_CONTAINERS = frozenset(_W + t for t in ("tbl", "tr", "tc", "sdt", "sdtContent", "customXml"))


def _walk(body: ET.Element) -> list[ET.Element]:
    """Paragraphs in document order, descending into tables and content controls (iteratively:
    a hostile file can nest tables thousands deep)."""
    out: list[ET.Element] = []
    stack: list[ET.Element] = [body]
    while stack:
        el = stack.pop()
        for child in reversed(list(el)):
            if child.tag == _W + "p":
                stack.append(child)
            elif child.tag in _CONTAINERS:
                stack.append(child)
        if el.tag == _W + "p":
            out.append(el)
    return out


def docx_paragraphs(data: bytes, *, max_unpacked: int = DEFAULT_MAX_UNPACKED) -> list[str]:
    """Text of each body paragraph (tables included, in order), auto-numbering markers restored; the parts
    may inflate to `max_unpacked` bytes in all (the caller has checked the file's own size)."""
    try:
        package = open_package(data, max_unpacked=max_unpacked)
    except PackageRefused as exc:
        raise ReadError(_BROKEN if exc.reason == "broken" else exc.message_zh) from None
    names = package.names
    if "word/document.xml" not in names:
        if "xl/workbook.xml" in names:
            raise ReadError("这是 Excel 表格（.xlsx），不是报告文档。" + _UPLOAD)
        if "ppt/presentation.xml" in names:
            raise ReadError("这是 PowerPoint 演示文稿，不是报告文档。" + _UPLOAD)
        raise ReadError(_NOT_WORD)
    try:
        root = ET.fromstring(package.read("word/document.xml") or b"")  # the package guard (paperwork/ooxml.py) refused any DTD or entity before this parse  # nosec B314
        numbering = _parse_numbering(package.read("word/numbering.xml"))
        style_num = _parse_style_numbering(package.read("word/styles.xml"))
    except Exception:  # any corruption: XML, a part the guard read but zipfile now refuses — one message for all
        raise ReadError(_BROKEN) from None
    body = root.find(_W + "body")
    if body is None:
        raise ReadError(_BROKEN)
    paragraphs = _walk(body)
    out: list[str] = []
    for p in paragraphs:
        text = _paragraph_text(p)
        marker = ""
        num_pr = p.find(f"{_W}pPr/{_W}numPr")
        num_id: str | None = None
        ilvl = 0
        if num_pr is not None:
            num_id = _val(num_pr.find(_W + "numId")) or None
            ilvl = _int(_val(num_pr.find(_W + "ilvl"), "0"), 0)
        else:
            style = _val(p.find(f"{_W}pPr/{_W}pStyle"))
            if style in style_num:
                num_id, ilvl = style_num[style]
        if num_id and num_id != "0" and text.strip():
            marker = numbering.marker(num_id, min(max(ilvl, 0), 8))
        out.extend((marker + text).split("\n"))
    return out
