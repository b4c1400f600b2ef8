"""paperwork.xlsx: formula-like text is saved as the exact text, in a text cell a spreadsheet will not run."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook, load_workbook

from paperwork.xlsx import append_row, is_formula_like, keep_text

RISKY = ["=1+2", "+1+2", "-1+2", "@SUM(A1)", "\t=1+2", "\r=1+2"]


def _saved_and_opened(wb: Workbook) -> Workbook:
    buffer = io.BytesIO()
    wb.save(buffer)
    return load_workbook(io.BytesIO(buffer.getvalue()))


def test_formula_like_text_is_written_as_the_same_text() -> None:
    wb = Workbook()
    ws = wb.active
    assert append_row(ws, ["标题", *RISKY]) == 1
    assert append_row(ws, [-3, 2.5, dt.date(2026, 3, 5), None, "普通文字", "a=b"]) == 2
    ws2 = _saved_and_opened(wb).active
    first = list(ws2[1])
    assert [c.value for c in first] == ["标题", *RISKY]
    assert all(c.data_type == "s" for c in first)
    assert [c.quotePrefix for c in first] == [False] + [True] * len(RISKY)  # stays text when edited in Excel
    second = [c.value for c in ws2[2]]
    assert second[:2] == [-3, 2.5] and second[2].date() == dt.date(2026, 3, 5) and second[4:6] == ["普通文字", "a=b"]


def test_keep_text_survives_a_later_style_only_when_called_after_it() -> None:
    wb = Workbook()
    cell = wb.active.cell(row=1, column=1, value="=1+2")
    assert cell.data_type == "f"  # what openpyxl does with any "=" text
    keep_text(cell)
    reopened = _saved_and_opened(wb).active["A1"]
    assert reopened.data_type == "s" and reopened.value == "=1+2" and reopened.quotePrefix


def test_what_counts_as_formula_like() -> None:
    assert all(is_formula_like(t) for t in RISKY)
    assert not any(is_formula_like(v) for v in ["", "一、方面", "a=b", -1, None, 0.5])
