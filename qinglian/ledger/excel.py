"""Reading and writing ledger workbooks (.xlsx) as plain data: no ORM, no Django.

`read_ledger(data, filename, …)` turns a workbook as people make it (a title row or two, a header row with
loosely named columns, aspect rows merged across, problem cells merged down over their measures, sub-problems
numbered （1）（2）) into a `ParsedLedger`: a plan of aspects → problems → measures with the sheet row of
each, and every problem found as a `RowError` (row number and header text, message in Chinese).
`write_ledger(sheets)` (excel_write) writes the same layout back. This module opens the file, finds the sheet
and its header; excel_plan walks the rows into the plan; excel_fields holds the field names and the result.
The services resolve names to people and units and write rows; these modules only read and write cells.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from itertools import islice
from typing import Any
from xml.etree import ElementTree as ET

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from paperwork.ooxml import DEFAULT_MAX_UNPACKED, Package, PackageRefused, open_package
from qinglian.ledger.excel_fields import (
    EXPORT_FIELDS,
    FIELD_LABELS,
    FIELDS,
    REQUIRED,
    SOURCE_KIND_LABELS,
    STATUS_LABELS,
    Column,
    ParsedLedger,
    RowError,
    cell_text,
    match_header,
    read_status,
)
from qinglian.ledger.excel_plan import SheetWalker, is_aspect_title, plan_counts, split_plan, splittable
from qinglian.ledger.excel_write import write_ledger

__all__ = [  # what callers take from here; the parts live in excel_fields, excel_plan and excel_write
    "EXPORT_FIELDS", "FIELDS", "FIELD_LABELS", "SOURCE_KIND_LABELS", "STATUS_LABELS", "Column", "FileRefused",
    "ParsedLedger", "RowError", "check_file", "match_header", "plan_counts", "read_ledger", "read_status",
    "split_plan", "splittable", "write_ledger",
]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEADER_SCAN_ROWS = 15
DEFAULT_MAX_ROWS = 20_000  # rows with content below the header, per import (settings.QINGLIAN_MAX_IMPORT_ROWS)
MAX_COLUMNS = 64  # a ledger has about ten columns; a forged <dimension> must not widen every row to 16,384
_META = re.compile(r"(来源|反馈机关|反馈日期|整改单位)[:：]\s*(\S+)")


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
        text = cell_text(v)
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
        up_text, low_text = cell_text(up), cell_text(low)
        if not up_text or len(low_text) > 20 or match_header(up_text)[0] is not None:
            continue
        key, sure = match_header(low_text)
        if key and sure and key not in upper_keys:
            return True
    return False


def _header_texts(rows: list[list[Any]], index: int) -> list[str]:
    """The header's text per column: of the header row; for a header of two rows, the lower row's text, or the
    upper row's field name where the lower row has none ("序号" written once over both rows, not merged)."""
    lower = [cell_text(v) for v in rows[index]]
    if index == 0 or not _is_pair(rows[index - 1], rows[index]):
        return lower
    upper = [cell_text(v) for v in rows[index - 1]]
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


def _aspect_column(rows: list[list[Any]], header_index: int, unmapped: list[dict[str, Any]]) -> dict[str, Any] | None:
    """A column without a known name that holds only aspect titles ("一、政治建设方面"), each over several rows
    (merged down): the aspects as a column on the left, under an empty or unusual header."""
    for col in unmapped:
        i = col["index"]
        texts = [t for r in rows[header_index + 1:] if i < len(r) and (t := cell_text(r[i]))]
        if texts and len(set(texts)) < len(texts) and all(is_aspect_title(t) for t in set(texts)):
            return col
    return None


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
        if header or any(i < len(r) and cell_text(r[i]) for r in rows[header_index + 1:]):
            found.append({"index": i, "header": header or f"第{get_column_letter(i + 1)}列"})
    return found


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
    ledgers = [ws for ws in non_empty  # one sheet with content is the one to read, whatever its header
               if len(non_empty) > 1 and _has_header(ws, package, wb.sheetnames.index(ws.title))]
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
    return any(cell_text(v) for row in ws.iter_rows(max_row=HEADER_SCAN_ROWS + 5, max_col=MAX_COLUMNS, values_only=True)
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
    return list(values) if any(cell_text(v) for v in values) else _EMPTY


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
    if "aspect" not in columns and (found := _aspect_column(rows, header_index, result.unmapped)) is not None:
        columns["aspect"] = Column(found["index"], found["header"], True)
        result.unmapped.remove(found)
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
            for m in _META.finditer(cell_text(value)):
                result.meta.setdefault(m[1], m[2])
    if result.errors:
        return
    SheetWalker(rows, filled, empty_merges, header_index, result, today).walk()


