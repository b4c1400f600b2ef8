"""Reading and writing ledger workbooks (.xlsx) as plain data: no ORM, no Django.

`read_ledger(data, filename, …)` turns a workbook as people make it (a title row or two, a header row with
loosely named columns, aspect rows merged across, problem cells merged down over their measures, sub-problems
numbered （1）（2）) into a `ParsedLedger`: a plan of aspects → problems → measures with the sheet row of
each, and every problem found as a `RowError` (row number and header text, message in Chinese).
`write_ledger(sheets)` writes the same layout back, ready to print (A4 landscape, header row repeated).
The services resolve names to people and units and write rows; this module only reads and writes cells.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from copy import copy
from dataclasses import asdict, dataclass, field
from itertools import islice
from typing import Any
from xml.etree import ElementTree as ET

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.merge import MergedCellRange

from paperwork.calendar import parse_date
from paperwork.lists import numbered_parts
from paperwork.ooxml import DEFAULT_MAX_UNPACKED, Package, PackageRefused, open_package
from paperwork.xlsx import append_row, keep_text

# field → (the header the export writes, other names people give the column)
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "number": ("序号", ("编号", "序")),
    "aspect": ("方面", ("问题类别", "问题类型", "类别", "板块", "问题方面", "所属方面", "问题分类", "方面问题")),
    "problem": ("问题", ("存在问题", "反馈问题", "问题描述", "问题清单", "主要问题", "存在的问题", "巡察反馈问题",
                        "问题内容", "反馈的问题", "问题名称")),
    # the （1）（2） of a feedback problem, one per row under the problem cell merged down over them; a sheet
    # whose only problem column has one of these names keeps it as the problem (_columns)
    "specific": ("具体问题", ("具体表现", "问题表现", "表现形式", "具体问题表现", "具体表现形式", "问题具体表现",
                          "主要表现", "存在的具体问题", "具体问题描述", "问题具体内容")),
    "measure": ("整改措施", ("整改举措", "措施", "整改措施及要求", "整改任务", "整改要求", "具体措施", "具体整改措施",
                         "整改目标及措施", "整改思路及措施")),
    "leader": ("责任领导", ("牵头领导", "分管领导", "包抓领导", "责任领导人", "领导", "分管负责人", "牵头负责人",
                         "责任领导干部", "分管县领导")),
    "responsible_unit": ("责任单位", ("牵头单位", "责任股室", "责任部门", "承办单位", "责任科室", "牵头股室",
                                      "牵头部门", "责任单位部门", "主责单位", "牵头责任单位")),
    "owner": ("责任人", ("具体责任人", "经办人", "承办人", "具体负责人", "直接责任人", "具体经办人")),
    "deadline": ("整改时限", ("完成时限", "时限", "整改期限", "完成时间", "时间节点", "整改时间", "整改完成时限",
                          "完成期限")),
    "situation": ("完成情况", ("整改情况", "进展情况", "整改进展", "完成状态", "整改状态", "整改完成情况",
                           "整改落实情况", "落实情况", "整改进度", "目前进展")),
    "label": ("密级", ("密级标注",)),  # 公开/内部/敏感; a 涉密 grade is refused on import (lib.security)
}
EXPORT_FIELDS = ["number", "problem", "measure", "leader", "responsible_unit", "owner", "deadline", "situation"]
REQUIRED = ("problem", "measure")
FIELD_LABELS = {key: spec[0] for key, spec in FIELDS.items()}

STATUS_LABELS = {"not_started": "未启动", "in_progress": "推进中", "done": "已完成", "long_term": "长期坚持"}
SOURCE_KIND_LABELS = {"inspection": "巡察", "tour": "巡视", "audit": "审计", "supervision": "督查",
                      "democratic_meeting": "民主生活会", "self_check": "自查", "assigned": "上级交办"}

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEADER_SCAN_ROWS = 15
DEFAULT_MAX_ROWS = 20_000  # rows with content below the header, per import (settings.QINGLIAN_MAX_IMPORT_ROWS)
MAX_COLUMNS = 64  # a ledger has about ten columns; a forged <dimension> must not widen every row to 16,384
CN_NUM = "一二三四五六七八九十"
_ASPECT_NUM = re.compile(rf"^(?:[{CN_NUM}]+[、.．]|[（(][{CN_NUM}]+[)）])\s*")
_SUB_NUM = re.compile(r"^[（(]\s*(\d+)\s*[)）]\s*[、.．]?\s*")
_TOP_NUM = re.compile(r"^(\d+)\s*[、.．]\s*|^(\d+)\s+")
_LEAD_NUM = re.compile(r"^\s*(?:[（(]\s*\d+\s*[)）]\s*[、.．]?|\d+\s*[、.．](?!\d)|\d+\s+|[①-⑳]\s*[、.．]?)\s*")
_META = re.compile(r"(来源|反馈机关|反馈日期|整改单位)[:：]\s*(\S+)")


@dataclass(frozen=True)
class RowError:
    row: int  # the sheet's row number (1-based); 0 for the file as a whole
    column: str  # the header text of the column, "" when the whole row or file is concerned
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row else "文件"
        return f"{where}{f'“{self.column}”列' if self.column else ''}：{self.message}"


@dataclass
class Column:
    index: int  # 0-based
    header: str
    sure: bool


@dataclass
class ParsedLedger:
    sheet: str = ""
    sheets: list[str] = field(default_factory=list)  # the sheets with content
    ledger_sheets: list[str] = field(default_factory=list)  # those of them with a ledger header
    header_row: int = 0
    headers: list[str] = field(default_factory=list)  # header texts by column index
    columns: dict[str, Column] = field(default_factory=dict)  # field → column
    needs_mapping: bool = False  # a column name was guessed: ask the user to confirm the mapping
    meta: dict[str, str] = field(default_factory=dict)  # 来源/反馈机关/反馈日期 read from title rows
    aspects: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    # columns no field was found for (or a second column of a field already read): [{"index", "header"}];
    # their texts wait on each measure as measure["extra"] {header: text}, and each has a warning
    unmapped: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)  # worth a look, but no reason to refuse the import
    split_measures: bool = False  # measures written as "1.…；2.…" were split into one measure per item

    @property
    def ok(self) -> bool:
        return not self.errors

    def mapping(self) -> dict[str, str]:
        """field → header text, as a mapping form would show it."""
        return {key: col.header for key, col in self.columns.items()}

    def to_plain(self) -> dict[str, Any]:
        """JSON-ready, so an import parses its upload once and its preview and confirm read what was stored."""
        data = asdict(self)
        for measure in _measures(data["aspects"]):
            measure["deadline"] = measure["deadline"].isoformat() if measure["deadline"] else None
        return data

    @classmethod
    def from_plain(cls, data: dict[str, Any]) -> ParsedLedger:
        values = dict(data)
        values["columns"] = {key: Column(**col) for key, col in data["columns"].items()}
        values["errors"] = [RowError(**e) for e in data["errors"]]
        values["warnings"] = [RowError(**e) for e in data.get("warnings", [])]
        for measure in _measures(values["aspects"]):
            measure["deadline"] = dt.date.fromisoformat(measure["deadline"]) if measure["deadline"] else None
        return cls(**values)


def _measures(aspects: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for aspect in aspects:
        for problem in aspect["problems"]:
            for leaf in [problem, *problem["children"]]:
                yield from leaf["measures"]


class FileRefused(ValueError):
    """The file is not a workbook this reader can take; the message says what to do."""


# -- file checks -----------------------------------------------------------------------------------
def check_file(data: bytes, filename: str, max_bytes: int, *, max_unpacked: int = DEFAULT_MAX_UNPACKED) -> Package:
    """Refuse oversized files, old .xls, files that are not workbooks and zips that lie (paperwork.ooxml),
    before openpyxl sees them; the checked package."""
    if len(data) > max_bytes:
        raise FileRefused(f"文件“{filename}”大小为 {len(data) / 1024 / 1024:.1f} MB，超过上限 "
                          f"{max_bytes / 1024 / 1024:.0f} MB。请删去无关的工作表或图片后再导入。")
    if not data:
        raise FileRefused(f"文件“{filename}”是空文件，请重新选择台账文件。")
    if data.startswith(OLE_MAGIC):
        raise FileRefused(f"“{filename}”是旧版 Excel 97-2003（.xls）或其他 Office 旧格式文件。请在 Excel 或 WPS 中"
                          "“另存为” Excel 工作簿（.xlsx）后再导入。")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise FileRefused(f"“{filename}”不是 Excel 工作簿（.xlsx）文件。请在 Excel 或 WPS 中另存为 .xlsx 后再导入。")
    try:
        package = open_package(data, name=filename, max_unpacked=max_unpacked)
    except PackageRefused as exc:
        raise FileRefused(exc.message_zh) from exc
    if "xl/workbook.xml" not in package.names:
        if "word/document.xml" in package.names:
            raise FileRefused(f"“{filename}”实际上是 Word 文档（.docx），不是 Excel 表格。请导入台账的 Excel 文件；"
                              "Word 格式的整改报告请用“从报告导入”。")
        if "ppt/presentation.xml" in package.names:
            raise FileRefused(f"“{filename}”实际上是 PowerPoint 演示文稿，不是 Excel 表格。")
        raise FileRefused(f"“{filename}”不是 Excel 工作簿（.xlsx）文件。请在 Excel 或 WPS 中另存为 .xlsx 后再导入。")
    return package


# -- helpers ---------------------------------------------------------------------------------------
def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[（(].*?[)）]", "", text)  # "整改时限（完成时间）" → "整改时限"
    return re.sub(r"[\s:：*＊/、\-_]+", "", text)


def match_header(text: str) -> tuple[str | None, bool]:
    """(field, sure) for one header cell: exact names are sure, a contained name is a guess."""
    name = _norm(text)
    if not name:
        return None, False
    for key, (main, others) in FIELDS.items():
        if name == main or name in others:
            return key, True
    best: tuple[int, str] | None = None
    for key, (main, others) in FIELDS.items():
        for candidate in (main, *others):
            if len(candidate) >= 2 and candidate in name and (best is None or len(candidate) > best[0]):
                best = (len(candidate), key)
    return (best[1], False) if best else (None, False)


_EMPTY: tuple[()] = ()  # every empty row shares it: a sheet may place one cell a million rows down


def _grid(rows: list[Any], merges: list[tuple[int, int, int, int]]
          ) -> tuple[list[Any], dict[tuple[int, int], tuple[int, int]], set[tuple[int, int]]]:
    """Cell values with merged ranges filled from their top-left cell; which cells were filled, and which
    merged ranges had nothing in them (reported, since a merged cell with no text is usually a mistake)."""
    width = max((len(r) for r in rows), default=0)
    for r in rows:
        if r is not _EMPTY:
            r.extend([None] * (width - len(r)))
    filled: dict[tuple[int, int], tuple[int, int]] = {}
    empty_merges: set[tuple[int, int]] = set()
    budget = len(rows) * width  # a cell lies in one merged range at most: more means overlapping (forged) ranges
    for min_row, min_col, max_row, max_col in merges:
        top, left = min_row - 1, min_col - 1
        if top >= len(rows) or left >= width:
            continue
        bottom, right = min(max_row, len(rows)), min(max_col, width)
        budget -= max(bottom - top, 0) * max(right - left, 0)
        if budget < 0:
            raise FileRefused("工作表中的合并单元格互相重叠，Excel 和 WPS 不会这样保存。请在 Excel 或 WPS 中打开它，"
                              "另存为 .xlsx 后再导入。")
        value = rows[top][left] if rows[top] is not _EMPTY else None
        for r in range(top, bottom):
            if rows[r] is _EMPTY:
                rows[r] = [None] * width
            for c in range(left, right):
                if (r, c) != (top, left):
                    rows[r][c] = value
                    filled[(r, c)] = (top, left)
                if value in (None, ""):
                    empty_merges.add((r, c))
    return rows, filled, empty_merges


def _header_keys(row: list[Any], *, sure_only: bool = False) -> set[str]:
    keys: set[str] = set()
    for v in row:
        text = _text(v)
        if text and len(text) <= 20:
            key, sure = match_header(text)
            if key and (sure or not sure_only):
                keys.add(key)
    return keys


def _find_header(rows: list[list[Any]]) -> int | None:
    """The index of the header row (of its lower row, for a header of two rows), or None."""
    best, best_score = None, 1
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        keys = _header_keys(row)
        score = len(keys)
        if score > best_score and ("problem" in keys or "measure" in keys or "specific" in keys):
            best, best_score = i, score
    if best is not None and best + 1 < min(len(rows), HEADER_SCAN_ROWS) and _is_pair(rows[best], rows[best + 1]):
        return best + 1
    return best


def _is_pair(upper: list[Any], lower: list[Any]) -> bool:
    """Whether two rows make one header: a group cell ("责任主体") over fields it holds (责任领导 / 责任单位 /
    责任人). Only exact names in the lower row count, so a data row's words never pass for a header."""
    upper_keys = _header_keys(upper)
    for up, low in zip(upper, lower, strict=False):
        up_text, low_text = _text(up), _text(low)
        if not up_text or len(low_text) > 20 or match_header(up_text)[0] is not None:
            continue
        key, sure = match_header(low_text)
        if key and sure and key not in upper_keys:
            return True
    return False


def _header_texts(rows: list[list[Any]], index: int) -> list[str]:
    """The header's text per column: of the header row; for a header of two rows, the lower row's text, or the
    upper row's field name where the lower row has none ("序号" written once over both rows, not merged)."""
    lower = [_text(v) for v in rows[index]]
    if index == 0 or not _is_pair(rows[index - 1], rows[index]):
        return lower
    upper = [_text(v) for v in rows[index - 1]]
    return [up if not low and i < len(upper) and (up := upper[i]) and match_header(up)[1] else low
            for i, low in enumerate(lower)]


def _columns(texts: list[str], mapping: dict[str, str] | None) -> tuple[dict[str, Column], bool, set[int]]:
    """(field → column, whether a name was guessed, the indexes of further numbering columns: read as numbers,
    not reported as columns left out)."""
    columns: dict[str, Column] = {}
    numbering: set[int] = set()
    unsure = False
    if mapping:
        for key, wanted in mapping.items():
            if key in FIELDS and wanted:
                for i, t in enumerate(texts):
                    if t == wanted:
                        columns[key] = Column(i, t, True)
                        break
    else:
        for i, t in enumerate(texts):
            found, sure = match_header(t)
            if found is None:
                continue
            key = found
            if key in columns:
                if key == "number":
                    numbering.add(i)  # a 序号 for the problems and another for their parts
                    continue
                if columns[key].sure and not sure:
                    continue
                if columns[key].sure == sure:
                    unsure = True  # two columns look like the same field: ask
                    continue
            columns[key] = Column(i, t, sure)
            unsure = unsure or not sure
    if "specific" in columns and "problem" not in columns:
        columns["problem"] = columns.pop("specific")  # "具体问题" alone is the problem column
    return columns, unsure, numbering


def _unmapped(rows: list[list[Any]], header_index: int, texts: list[str], columns: dict[str, Column],
              numbering: set[int]) -> list[dict[str, Any]]:
    """Columns no field reads: every one with a header, and those without a header that hold something."""
    used = {col.index for col in columns.values()} | numbering
    width = max(len(texts), max((len(r) for r in rows[header_index + 1:]), default=0))
    found = []
    for i in range(min(width, MAX_COLUMNS)):
        if i in used:
            continue
        header = texts[i] if i < len(texts) else ""
        if header or any(i < len(r) and _text(r[i]) for r in rows[header_index + 1:]):
            found.append({"index": i, "header": header or f"第{get_column_letter(i + 1)}列"})
    return found


def read_status(situation: str) -> tuple[str, str]:
    """(status, note) from what a 完成情况 cell says; a bare status word leaves no note."""
    text = situation.strip()
    for code, label in STATUS_LABELS.items():
        if text == label:
            return code, ""
        if text.startswith(label) and text[len(label):len(label) + 1] in ("：", ":", "，", "。", "；"):
            return code, text[len(label) + 1:].strip()  # "已完成：制定制度5项", as the export writes it
    if not text:
        return "not_started", ""
    if any(w in text for w in ("未启动", "未开始", "尚未开展")):
        return "not_started", text
    if any(w in text for w in ("未完成", "正在", "推进", "整改中", "持续")):
        return ("long_term" if "长期" in text else "in_progress"), text
    if "长期" in text:
        return "long_term", text
    if any(w in text for w in ("已完成", "完成整改", "已整改", "办结", "已落实", "已销号", "完成")):
        return "done", text
    return "in_progress", text


def _strip_aspect(text: str) -> str:
    return _ASPECT_NUM.sub("", text).strip()


# -- reading ---------------------------------------------------------------------------------------
def read_ledger(
    data: bytes, filename: str = "台账.xlsx", *, max_bytes: int = 20 * 1024 * 1024, sheet: str | None = None,
    mapping: dict[str, str] | None = None, today: dt.date | None = None,
    max_unpacked: int = DEFAULT_MAX_UNPACKED, max_rows: int = DEFAULT_MAX_ROWS, split_measures: bool = False,
) -> ParsedLedger:
    """Read one sheet of a ledger workbook. Never raises for bad content: errors come back in `.errors`
    (a refused file as one error on row 0, with a message that says what to do).
    A measure cell holding a numbered list ("1.…；2.…") is one measure with its items in `parts`; with
    `split_measures`, one measure per item (split_plan)."""
    result = ParsedLedger()
    try:
        package = check_file(data, filename, max_bytes, max_unpacked=max_unpacked)
        loaded = _load(package, filename, sheet, result, max_rows)
        if loaded is not None:
            _read_sheet(*loaded, result, mapping, today or dt.date.today())
    except FileRefused as exc:
        result.errors.append(RowError(0, "", str(exc)))
    if split_measures:
        result.aspects = split_plan(result.aspects)
        result.split_measures = True
    return result


def _load(package: Package, filename: str, sheet: str | None, result: ParsedLedger, max_rows: int
          ) -> tuple[str, list[Any], list[tuple[int, int, int, int]], int] | None:
    """(sheet title, its rows, its merged ranges, the header row's index) of the sheet to import, or None
    when the choice of sheet is the error (recorded in `result`). Everything that makes openpyxl parse runs
    here, under one net: openpyxl parses lazily and raises many kinds of error for a broken part."""
    try:
        # read-only mode: fast for 10,000 rows; merged ranges are read from the sheet XML (_merges)
        wb = load_workbook(io.BytesIO(package.data), data_only=True, read_only=True)
        try:
            chosen = _choose(wb, package, sheet, result)
            if chosen is None:
                return None
            merges = _merges(package, wb.sheetnames.index(chosen.title))
            rows, header = _sheet_rows(chosen, merges, max_rows)
            return chosen.title, rows, merges, header
        finally:
            wb.close()
    except FileRefused:
        raise
    except Exception as exc:
        raise FileRefused(f"“{filename}”无法作为 Excel 工作簿打开（{type(exc).__name__}）。"
                          "请在 Excel 或 WPS 中重新另存为 .xlsx 后再导入。") from exc


def _choose(wb: Any, package: Package, sheet: str | None, result: ParsedLedger) -> Any:
    """The sheet named, else the one sheet with content, else the one sheet with a ledger header (a cover,
    a 填表说明 or a summary sheet beside it is left alone); several ledgers in one workbook: the user chooses."""
    non_empty = [ws for ws in wb.worksheets if _has_content(ws)]
    result.sheets = [ws.title for ws in non_empty]
    ledgers = [ws for ws in non_empty if _has_header(ws, package, wb.sheetnames.index(ws.title))]
    result.ledger_sheets = [ws.title for ws in ledgers]
    if sheet:
        chosen = next((ws for ws in wb.worksheets if ws.title == sheet), None)
        if chosen is None:
            result.errors.append(RowError(0, "", f"工作簿中没有名为“{sheet}”的工作表；现有："
                                                 f"{'、'.join(ws.title for ws in wb.worksheets)}。"))
        return chosen
    if not non_empty:
        result.errors.append(RowError(0, "", "工作簿是空的，没有可导入的内容。"))
        return None
    if len(non_empty) == 1:
        return non_empty[0]
    if len(ledgers) == 1:
        return ledgers[0]
    several = ledgers or non_empty
    names = "、".join(f"“{ws.title}”" for ws in several)
    what = "都像整改台账" if ledgers else "都找不到台账的表头"
    result.errors.append(RowError(0, "", f"工作簿中有 {len(several)} 个有内容的工作表（{names}），{what}。"
                                         "每次导入一个：请选择要导入的工作表（命令行用 --sheet 工作表名）。"))
    return None


def _has_header(ws: Any, package: Package, index: int) -> bool:
    rows = [_row(v) for v in ws.iter_rows(max_row=HEADER_SCAN_ROWS, max_col=MAX_COLUMNS, values_only=True)]
    grid = _grid([r if r is _EMPTY else list(r) for r in rows], _merges(package, index))[0]
    return _find_header(grid) is not None


def _has_content(ws: Any) -> bool:
    return any(_text(v) for row in ws.iter_rows(max_row=HEADER_SCAN_ROWS + 5, max_col=MAX_COLUMNS, values_only=True)
               for v in row)


def _sheet_rows(ws: Any, merges: list[tuple[int, int, int, int]], max_rows: int) -> tuple[list[Any], int]:
    """The sheet's values (at most MAX_COLUMNS wide) and the header row's index (-1 if none), read no further
    than max_rows rows with content below the header: a larger ledger is refused while it is read, not
    after 100,000 rows have been built."""
    width = min(ws.max_column or MAX_COLUMNS, MAX_COLUMNS)
    values = ws.iter_rows(max_col=width, values_only=True)
    rows = [_row(v) for v in islice(values, HEADER_SCAN_ROWS)]
    header = _find_header(_grid([r if r is _EMPTY else list(r) for r in rows], merges)[0])
    if header is None:
        return rows, -1
    counted = sum(1 for r in rows[header + 1:] if r is not _EMPTY)
    for v in values:
        row = _row(v)
        if row is not _EMPTY:
            counted += 1
            if counted > max_rows:
                raise FileRefused(f"工作表“{ws.title}”表头以下有超过 {max_rows} 行内容，超过一次导入的上限（{max_rows} 行）。"
                                  f"请拆分为多个文件分批导入，每个文件不超过 {max_rows} 行。")
        rows.append(row)
    return rows, header


def _row(values: tuple[Any, ...]) -> Any:
    return list(values) if any(_text(v) for v in values) else _EMPTY


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?"')


def _merges(package: Package, index: int) -> list[tuple[int, int, int, int]]:
    """Merged ranges (min_row, min_col, max_row, max_col) of the index-th sheet, read from its XML: openpyxl's
    full mode re-formats every merged cell on load, which takes minutes on a 10,000-row ledger. The parts come
    from the checked package (sizes counted, no DTD), so parsing them is bounded."""
    from openpyxl.utils import column_index_from_string

    rel_ids = [_attr(a, "id") for a in _elements(package.read("xl/workbook.xml"), "sheet")]
    targets = {a.get("Id", ""): a.get("Target", "") for a in _elements(package.read("xl/_rels/workbook.xml.rels"),
                                                                        "Relationship")}
    if index >= len(rel_ids) or rel_ids[index] not in targets:
        return []
    target = targets[rel_ids[index]]
    xml = package.read(target.lstrip("/") if target.startswith("/") else f"xl/{target}") or b""
    ranges = []
    for m in _MERGE.finditer(xml):
        c1, r1 = column_index_from_string(m[1].decode()), int(m[2])
        c2, r2 = (column_index_from_string(m[3].decode()), int(m[4])) if m[3] else (c1, r1)
        ranges.append((r1, c1, r2, c2))
    return ranges


def _elements(xml: bytes | None, tag: str) -> Iterator[dict[str, str]]:
    """The attributes of each `tag` element (any namespace), parsed as a stream."""
    if not xml:
        return
    for _event, el in ET.iterparse(io.BytesIO(xml)):  # the package guard (paperwork/ooxml.py) refused any DTD or entity before this parse  # nosec B314
        if el.tag.rpartition("}")[2] == tag:
            yield dict(el.attrib)
        el.clear()


def _attr(attrs: dict[str, str], name: str) -> str:
    """A namespaced attribute by its local name (r:id is "{…/relationships}id" once parsed)."""
    return next((v for k, v in attrs.items() if k.rpartition("}")[2] == name and k.startswith("{")), "")


def _read_sheet(title: str, rows: list[Any], merges: list[tuple[int, int, int, int]], header_index: int,
                result: ParsedLedger, mapping: dict[str, str] | None, today: dt.date) -> None:
    result.sheet = title
    rows, filled, empty_merges = _grid(rows, merges)
    if header_index < 0:
        result.errors.append(RowError(0, "", f"工作表“{title}”前{HEADER_SCAN_ROWS}行中找不到表头行（应有“问题”“整改措施”"
                                             "“责任人”“整改时限”等列名）。请确认表头后再导入。"))
        return
    result.header_row = header_index + 1
    headers = _header_texts(rows, header_index)
    columns, unsure, numbering = _columns(headers, mapping)
    result.columns, result.headers, result.needs_mapping = columns, headers, unsure
    result.unmapped = _unmapped(rows, header_index, headers, columns, numbering)
    for col in result.unmapped:
        result.warnings.append(RowError(result.header_row, col["header"], "这一列没有对应到任何字段，其内容不会写入台账"
                                        "（预览中仍可看到）。如需导入，请在“列对应”中指定它对应的字段。"))
    for key in REQUIRED:
        if key not in columns:
            result.needs_mapping = True
            result.errors.append(RowError(result.header_row, "", f"找不到“{FIELD_LABELS[key]}”列：请在表头中写明"
                                                                 f"“{FIELD_LABELS[key]}”，或在导入时指定对应的列。"))
    for line in rows[:header_index]:
        for value in line:
            for m in _META.finditer(_text(value)):
                result.meta.setdefault(m[1], m[2])
    if result.errors:
        return
    _Walker(rows, filled, empty_merges, header_index, result, today).walk()


class _Walker:
    """Walks the data rows once, keeping the current aspect, problem and sub-problem."""

    def __init__(self, rows: list[list[Any]], filled: dict[tuple[int, int], tuple[int, int]],
                 empty_merges: set[tuple[int, int]], header_index: int, result: ParsedLedger,
                 today: dt.date) -> None:
        self.rows, self.filled, self.empty_merges = rows, filled, empty_merges
        self.header_index, self.result, self.today = header_index, result, today
        self.cols = result.columns
        self.aspect: dict[str, Any] | None = None
        self.problem: dict[str, Any] | None = None  # top-level
        self.current: dict[str, Any] | None = None  # the problem measures attach to
        # title/text → the entry already made, per list: a scan of the list for each row is quadratic
        self.known: dict[int, dict[str, dict[str, Any]]] = {}

    def entry(self, items: list[dict[str, Any]], text: str, make: dict[str, Any]) -> dict[str, Any]:
        """The entry of `items` made for `text` (the first one), else `make`, appended."""
        known = self.known.setdefault(id(items), {})
        if text not in known:
            items.append(make)
            known[text] = make
        return known[text]

    def cell(self, r: int, key: str) -> str:
        """The cell's text; "" where a merge carries another column's text across it: a problem merged over the
        specific and measure columns is not its own specific problem or measure. Only the problem column takes
        a text from its left ("1.关于……的问题" written in 序号 and merged across the row)."""
        col = self.cols.get(key)
        if not col or col.index >= len(self.rows[r]):
            return ""
        origin = self.filled.get((r, col.index))
        if origin and origin[1] != col.index and key != "problem":
            return ""
        return _text(self.rows[r][col.index])

    def header(self, key: str) -> str:
        col = self.cols.get(key)
        return col.header if col else FIELD_LABELS[key]

    def error(self, r: int, key: str, message: str) -> None:
        self.result.errors.append(RowError(r + 1, self.header(key) if key else "", message))

    def new_aspect(self, title: str, r: int) -> None:
        self.aspect = self.entry(self.result.aspects, title, {"title": title, "row": r + 1, "problems": []})
        self.problem = self.current = None

    def walk(self) -> None:
        for r in range(self.header_index + 1, len(self.rows)):
            values = [_text(v) for v in self.rows[r]]
            if not any(values):
                continue
            self.result.rows += 1
            self.row(r, values)
        for aspect in self.result.aspects:
            for problem in aspect["problems"]:
                for leaf in problem["children"] or [problem]:
                    if not leaf["measures"]:
                        self.result.errors.append(RowError(leaf["row"], self.header("measure"),
                                                           "该问题没有填写整改措施，请补充后再导入。"))

    def is_aspect_row(self, r: int, values: list[str]) -> str | None:
        number, problem, measure = self.cell(r, "number"), self.cell(r, "problem"), self.cell(r, "measure")
        distinct = {v for v in values if v}
        if len(distinct) == 1 and (text := next(iter(distinct))) and (_ASPECT_NUM.match(text) or
                                                                       text.endswith("方面") or
                                                                       self.merged_across(r, values, text)):
            return _strip_aspect(text)  # one text merged across the row: "一、……方面", "党的政治建设"
        if number and _ASPECT_NUM.match(number + ("、" if re.fullmatch(f"[{CN_NUM}]+", number) else "")):
            title = _strip_aspect(number) or problem or measure
            return _strip_aspect(title) if title else None
        return None

    def merged_across(self, r: int, values: list[str], text: str) -> bool:
        """The row's only text is one cell of this row merged across three columns or more, not numbered as a
        problem is ("1.", "（1）")."""
        if _LEAD_NUM.match(text):
            return False
        cells = [c for c, v in enumerate(values) if v]
        origins = {self.filled.get((r, c), (r, c)) for c in cells}
        return len(cells) >= 3 and len(origins) == 1 and next(iter(origins))[0] == r

    def row(self, r: int, values: list[str]) -> None:
        if "aspect" in self.cols and (title := self.cell(r, "aspect")):
            if self.aspect is None or self.aspect["title"] != _strip_aspect(title):
                self.new_aspect(_strip_aspect(title), r)
        elif (row_title := self.is_aspect_row(r, values)) is not None:
            self.new_aspect(row_title, r)
            return
        if "specific" in self.cols:
            self.row_with_parts(r)
            return
        number, text, measure = self.cell(r, "number"), self.cell(r, "problem"), self.cell(r, "measure")
        pcol = self.cols["problem"].index
        ncol = self.cols["number"].index if "number" in self.cols else -1
        if not text:
            if (r, pcol) in self.empty_merges:
                self.error(r, "problem", "合并单元格中没有填写问题内容，请在合并单元格中填写所属问题。")
                return
            if measure and self.current is not None and (not number or (r, ncol) in self.filled):
                self.add_measure(r, measure)  # "same as above" left blank: the current problem goes on
                return
            if measure or number:
                self.error(r, "problem", "“问题”为空：请填写这条整改措施所属的问题。")
            return
        if self.aspect is None:
            self.new_aspect("未分方面", r)
        assert self.aspect is not None
        sub = _SUB_NUM.match(number) or _SUB_NUM.match(text)
        clean = (_SUB_NUM.sub("", text) if _SUB_NUM.match(text) else _TOP_NUM.sub("", text)).strip()
        if sub:
            if self.problem is None:
                self.error(r, "problem", f"这是子问题“{sub.group(0).strip()}”，但上方没有它所属的问题。"
                                         "请先写一行所属问题（如“1.关于……的问题”）。")
                return
            if self.current is None or self.current is self.problem or self.current["text"] != clean:
                self.current = self.entry(self.problem["children"], clean,
                                          {"text": clean, "row": r + 1, "children": [], "measures": []})
        elif self.problem is None or self.problem["text"] != clean:
            self.problem = self.current = self.entry(self.aspect["problems"], clean,
                                                     {"text": clean, "row": r + 1, "children": [], "measures": []})
        if measure:
            self.add_measure(r, measure)

    def problem_entry(self, r: int, text: str) -> None:
        if self.aspect is None:
            self.new_aspect("未分方面", r)
        assert self.aspect is not None
        if self.problem is None or self.problem["text"] != text:
            self.problem = self.current = self.entry(self.aspect["problems"], text,
                                                     {"text": text, "row": r + 1, "children": [], "measures": []})

    def row_with_parts(self, r: int) -> None:
        """A sheet with a specific-problem column: the feedback problem (merged down, or written once and left
        blank below) over its specific problems, one per row or merged over their measures; a specific cell
        left blank goes on with the one above, a problem cell merged across both columns has no parts."""
        text, measure = _strip_number(self.cell(r, "problem")), self.cell(r, "measure")
        specific, pcol = self.cell(r, "specific"), self.cols["problem"].index
        if text:
            self.problem_entry(r, text)
        elif (r, pcol) in self.empty_merges and (specific or measure):
            self.error(r, "problem", "合并单元格中没有填写问题内容，请在合并单元格中填写所属问题。")
            return
        elif self.problem is None:
            if specific or measure:
                self.error(r, "problem", "“问题”为空：请填写这条具体问题或整改措施所属的问题。")
            return
        assert self.problem is not None
        if specific:
            clean = _strip_number(specific)
            if self.current is None or self.current is self.problem or self.current["text"] != clean:
                self.current = self.entry(self.problem["children"], clean,
                                          {"text": clean, "row": r + 1, "children": [], "measures": []})
        if measure:
            self.add_measure(r, measure)

    def add_measure(self, r: int, text: str) -> None:
        assert self.current is not None
        deadline_text = self.cell(r, "deadline")
        status, note = read_status(self.cell(r, "situation"))
        deadline: dt.date | None = None
        if deadline_text:
            try:
                parsed = parse_date(deadline_text, today=self.today)
            except ValueError as exc:
                # the measure stays in the plan (it is counted; the error keeps the import from going through)
                self.error(r, "deadline", f"{exc}；也可写“长期坚持”或“立行立改”。")
                deadline_text = ""
            else:
                deadline = parsed.date
                if parsed.status == "long_term" and status != "done":
                    status = "long_term"
                if isinstance(self.rows[r][self.cols["deadline"].index], (dt.date, dt.datetime)):
                    deadline_text = deadline.isoformat() if deadline else deadline_text
        measure: dict[str, Any] = {
            "text": text.strip(), "row": r + 1, "leader": self.cell(r, "leader"),
            "responsible_unit": self.cell(r, "responsible_unit"), "owner": self.cell(r, "owner"),
            "deadline": deadline, "deadline_text": deadline_text, "status": status, "situation": note,
            "security_label": self.cell(r, "label"),
            "columns": {key: self.header(key) for key in ("leader", "responsible_unit", "owner", "deadline",
                                                          "label")},
        }
        if len(parts := numbered_parts(measure["text"])) > 1:
            measure["parts"] = parts
        extra = {col["header"]: value for col in self.result.unmapped
                 if col["index"] < len(self.rows[r]) and (value := _text(self.rows[r][col["index"]]))
                 and self.filled.get((r, col["index"]), (r, col["index"]))[1] == col["index"]}
        if extra:
            measure["extra"] = extra
        self.current["measures"].append(measure)


def _strip_number(text: str) -> str:
    """A problem's or a specific problem's text without its number: "1.", "（1）", "①"."""
    return _LEAD_NUM.sub("", text, count=1).strip() if text else ""


def splittable(aspects: Sequence[dict[str, Any]]) -> int:
    """How many measures of a plan are numbered lists that split_plan would split."""
    return sum(1 for m in _measures(list(aspects)) if len(m.get("parts") or []) > 1)


def split_plan(aspects: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The plan with each measure that has `parts` split into one measure per part (the row, names, deadline
    and status copied to each), the others as they are. Plain data in, plain data out: a preview can split
    what it stored without reading the file again."""
    def measures(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for m in items:
            parts = m.get("parts") or []
            if len(parts) > 1:
                base = {k: v for k, v in m.items() if k != "parts"}
                out.extend({**base, "text": part, "split_from": m["text"]} for part in parts)
            else:
                out.append(m)
        return out

    def problem(p: dict[str, Any]) -> dict[str, Any]:
        return {**p, "children": [problem(c) for c in p.get("children", [])],
                "measures": measures(p.get("measures", []))}

    return [{**a, "problems": [problem(p) for p in a["problems"]]} for a in aspects]


def plan_counts(aspects: Sequence[dict[str, Any]]) -> dict[str, int]:
    """How many aspects, specific problems (leaves, as seed 003 counts them) and measures a plan holds."""
    problems = measures = 0
    for aspect in aspects:
        for problem in aspect["problems"]:
            leaves = problem.get("children") or [problem]
            problems += len(leaves)
            measures += len(problem.get("measures", []))
            measures += sum(len(c.get("measures", [])) for c in problem.get("children", []))
    return {"aspects": len(aspects), "problems": problems, "measures": measures}


# -- writing ---------------------------------------------------------------------------------------
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WIDTHS = {"number": 7, "problem": 40, "measure": 52, "leader": 10, "responsible_unit": 14, "owner": 10,
           "deadline": 13, "situation": 22}


def write_ledger(sheets: Sequence[dict[str, Any]]) -> bytes:
    """sheets: [{"name", "heading", "meta", "aspects": plan}] with measures holding names and texts."""
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for spec in sheets or [{"name": "整改台账", "heading": "整改台账", "meta": "", "aspects": []}]:
        ws = wb.create_sheet(_sheet_name(spec["name"], used))
        _write_sheet(ws, spec)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\\/*?:\[\]]", "", name)[:28] or "台账"
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base[:25]}({n})", n + 1
    used.add(candidate)
    return candidate


class _Styles:
    """Styled prototype cells whose style arrays are copied: assigning Border objects cell by cell costs
    minutes on 10,000 rows (openpyxl hashes every style object)."""

    def __init__(self, ws: Any) -> None:
        proto = ws.cell(row=1, column=100)
        proto.border = _BORDER
        proto.alignment = Alignment(wrap_text=True, vertical="center")
        self.box = copy(proto._style)
        ws._cells.pop((1, 100), None)

    def apply(self, cell: Any) -> None:
        cell._style = copy(self.box)


def _merge(ws: Any, styles: _Styles, min_row: int, min_col: int, max_row: int, max_col: int) -> None:
    rng = MergedCellRange(ws, CellRange(min_col=min_col, min_row=min_row, max_col=max_col, max_row=max_row).coord)
    ws.merged_cells.ranges.add(rng)  # .add() checks overlap against every range: quadratic on big sheets
    for row in range(min_row, max_row + 1):
        for col in range(min_col, max_col + 1):
            if (row, col) != (min_row, min_col):
                cell = MergedCell(ws, row, col)
                ws._cells[row, col] = cell
                styles.apply(cell)


def _write_sheet(ws: Any, spec: dict[str, Any]) -> None:
    last = get_column_letter(len(EXPORT_FIELDS))
    centre = Alignment(wrap_text=True, vertical="center", horizontal="center")
    append_row(ws, [spec["heading"]])
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = Font(size=16, bold=True)
    ws["A1"].alignment = centre
    ws.row_dimensions[1].height = 32
    append_row(ws, [spec.get("meta", "")])
    ws.merge_cells(f"A2:{last}2")
    ws.append([FIELD_LABELS[k] for k in EXPORT_FIELDS])
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = centre
        cell.border = _BORDER
    for i, key in enumerate(EXPORT_FIELDS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = _WIDTHS[key]
    styles = _Styles(ws)
    for a_index, aspect in enumerate(spec["aspects"], start=1):
        ws.append([f"{_cn(a_index)}、{aspect['title']}"])
        row = ws._current_row
        ws.cell(row, 1).font = Font(bold=True)
        _merge(ws, styles, row, 1, row, len(EXPORT_FIELDS))
        for p_index, problem in enumerate(aspect["problems"], start=1):
            if problem.get("children"):
                ws.append([str(p_index), problem["text"]])
                _box(ws, ws._current_row, styles)
                for c_index, child in enumerate(problem["children"], start=1):
                    _write_problem(ws, f"（{c_index}）", child, styles)
            else:
                _write_problem(ws, str(p_index), problem, styles)
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4


def _write_problem(ws: Any, number: str, problem: dict[str, Any], styles: _Styles) -> None:
    measures = problem.get("measures") or [{}]
    first = ws._current_row + 1  # ws.max_row scans every cell: quadratic over a big sheet
    for i, m in enumerate(measures):
        status = m.get("status", "")
        label = STATUS_LABELS.get(status, "")
        situation = f"{label}：{m['situation']}" if m.get("situation") and label else (m.get("situation") or label)
        head = [number, problem["text"]] if i == 0 else [None, None]
        ws.append([*head, m.get("text", ""), m.get("leader", ""), m.get("responsible_unit", ""),
                   m.get("owner", ""), m.get("deadline_text", ""), situation])
        _box(ws, ws._current_row, styles)
    if len(measures) > 1:
        _merge(ws, styles, first, 1, ws._current_row, 1)
        _merge(ws, styles, first, 2, ws._current_row, 2)


def _box(ws: Any, row: int, styles: _Styles) -> None:
    for col in range(1, len(EXPORT_FIELDS) + 1):
        cell = ws.cell(row, col)
        styles.apply(cell)
        keep_text(cell)  # after the style copy, which would drop the quote prefix


def _cn(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n <= 10:
        return "十" if n == 10 else digits[n]
    if n < 20:
        return "十" + digits[n - 10]
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
