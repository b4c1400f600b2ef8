"""Upper-level forms in the shapes offices send them, written with openpyxl for the tests and the bench.

- `county_table`: a county-wide table, a title and a 填报时间 line over a one-row header, the towns down the
  side, a 合计 row of SUM formulas and a footnote;
- `sheet_per_unit`: one sheet per unit, items down the side (序号 | 项目 | 计量单位 | 数量), a 填报单位 line,
  a 填表人 footer, and a 填报说明 sheet of text only;
- `merged_header`: a two-row header, groups merged over their columns and 单位 merged down both rows, a
  percentage column formatted as 0.0%.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD = Font(name="黑体", bold=True, size=11)
TITLE = Font(name="方正小标宋简体", size=16)
SHADE = PatternFill("solid", fgColor="DDEBF7")


def _bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _head(ws, row: int, values: Sequence[str | None], start: int = 1) -> None:  # type: ignore[no-untyped-def]
    for i, v in enumerate(values):
        cell = ws.cell(row=row, column=start + i, value=v)
        cell.font, cell.border, cell.fill = HEAD, BOX, SHADE
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


COUNTY_HEADER = ["序号", "乡镇", "中心组学习（次）", "谈心谈话人次", "央媒采用（篇）", "整改完成率（%）", "主题党日（次）", "备注"]


def county_table(towns: Sequence[str], *, quarter: str = "2026年第三季度") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "统计表"
    ws.merge_cells("A1:H1")
    ws["A1"] = f"示范县{quarter}党风廉政建设主要工作统计表"
    ws["A1"].font, ws["A1"].alignment = TITLE, Alignment(horizontal="center")
    ws.merge_cells("A2:D2")
    ws["A2"] = "填报单位（盖章）："
    ws.merge_cells("E2:H2")
    ws["E2"] = f"填报时间：{quarter[:5]}10月8日"
    _head(ws, 3, COUNTY_HEADER)
    for i, town in enumerate(towns, start=1):
        ws.cell(row=3 + i, column=1, value=i).border = BOX
        ws.cell(row=3 + i, column=2, value=town).border = BOX
        for c in range(3, 9):
            ws.cell(row=3 + i, column=c).border = BOX
    last = 3 + len(towns)
    ws.cell(row=last + 1, column=1, value="合计")
    ws.merge_cells(start_row=last + 1, start_column=1, end_row=last + 1, end_column=2)
    for col in "CDEG":
        ws[f"{col}{last + 1}"] = f"=SUM({col}4:{col}{last})"
    ws.merge_cells(start_row=last + 2, start_column=1, end_row=last + 2, end_column=8)
    ws.cell(row=last + 2, column=1, value="注：请各乡镇党委于10月10日前报县纪委监委党风政风监督室。")
    ws.column_dimensions["B"].width = 14
    return _bytes(wb)


ITEMS = [("中心组学习", "次"), ("廉政党课", "次"), ("廉政提醒谈话", "人次"), ("中央级媒体采用稿件", "篇"),
         ("签订党风廉政建设责任书", "份"), ("开展主题党日活动", "次")]


def sheet_per_unit(units: Sequence[str], *, quarter: str = "2026年第三季度") -> bytes:
    wb = Workbook()
    notes = wb.active
    notes.title = "填报说明"
    notes["A1"] = "填报说明：每个单位一张表，数量栏填阿拉伯数字。"
    for unit in units:
        ws = wb.create_sheet(unit)
        ws.merge_cells("A1:D1")
        ws["A1"] = f"{quarter}党风廉政建设责任制落实情况统计表"
        ws["A1"].font = TITLE
        ws.merge_cells("A2:D2")
        ws["A2"] = f"填报单位：{unit}"
        _head(ws, 3, ["序号", "项目", "计量单位", "数量"])
        for i, (item, counting) in enumerate(ITEMS, start=1):
            for c, v in enumerate([i, item, counting, None], start=1):
                ws.cell(row=3 + i, column=c, value=v).border = BOX
        ws.cell(row=5 + len(ITEMS), column=1, value="填表人：            联系电话：")
    return _bytes(wb)


GROUPS = [("学习教育", ["中心组学习（次）", "廉政党课（次）"]), ("谈心谈话", ["谈心谈话（人次）", "约谈（人次）"]),
          ("新闻宣传", ["央媒（篇）", "省媒（篇）"]), ("巡察整改", ["整改措施（条）", "已完成（条）", "完成率（%）"])]


def merged_header(units: Sequence[str], *, quarter: str = "2026年第三季度") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = quarter
    width = 1 + sum(len(subs) for _, subs in GROUPS)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"] = f"{quarter}各单位党风廉政建设工作情况统计表"
    ws.merge_cells("A2:A3")
    _head(ws, 2, ["单位"])
    ws["A3"].border = BOX
    col = 2
    for group, subs in GROUPS:
        ws.merge_cells(start_row=2, start_column=col, end_row=2, end_column=col + len(subs) - 1)
        _head(ws, 2, [group], start=col)
        _head(ws, 3, subs, start=col)
        col += len(subs)
    for r, unit in enumerate(units, start=4):
        ws.cell(row=r, column=1, value=unit).border = BOX
        for c in range(2, width + 1):
            ws.cell(row=r, column=c).border = BOX
        ws.cell(row=r, column=width).number_format = "0.0%"
    return _bytes(wb)
