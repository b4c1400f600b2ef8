"""The blank import template (.xlsx) offered on the import page.

Its header is the one the reader recognises for sure (excel.FIELDS' main names, so no mapping is asked), its
title rows carry 来源 / 反馈机关 / 反馈日期 as the export writes them (the reader takes them when the form leaves
them empty), with dropdowns (data validation) for 来源 and 完成情况. The example rows are marked 示例 in their
序号 cells and in the aspect's title: the user deletes them, as the 填表说明 sheet says, and an import that
still holds them refuses those rows (imports keep nothing typed by mistake) — see `EXAMPLE_MARK`.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from qinglian.ledger.excel import FIELD_LABELS, SOURCE_KIND_LABELS, STATUS_LABELS

COLUMNS = ["number", "aspect", "problem", "measure", "leader", "responsible_unit", "owner", "deadline", "situation"]
WIDTHS = {"number": 8, "aspect": 22, "problem": 36, "measure": 44, "leader": 11, "responsible_unit": 14,
          "owner": 11, "deadline": 13, "situation": 22}
EXAMPLE_MARK = "示例"
HEADER_ROW = 4
SHEET = "整改台账"
EXAMPLE = [f"{EXAMPLE_MARK}1", f"{EXAMPLE_MARK}：落实全面从严治党主体责任方面", "关于主体责任落实不到位的问题。",
           "每季度召开党组会专题研究党风廉政建设工作。", "王部长", "办公室", "张干事", "2026年12月底", "推进中"]
KIND_CHOICES = [f"来源：{label}" for label in SOURCE_KIND_LABELS.values()]
_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

GUIDE = [
    ("用途", "本表用于向系统导入整改台账。填好后在“导入台账”页面上传，系统先显示预览，确认后才写入。"),
    ("第2行", "A2单元格从下拉框选择反馈来源；在B2、C2单元格的冒号后填写反馈机关和反馈日期，"
             "如“反馈机关：县委第三巡察组”“反馈日期：2026-03-15”。导入页面上填写的来源、反馈机关和日期优先。"),
    ("表头", f"第{HEADER_ROW}行为表头，请勿修改列名、不要删除列；不需要的列可以留空。"),
    ("示例行", f"第{HEADER_ROW + 1}行是示例（序号和方面以“{EXAMPLE_MARK}”开头，底色为灰色），填写前请整行删除。"
             "如未删除，导入预览会指出这一行，可以选择跳过它导入其余内容，它不会写入台账。"),
    ("方面", "每行填写所属方面，同一方面的各行填写相同的文字（也可合并单元格）。"),
    ("问题", "每个反馈问题写一行；有具体问题的，具体问题以（1）（2）编号，写在“问题”列，其下各行填写整改措施。"
             "同一问题下有多条措施时，问题单元格可以合并，也可以每行重复填写。"),
    ("整改措施", "每行一条整改措施。"),
    ("责任领导、责任人", "填写干部名册中的姓名；也可写职务（如“部长”）。名册中找不到的姓名不会阻止导入："
                     "预览中可选择匹配的人员、加入名册或按原文保留（待匹配，之后可在反馈来源页面匹配）。"),
    ("责任单位", "填写本单位或下属股室的名称，全称、简称或“部门+股室”均可（如“县委宣传部办公室”）。"),
    ("整改时限", "写日期（2026-10-31、2026年9月底）或“长期坚持”“立行立改”。"),
    ("完成情况", "从下拉框选择：" + "、".join(STATUS_LABELS.values()) + "；也可写“已完成：修订制度5项”这样的说明。"),
    ("密级", "本系统不得录入涉密内容。"),
]


def template_xlsx() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    last = get_column_letter(len(COLUMNS))
    ws.append(["（单位名称）整改台账"])
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = Font(size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    ws.append([KIND_CHOICES[0], "反馈机关：", "反馈日期："])
    ws.append(["说明：第2行的来源、反馈机关、反馈日期也可在导入页面填写；第5行是示例，请在填写前删除（见“填表说明”）。"])
    ws.merge_cells(f"A3:{last}3")
    ws["A3"].font = Font(color="666666")
    ws.append([FIELD_LABELS[k] for k in COLUMNS])
    for i, key in enumerate(COLUMNS, start=1):
        cell = ws.cell(HEADER_ROW, i)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BOX
        ws.column_dimensions[get_column_letter(i)].width = WIDTHS[key]
    grey = PatternFill("solid", fgColor="EEEEEE")
    ws.append(EXAMPLE)
    for cell in ws[ws.max_row]:
        cell.fill = grey
        cell.border = _BOX
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    kind_list = DataValidation(type="list", formula1=f'"{",".join(KIND_CHOICES)}"', allow_blank=True,
                               promptTitle="来源", prompt="请选择反馈来源", errorTitle="来源",
                               error="请从下拉框中选择反馈来源。")
    kind_list.add("A2")
    status = DataValidation(type="list", formula1=f'"{",".join(STATUS_LABELS.values())}"', allow_blank=True,
                            showErrorMessage=False, promptTitle="完成情况", prompt="请选择，或写“已完成：说明”")
    situation_col = get_column_letter(COLUMNS.index("situation") + 1)
    status.add(f"{situation_col}{HEADER_ROW + 1}:{situation_col}2000")
    ws.add_data_validation(kind_list)
    ws.add_data_validation(status)
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    guide = wb.create_sheet("填表说明")
    guide.append(["项目", "说明"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for item, text in GUIDE:
        guide.append([item, text])
    guide.column_dimensions["A"].width = 18
    guide.column_dimensions["B"].width = 100
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
