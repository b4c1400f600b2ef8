"""统计口径说明: the definitions of every figure as an .xlsx table and a GB/T 9704 .docx (paperwork.write)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping

from django.conf import settings
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from paperwork.write import Heading, Paragraph, Report, Table, build_docx
from paperwork.xlsx import append_row
from qinglian.stats.registry import Definition

TITLE = "统计口径说明"
COLUMNS = [("序号", 6), ("分组", 12), ("统计项", 18), ("代码", 30), ("统计内容", 60), ("不计入", 48),
           ("计量单位", 24), ("统计记录（点击数字可查看）", 36)]


def general_notes() -> list[str]:
    """What holds for every figure, said once above the table."""
    days = settings.QINGLIAN_LATE_ENTRY_DAYS
    return [
        "本说明列出统计引擎的全部统计项。每个数字都由系统中登记的记录统计得出，统计页上点击数字即可逐条查看对应记录。",
        "统计范围为所选单位及其全部下级单位；统计时段含开始日和结束日。已删除的记录一律不计入。",
        f"录入时间晚于发生日期超过{days}天的记录为补录，照常计入，并单列“其中补录”数量。",
        "任何统计项都不统计登录次数、点击次数、在线时长、学习时长或上传数量。",
    ]


def rows(definitions: Mapping[str, Definition]) -> list[list[str]]:
    return [[str(i), d.group, d.name, kind, d.counts, d.excludes, d.counting_unit, d.records]
            for i, (kind, d) in enumerate(definitions.items(), start=1)]


def definitions_xlsx(definitions: Mapping[str, Definition]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = TITLE
    ws.append([TITLE])
    ws["A1"].font = Font(size=16, bold=True)
    for note in general_notes():
        append_row(ws, [note])
    header_row = append_row(ws, [name for name, _ in COLUMNS])
    for i, (_name, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
        cell = ws.cell(header_row, i)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for values in rows(definitions):
        row = append_row(ws, values)
        for i in range(1, len(COLUMNS) + 1):
            ws.cell(row, i).alignment = Alignment(vertical="top", wrap_text=True)
    ws.freeze_panes = ws.cell(header_row + 1, 1).coordinate
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def definitions_docx(definitions: Mapping[str, Definition], *, issuer: str, today: dt.date) -> bytes:
    """One heading per group, each with its table: 统计项, 统计内容, 不计入, 计量单位, 统计记录."""
    blocks: list[Heading | Paragraph | Table] = [Paragraph(note) for note in general_notes()]
    groups: dict[str, list[tuple[str, Definition]]] = {}
    for kind, d in definitions.items():
        groups.setdefault(d.group or "其他", []).append((kind, d))
    for group, items in groups.items():
        blocks.append(Heading(1, group))
        blocks.append(Table(header=["统计项", "统计内容", "不计入", "计量单位", "统计记录"],
                            rows=[[d.name, d.counts, d.excludes, d.counting_unit, d.records] for _k, d in items]))
    return build_docx(Report(title=TITLE, genre="bulletin", issuer=issuer, date=today, blocks=blocks))
