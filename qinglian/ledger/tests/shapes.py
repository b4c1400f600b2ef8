"""Ledgers in the shapes offices keep them, built cell by cell: a feedback problem (反馈问题) merged down over its
specific problems (具体表现, one to five, or none), measures one per row, title rows above a header of one or
two rows, aspects as rows merged across or as a merged column on the left. Texts are made up for the tests."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

CN = "一二三四五六七八九十"


@dataclass
class Problem:
    text: str
    parts: list[str] = field(default_factory=list)  # specific problems; none: the problem stands alone
    measures: int = 1  # measures per specific problem (or per problem without parts)


@dataclass
class Shape:
    """How the sheet is laid out; the defaults are the common county ledger."""

    title_rows: int = 1  # 0–4 rows of title and 填报单位 above the header
    two_row_header: bool = False  # "责任主体" over 责任领导 / 责任单位 / 责任人
    merge_header: bool = True  # the other header cells of a two-row header merged down over both rows
    aspect_column: bool = False  # aspects as a merged column on the left instead of rows across
    no_parts: str = "blank"  # a problem without parts: its specific cell "blank", or "across" (merged over both)
    spacer: bool = False  # a blank row after each aspect
    problem_header: str = "反馈问题"
    specific_header: str = "具体表现"
    extra_header: str = ""  # a column nobody maps ("备注"), with a text on every measure row
    merge_problem: bool = True  # the problem cell merged down; else written on its first row only
    measure_text: str = "措施{n}：对照{p}逐项整改。"  # {n}: measure number, {p}: start of the specific text


ASPECTS = [
    ("政治建设方面", [
        Problem("学习贯彻上级决策部署不深入。", ["学习计划执行不到位，专题学习次数偏少。", "学用结合不紧，推动工作办法不多。",
                                      "对重要讲话精神跟进学习不及时。"]),
        Problem("意识形态工作责任制落实有差距。", ["阵地管理不严，审核把关不细。"], measures=2),
        Problem("议事规则执行不严格。"),
    ]),
    ("作风建设方面", [
        Problem("财务管理不规范。", ["报销审核把关不严。", "公务接待清单不全。", "固定资产账实不符。",
                              "往来款项长期未清理。", "票据管理混乱。"]),
        Problem("干部担当作为不够。", [], measures=2),
    ]),
    ("组织建设方面", [
        Problem("组织生活不严肃。", ["三会一课记录不全。", "组织生活会批评不够深入。"]),
    ]),
]


def expected(aspects: list[tuple[str, list[Problem]]] = ASPECTS) -> dict[str, int]:
    problems = sum(max(len(p.parts), 1) for _, ps in aspects for p in ps)
    measures = sum(max(len(p.parts), 1) * p.measures for _, ps in aspects for p in ps)
    return {"aspects": len(aspects), "problems": problems, "measures": measures}


def header(shape: Shape) -> list[str]:
    cols = ["序号", shape.problem_header, shape.specific_header, "整改措施", "责任领导", "责任单位", "责任人",
            "完成时限", "整改进展"]
    if shape.extra_header:
        cols.append(shape.extra_header)
    return (["问题类别"] if shape.aspect_column else []) + cols


def ledger_rows(aspects: list[tuple[str, list[Problem]]] = ASPECTS, shape: Shape | None = None
                ) -> tuple[list[list[Any]], list[str]]:
    """(rows of values, merged ranges "A1:I1") of one ledger sheet."""
    shape = shape or Shape()
    cols = header(shape)
    width = len(cols)
    rows: list[list[Any]] = []
    merges: list[str] = []

    def merge(r1: int, c1: int, r2: int, c2: int) -> None:
        if (r1, c1) != (r2, c2):
            merges.append(f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}")

    titles = ["关于落实县委第二巡察组反馈意见的整改台账", "填报单位：县委宣传部（盖章）", "填报时间：2021年8月",
              "（每月5日前报送）"]
    for text in titles[:shape.title_rows]:
        rows.append([text])
        merge(len(rows), 1, len(rows), width)
    if shape.two_row_header:
        top = [("责任主体" if c in ("责任领导", "责任单位", "责任人") else c) for c in cols]
        low = [c if c in ("责任领导", "责任单位", "责任人") else None for c in cols]
        rows.append(top)
        rows.append(low)
        r = len(rows)
        first = cols.index("责任领导") + 1
        merge(r - 1, first, r - 1, first + 2)
        for c, name in enumerate(cols, start=1):
            if name not in ("责任领导", "责任单位", "责任人") and shape.merge_header:
                merge(r - 1, c, r, c)
    else:
        rows.append(list(cols))
    off = 1 if shape.aspect_column else 0  # 0-based index of 序号 in a row
    c_prob, c_spec = off + 2, off + 3  # 1-based sheet columns of 反馈问题 and 具体表现
    n = 0
    for a_index, (aspect, problems) in enumerate(aspects):
        aspect_first = len(rows) + 1
        if not shape.aspect_column:
            rows.append([f"{CN[a_index]}、{aspect}"] + [None] * (width - 1))
            merge(len(rows), 1, len(rows), width)
        for p_index, problem in enumerate(problems, start=1):
            p_first = len(rows) + 1
            leaves = problem.parts or [""]
            for s_index, part in enumerate(leaves, start=1):
                s_first = len(rows) + 1
                for k in range(problem.measures):
                    n += 1
                    row: list[Any] = [None] * width
                    if shape.aspect_column:
                        row[0] = aspect if len(rows) + 1 == aspect_first else None
                    if len(rows) + 1 == p_first:
                        row[off], row[off + 1] = str(p_index), problem.text
                    if part and k == 0:
                        row[off + 2] = f"（{s_index}）{part}"
                    spec = part[:6] if part else problem.text[:6]
                    row[off + 3] = shape.measure_text.format(n=n, p=spec)
                    row[off + 4:off + 9] = ["李副部长", "新闻宣传股", "赵股长", "2021年10月底", "推进中"]
                    if shape.extra_header:
                        row[off + 9] = f"备注{n}"
                    rows.append(row)
                if part:
                    merge(s_first, c_spec, len(rows), c_spec)
            p_last = len(rows)
            across = not problem.parts and shape.no_parts == "across"
            if shape.merge_problem or across:
                merge(p_first, c_prob - 1, p_last, c_prob - 1)
                merge(p_first, c_prob, p_last, c_spec if across else c_prob)
        if shape.aspect_column:
            merge(aspect_first, 1, len(rows), 1)
        if shape.spacer:
            rows.append([None] * width)
    return rows, merges


def workbook(*sheets: tuple[str, list[list[Any]], list[str]]) -> bytes:
    """A workbook of the sheets given as (title, rows, merged ranges)."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows, merges in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
        for rng in merges:
            ws.merge_cells(rng)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def ledger(aspects: list[tuple[str, list[Problem]]] = ASPECTS, shape: Shape | None = None, *,
           cover: bool = False) -> bytes:
    rows, merges = ledger_rows(aspects, shape)
    sheets = [("整改台账", rows, merges)]
    if cover:
        sheets.insert(0, ("封面", [["县委宣传部"], ["巡察反馈问题整改台账"], ["二〇二一年八月"]], ["A2:F2"]))
        sheets.append(("填表说明", [["填表说明"], ["1.“整改措施”一格写一条措施。"], ["2.“完成时限”写到月。"]], []))
    return workbook(*sheets)
