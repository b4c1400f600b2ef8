"""Writing user text into .xlsx cells so that a spreadsheet never runs it.

openpyxl turns any str assigned to a cell that starts with "=" into a formula; Excel, WPS and LibreOffice also
treat text starting with "+", "-" or "@" as a formula once a user edits the cell, and a leading tab or carriage
return is how CSV-style injection slips a formula past a quick look. A cell whose text starts with one of these
is therefore written as a text cell holding the exact string (the user sees what they typed, nothing is
prefixed) and marked "quote prefix", the flag Excel sets when a user types a leading apostrophe, so editing it
later keeps it text. Numbers and dates are left as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: object) -> bool:
    """True for text a spreadsheet could read as a formula."""
    return isinstance(value, str) and value.startswith(RISKY_STARTS)


def keep_text(cell: Any) -> None:
    """Make an openpyxl cell that holds formula-like text a plain text cell. Call it after any style is
    applied to the cell (copying a style array over it would drop the quote prefix)."""
    if is_formula_like(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True


def append_row(ws: Any, values: Iterable[object]) -> int:
    """`ws.append(values)`, with every formula-like text kept as text; returns the row's index.

    Only the risky cells are looked at again, by their coordinates: scanning the whole row through `ws[row]`
    would cost `ws.max_column`, a pass over every cell of the sheet."""
    values = list(values)
    ws.append(values)
    row: int = ws._current_row  # what append just wrote; ws.max_row would scan the sheet
    for column, value in enumerate(values, start=1):
        if is_formula_like(value):
            keep_text(ws.cell(row=row, column=column))
    return row
