"""Bulk entry from Excel: preview with row/column errors; nothing written until a clean preview is confirmed."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from qinglian.audit.models import Action, AuditEntry
from qinglian.records.excel import read_sheet, split_names
from qinglian.records.models import Activity, ActivityTally

HEADER = ["单位", "类型", "发生日期", "主题", "参加人员", "谈话对象", "主持人", "记录内容", "密级"]


def xlsx(rows, header=HEADER):
    wb = Workbook()
    ws = wb.active
    ws.append(["县委宣传部2023年纪实记录"])  # a title row above the header, as clerks do
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("纪实.xlsx", buf.getvalue())


GOOD = [
    ["", "中心组学习", "2023年3月5日", "学习全国两会精神", "王部长、李副部长", "", "王部长", ""],
    ["新闻宣传股", "集中学习", "2023.4.6", "学习党章", "赵股长", "", "", ""],
    ["县委宣传部", "约谈", "2023-5-7", "主体责任约谈", "王部长", "李副部长，张干事", "王部长", "要点"],
    ["", "党组会", "2023/6/8", "研究部署", "王部长、李副部长", "", "", ""],
]


def upload(client, world, rows):
    return client.post("/records/import/", {"unit": world.a.pk, "file": xlsx(rows)})


def test_clean_sheet_previews_then_imports_all_rows(world):
    client = world.client("clerk_a")
    page = upload(client, world, GOOD).content.decode()
    assert "确认导入 4 条" in page
    assert not Activity.objects.exists()  # nothing written by the preview
    response = client.post("/records/import/confirm/")
    assert response.status_code == 302
    assert Activity.objects.count() == 4
    talk = Activity.objects.get(kind__code="admonition_talk")
    assert talk.weight == 2 and talk.presided_by == world.principal_a
    assert Activity.objects.get(kind__code="collective_study").unit == world.a1
    assert ActivityTally.objects.filter(grain="y").count() == 4
    assert AuditEntry.objects.filter(action=Action.IMPORT).exists()


def test_errors_name_row_and_column_and_confirm_imports_nothing(world):
    rows = [*GOOD,
            ["", "中心组学习", "2023-02-30", "日期不存在", "王部长", "", "", ""],
            ["", "读书会", "2023-3-1", "没有这种类型", "王部长", "", "", ""],
            ["", "党组会", "2023-3-2", "无人参加", "", "", "", ""],
            ["", "中心组学习", "2023-3-3", "外单位的人", "陈科员", "", "", ""],
            ["", "中心组学习", "2099-3-3", "未来", "王部长", "", "", ""]]
    client = world.client("clerk_a")
    page = upload(client, world, rows).content.decode()
    assert "第 7 行“发生日期”列" in page and "只有28天" in page
    assert "第 8 行“类型”列：没有活动类型“读书会”" in page
    assert "第 9 行“参加人员”列" in page and "请至少勾选一名参加人员" in page
    assert "第 10 行“参加人员”列：找不到干部“陈科员”" in page  # B's person is not even findable
    assert "第 11 行“发生日期”列" in page and "晚于今天" in page
    assert "确认导入 " not in page
    client.post("/records/import/confirm/")
    assert not Activity.objects.exists()


def test_sheet_without_required_columns_or_not_excel(world):
    client = world.client("clerk_a")
    page = client.post("/records/import/", {"unit": world.a.pk,
                                            "file": xlsx([["x"]], header=["单位", "类型", "发生日期"])})
    assert "“主题”列：缺少此列" in page.content.decode()
    bad = SimpleUploadedFile("x.xlsx", b"not a zip")
    assert "无法读取文件" in client.post("/records/import/", {"unit": world.a.pk, "file": bad}).content.decode()


def test_template_download_is_a_workbook_with_the_header(world):
    response = world.client("clerk_a").get("/records/import/template.xlsx")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in ws[1]] == HEADER
    sheet = read_sheet(response.content)
    assert len(sheet.rows) == 1 and not sheet.problems


def test_supervisor_cannot_import(world):
    assert world.client("supervisor").get("/records/import/").status_code == 403


def test_split_names_keeps_qualified_names():
    assert split_names("张三、李四（新闻宣传股，办公室）, 王五 赵六") == ["张三", "李四（新闻宣传股，办公室）", "王五", "赵六"]
