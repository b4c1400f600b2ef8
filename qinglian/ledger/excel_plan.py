"""From a sheet's cells to a plan (aspects → problems → specific problems → measures), and what is done with a
plan as plain data: counting it as a notice counts it, splitting its numbered measures."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from paperwork.calendar import parse_date
from paperwork.lists import numbered_parts
from qinglian.ledger.excel_fields import (
    CN_NUM,
    FIELD_LABELS,
    ParsedLedger,
    RowError,
    cell_text,
    plan_measures,
    read_status,
)

_ASPECT_NUM = re.compile(rf"^(?:[{CN_NUM}]+[、.．]|[（(][{CN_NUM}]+[)）])\s*")
_SUB_NUM = re.compile(r"^[（(]\s*(\d+)\s*[)）]\s*[、.．]?\s*")
_TOP_NUM = re.compile(r"^(\d+)\s*[、.．]\s*|^(\d+)\s+")
_LEAD_NUM = re.compile(r"^\s*(?:[（(]\s*\d+\s*[)）]\s*[、.．]?|\d+\s*[、.．](?!\d)|\d+\s+|[①-⑳]\s*[、.．]?)\s*")


def _strip_aspect(text: str) -> str:
    return _ASPECT_NUM.sub("", text).strip()


def is_aspect_title(text: str) -> bool:
    """Written as an aspect is: "一、……", "（二）……", "……方面"."""
    return bool(_ASPECT_NUM.match(text)) or text.endswith("方面")


class SheetWalker:
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
        return cell_text(self.rows[r][col.index])

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
            values = [cell_text(v) for v in self.rows[r]]
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
        if len(distinct) == 1 and (text := next(iter(distinct))) and (is_aspect_title(text) or
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
                 if col["index"] < len(self.rows[r]) and (value := cell_text(self.rows[r][col["index"]]))
                 and self.filled.get((r, col["index"]), (r, col["index"]))[1] == col["index"]}
        if extra:
            measure["extra"] = extra
        self.current["measures"].append(measure)


def _strip_number(text: str) -> str:
    """A problem's or a specific problem's text without its number: "1.", "（1）", "①"."""
    return _LEAD_NUM.sub("", text, count=1).strip() if text else ""


def splittable(aspects: Sequence[dict[str, Any]]) -> int:
    """How many measures of a plan are numbered lists that split_plan would split."""
    return sum(1 for m in plan_measures(list(aspects)) if len(m.get("parts") or []) > 1)


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
