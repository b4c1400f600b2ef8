"""Upper-level forms (上级报表): the cells of an upper office's .xlsx form that ask for a count, which figure
each one asks for, and the form written back with the numbers in place. Plain data in and out; no Django.

Offices send forms in a few shapes, and the reader finds the cells of each without being told which:

- a table with a header row (or two, the upper one merged over groups: 学习教育 over 中心组学习（次） and
  廉政党课（次）) and one row per unit (towns down the side, under 单位 / 乡镇 / 单位名称);
- a list of items down the side (项目 / 指标 | 计量单位 | 数量), one sheet per unit (the sheet's name, or its
  填报单位：… line, names the unit);
- a header and a single row of blanks, for the unit that fills it.

    layout = read_form(data, name="统计表.xlsx")      # → FormLayout: cells, labels, fingerprint
    kind = propose(cell.terms, choices, SYNONYMS)     # → a figure's code, or None
    filled = write_form(data, {("Sheet1", "C4"): 12})  # → the same workbook with 12 in C4

A cell's `key` (its labels with dates and spaces taken out) is what a mapping is saved by; the form's
`fingerprint` is a hash of its keys, so next quarter's form of the same office, with other dates in its
title and other numbers in its cells, is the same form.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .ooxml import DEFAULT_MAX_UNPACKED, PackageRefused, open_package

MAX_ROWS = 5000  # a form is a page or two; cells further down are not looked at
MAX_COLUMNS = 200


class FormRefused(ValueError):
    """The file is not a form this reader can fill; `message_zh` says what to do."""

    def __init__(self, message_zh: str) -> None:
        super().__init__(message_zh)
        self.message_zh = message_zh


@dataclass(frozen=True)
class FormCell:
    """One cell that asks for a number."""

    sheet: str
    cell: str  # "C5"
    label: str  # as the form writes it: "学习教育／中心组学习（次）", "谈心谈话（人次）"
    key: str  # the label without dates and spaces: what a saved mapping is keyed by
    terms: tuple[str, ...]  # the texts to match a figure by, most specific first
    unit: str = ""  # the unit as the row or the sheet writes it; "" → the unit chosen for the fill
    total: bool = False  # a 合计 / 总计 / 小计 row
    formula: bool = False  # holds a formula: never overwritten
    percent: bool = False  # the cell's number format is a percentage (a ratio is written as 0.412)


@dataclass
class FormLayout:
    title: str
    cells: list[FormCell]
    shape: str  # "rows" (one row per unit), "sheets" (one sheet per unit), "single"
    fingerprint: str = ""
    keys: list[str] = field(default_factory=list)  # distinct keys, in the order of the form

    def labels(self) -> list[tuple[str, str]]:
        """(key, label as first written) of each distinct key."""
        seen: dict[str, str] = {}
        for c in self.cells:
            seen.setdefault(c.key, c.label)
        return list(seen.items())


# -- reading ---------------------------------------------------------------------------------------------------
_SPACE = re.compile(r"\s+")
_PERIOD = re.compile(r"第?[0-9０-９一二三四五六七八九十〇零]+\s*(年度|年|季度|月份|月|日|号|半年)|[上下]半年|全年")
_UNIT_HEADER = re.compile(r"(单位|乡镇|街道|部门|名称|地区|县市区)$")
_ITEM_HEADER = re.compile(r"(项目|指标|内容|类别|事项|类型|统计项)")
_COUNTING_HEADER = re.compile(r"^(计量单位|单位|计量)$")
_SKIP_HEADER = re.compile(r"^(序号|编号|备注|说明|填报人|联系人|联系电话|电话|审核人|日期|填报日期|排名|名次)$")
_TOTAL = re.compile(r"^(合计|总计|小计|全县|全市|全区|全州|总数|汇总)")
_FOOTER = re.compile(r"^(注|说明|填表说明|填报说明|填表人|填报人|审核人|负责人|联系人|联系电话|单位负责人)")
_FILER = re.compile(r"(填报单位|报送单位|单位名称)(（盖章）|\(盖章\))?[:：]\s*(.*)$")
_GENERIC_SHEET = re.compile(r"^(sheet\d*|工作表\d*|统计表|汇总表|填报说明|说明|表\d*)$", re.IGNORECASE)


def _text(value: Any) -> str:
    """A cell's text as written, without spaces (forms space out short labels: "单  位")."""
    return _SPACE.sub("", value) if isinstance(value, str) else ""


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def label_key(label: str) -> str:
    """The label as a mapping is saved by: width folded, spaces, dates and period words removed."""
    return _PERIOD.sub("", _fold(_text(label)))


@dataclass
class _Grid:
    """One sheet's values with each merged range's value repeated over the range."""

    ws: Any
    rows: int
    cols: int
    values: dict[tuple[int, int], Any]
    merged_into: dict[tuple[int, int], tuple[int, int]]  # (row, col) → top-left of its merged range
    spans: dict[tuple[int, int], tuple[int, int, int, int]]  # top-left → (min_row, min_col, max_row, max_col)

    def text(self, r: int, c: int) -> str:
        return _text(self.values.get(self.merged_into.get((r, c), (r, c))))

    def row_texts(self, r: int) -> list[tuple[int, str]]:
        """Distinct texts of a row (a merged range once), with the column they start in."""
        out, seen = [], set()
        for c in range(1, self.cols + 1):
            origin = self.merged_into.get((r, c), (r, c))
            t = _text(self.values.get(origin))
            if t and origin not in seen:
                seen.add(origin)
                out.append((c, t))
        return out


def _grid(ws: Any) -> _Grid:
    rows, cols = min(ws.max_row or 0, MAX_ROWS), min(ws.max_column or 0, MAX_COLUMNS)
    values: dict[tuple[int, int], Any] = {}
    for row in ws.iter_rows(min_row=1, max_row=rows, max_col=cols):
        for cell in row:
            if cell.value is not None:
                values[(cell.row, cell.column)] = cell.value
    merged_into: dict[tuple[int, int], tuple[int, int]] = {}
    spans: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    for rng in ws.merged_cells.ranges:
        if rng.min_row > rows or rng.min_col > cols:
            continue
        spans[(rng.min_row, rng.min_col)] = (rng.min_row, rng.min_col, rng.max_row, rng.max_col)
        for r in range(rng.min_row, min(rng.max_row, rows) + 1):
            for c in range(rng.min_col, min(rng.max_col, cols) + 1):
                merged_into[(r, c)] = (rng.min_row, rng.min_col)
    return _Grid(ws, rows, cols, values, merged_into, spans)


def _is_meta(texts: list[tuple[int, str]]) -> bool:
    """A title line (one text, usually merged across) or a 填报单位：… / 填报时间：… line."""
    return len(texts) <= 1 or all("：" in t or ":" in t for _, t in texts)


def _own_texts(grid: _Grid, r: int) -> list[int]:
    """Columns of row r holding text that starts in that row (not a range merged down from above)."""
    return [c for c, _ in grid.row_texts(r) if grid.merged_into.get((r, c), (r, c))[0] == r]


def _header(grid: _Grid) -> tuple[int, int, str, str]:
    """(first header row, last header row, the form's title, the 填报单位 written above the table); the first
    header row is 0 when the sheet has none."""
    title, filer = "", ""
    for r in range(1, grid.rows + 1):
        texts = grid.row_texts(r)
        for _, t in texts:
            if m := _FILER.search(t):
                filer = filer or re.split(r"\s|填报|报送|日期|时间", m.group(3))[0]
        if not texts:
            continue
        if _is_meta(texts):
            if not title and len(texts) == 1 and not _FILER.search(texts[0][1]):
                title = texts[0][1]
            continue
        # a second header row: the upper row merges a group over several columns, or a label spans both rows
        spans = [span for (sr, _), span in grid.spans.items() if sr == r]
        groups = {c for span in spans if span[3] > span[1] and span[2] == r for c in range(span[1], span[3] + 1)}
        tall = any(span[2] > r for span in spans)
        below = set(_own_texts(grid, r + 1)) if r < grid.rows else set()
        two = bool(below & groups) or (tall and bool(below))
        return r, r + 1 if two else r, title, filer
    return 0, 0, title, filer


def _column_label(grid: _Grid, first: int, last: int, c: int) -> tuple[str, ...]:
    """The header texts over column c, top down, each once (a label merged down both rows once)."""
    parts: list[str] = []
    for r in range(first, last + 1):
        t = grid.text(r, c)
        if t and t not in parts:
            parts.append(t)
    return tuple(parts)


def _cell_of(grid: _Grid, r: int, c: int) -> Any | None:
    """The worksheet cell at (r, c) when a number may be written there: not covered by a merged range it
    does not start, not holding text."""
    origin = grid.merged_into.get((r, c))
    if origin is not None and origin != (r, c):
        return None
    value = grid.values.get((r, c))
    cell = grid.ws.cell(row=r, column=c)
    if isinstance(value, str) and not _is_formula(cell) and value.strip():
        return None
    return cell


def _is_formula(cell: Any) -> bool:
    return cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("="))


def _form_cell(sheet: str, cell: Any, parts: Sequence[str], unit: str, total: bool = False) -> FormCell:
    label = "／".join(parts)
    terms = [parts[-1], "".join(parts), "".join(reversed(parts))] if len(parts) > 1 else [parts[0]]
    fmt = str(getattr(cell, "number_format", "") or "")
    return FormCell(sheet=sheet, cell=cell.coordinate, label=label, key=label_key(label),
                    terms=tuple(dict.fromkeys(terms)), unit=unit, total=total, formula=_is_formula(cell),
                    percent="%" in fmt)


def _sheet_cells(grid: _Grid, sheet: str, sheet_unit: str) -> tuple[list[FormCell], str, str, str]:
    """The cells of one sheet, its shape ("rows", "items", "single" or ""), its title and its 填报单位."""
    first, last, title, filer = _header(grid)
    if not first:
        return [], "", title, filer
    columns = {c: _column_label(grid, first, last, c) for c in range(1, grid.cols + 1)}
    heads = {c: _fold(p[-1]) for c, p in columns.items() if p}
    item_col = next((c for c, h in heads.items() if _ITEM_HEADER.search(h)), None)
    counting_col = next((c for c, h in heads.items() if _COUNTING_HEADER.match(h)), None) if item_col else None
    unit_col = None if item_col else next(
        (c for c, h in heads.items() if _UNIT_HEADER.search(h) and h != "计量单位"), None)
    keyed = {c for c in (unit_col, item_col, counting_col) if c}
    values = [c for c, h in heads.items() if c not in keyed and not _SKIP_HEADER.match(h)]
    label_col = item_col or unit_col
    cells: list[FormCell] = []
    unit_of_sheet = filer or sheet_unit
    for r in range(last + 1, grid.rows + 1):
        if label_col is None:
            if grid.row_texts(r):
                break  # the blanks' row ends at the first line of text (a footnote)
            if not any(_cell_of(grid, r, c) is not None and grid.values.get((r, c)) is not None for c in values) \
                    and r > last + 1:
                continue
            cells.extend(_form_cell(sheet, cell, columns[c], unit_of_sheet)
                         for c in values if (cell := _cell_of(grid, r, c)) is not None)
            break
        row_label = grid.text(r, label_col)
        if not row_label:
            continue
        if _FOOTER.match(_fold(row_label)) and not _ITEM_HEADER.search(row_label):
            break
        if item_col:
            counting = grid.text(r, counting_col) if counting_col else ""
            item = f"{row_label}（{counting}）" if counting and counting not in row_label else row_label
            for c in values:
                if (cell := _cell_of(grid, r, c)) is not None:
                    parts = (item,) if len(values) == 1 else (item, heads[c])
                    cells.append(_form_cell(sheet, cell, parts, unit_of_sheet))
        else:
            total = bool(_TOTAL.match(_fold(row_label)))
            for c in values:
                if (cell := _cell_of(grid, r, c)) is not None:
                    cells.append(_form_cell(sheet, cell, columns[c], "" if total else row_label, total))
    shape = "items" if item_col else "rows" if unit_col else "single"
    return cells, shape, title, filer


def read_form(data: bytes, *, name: str = "", max_unpacked: int = DEFAULT_MAX_UNPACKED) -> FormLayout:
    """The cells of the form in `data` that ask for a number. Raises FormRefused (with a Chinese message) for a
    file that is not an .xlsx, a zip that lies (paperwork.ooxml), or a form in which no such cell is found."""
    import openpyxl

    what = f"“{name}”" if name else "文件"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FormRefused(f"{what}是旧版 Excel 97-2003（.xls）文件，请另存为 .xlsx 后再上传。")
    try:
        package = open_package(data, name=name, max_unpacked=max_unpacked)
    except PackageRefused as exc:
        raise FormRefused(exc.message_zh) from exc
    if "xl/workbook.xml" not in package.names:
        raise FormRefused(f"{what}不是 Excel 工作簿（.xlsx），请上传上级发来的 Excel 报表，或在 Excel / WPS 中另存为 .xlsx。")
    try:
        wb = openpyxl.load_workbook(io.BytesIO(package.data))
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise FormRefused(f"{what}已损坏，无法打开。请在 Excel 或 WPS 中打开后另存为 .xlsx 再上传。") from exc
    sheets = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
    many = len(sheets) > 1
    cells: list[FormCell] = []
    shapes, title = [], ""
    for ws in sheets:
        sheet_unit = ws.title.strip() if many and not _GENERIC_SHEET.match(_text(ws.title)) else ""
        found, shape, sheet_title, _ = _sheet_cells(_grid(ws), ws.title, sheet_unit)
        if found:
            title = title or sheet_title
            cells.extend(found)
            shapes.append(shape)
    if not cells:
        raise FormRefused(f"{what}中没有找到需要填写数字的单元格：未认出表头（如“单位 | 中心组学习（次） | 谈心谈话（人次）”）"
                          "或项目列（如“项目 | 计量单位 | 数量”）。请确认上传的是上级发来的统计报表。")
    units = {c.unit for c in cells if c.unit}
    shape = "sheets" if len(shapes) > 1 and "rows" not in shapes else "rows" if "rows" in shapes and units \
        else "single"
    keys = list(dict.fromkeys(c.key for c in cells))
    layout = FormLayout(title=title, cells=cells, shape=shape, keys=keys)
    layout.fingerprint = fingerprint(keys, shape)
    return layout


def fingerprint(keys: Iterable[str], shape: str) -> str:
    """The same for next quarter's form of the same office: its keys (no dates) and shape, not its numbers."""
    body = shape + "\n" + "\n".join(sorted(set(keys)))
    return hashlib.sha256(body.encode()).hexdigest()


# -- matching a label to a figure --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Choice:
    """A figure a cell may be mapped to."""

    kind: str
    name: str
    counting_unit: str = ""


COUNTING_UNITS = ("人次", "批次", "次", "篇", "条", "项", "个", "份", "期", "场", "件", "人", "%", "％")
_BRACKET = re.compile(r"[（(\[【]([^)）\]】]*)[)）\]】]")
_SUFFIXES = ("次数", "人数", "篇数", "条数", "件数", "数量", "情况", "总数", "数")


def _clean(term: str) -> tuple[str, str]:
    """(the term without brackets, counting units and counting suffixes; the counting unit it names)."""
    t = unicodedata.normalize("NFKC", term)
    unit = ""
    for inner in _BRACKET.findall(t):
        if inner.strip() in COUNTING_UNITS or inner.strip() in ("个数", "百分比"):
            unit = inner.strip()
    t = _PERIOD.sub("", _SPACE.sub("", _BRACKET.sub("", t)))
    for suffix in COUNTING_UNITS + _SUFFIXES:
        if t.endswith(suffix) and len(t) > len(suffix) + 1:
            unit = unit or (suffix if suffix in COUNTING_UNITS else "")
            t = t[: -len(suffix)]
            break
    return t, unit.replace("％", "%")


def _norm(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if unicodedata.category(ch)[0] not in "PZSC")


def propose(terms: Sequence[str], choices: Sequence[Choice], synonyms: Mapping[str, str]) -> str | None:
    """The figure a cell labelled `terms` (most specific first) asks for, or None.

    Per term: the figure whose name is the label (without its counting unit: 谈心谈话人次 → 谈心谈话), a synonym
    that is the label, then the longest figure name (three characters at least) or synonym (two) the label contains;
    among equally long ones, the one whose counting unit the label names."""
    known = {c.kind: c for c in choices}
    names: dict[str, str] = {}
    for c in choices:
        names.setdefault(_norm(c.name), c.kind)
    syn = {_norm(k): v for k, v in synonyms.items() if v in known}
    for term in terms:
        text, unit = _clean(term)
        key, whole = _norm(text), _norm(term)
        for table in (names, syn):
            for probe in (key, whole):
                if probe in table:
                    return table[probe]
        found = [(len(k), v) for table, least in ((syn, 2), (names, 3)) for k, v in table.items()
                 if len(k) >= least and k in key]
        if found:
            longest = max(n for n, _ in found)
            best = [v for n, v in found if n == longest]
            return next((v for v in best if unit and known[v].counting_unit == unit), best[0])
    return None


# -- writing -----------------------------------------------------------------------------------------------------
def write_form(data: bytes, values: Mapping[tuple[str, str], float | int]) -> bytes:
    """The workbook of `data` (already read by `read_form`) with each (sheet, cell) set to its number: the
    same sheets, styles, merged cells and column widths; formula cells are left as they are."""
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data))
    for (sheet, coordinate), value in values.items():
        cell = wb[sheet][coordinate]
        if not _is_formula(cell):
            cell.value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
