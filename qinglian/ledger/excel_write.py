"""Writing a plan back as a ledger workbook, in the layout the reader takes (title, meta line, header, aspect
rows merged across, problem cells merged down), ready to print: A4 landscape, header row repeated."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from copy import copy
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.merge import MergedCellRange

from paperwork.xlsx import append_row, keep_text
from qinglian.ledger.excel_fields import EXPORT_FIELDS, FIELD_LABELS, STATUS_LABELS

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
