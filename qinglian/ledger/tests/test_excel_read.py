"""The workbook reader alone: plain data in, plain data out, every problem named by row and column."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document
from openpyxl import Workbook

from qinglian.ledger.excel import plan_counts, read_ledger, write_ledger
from qinglian.ledger.tests.sheets import HEADER, build, seed003_rows

TODAY = dt.date(2021, 8, 1)


def test_seed003_layout_reads_as_3_aspects_12_specific_problems() -> None:
    parsed = read_ledger(build(), today=TODAY)
    assert parsed.errors == []
    assert plan_counts(parsed.aspects) == {"aspects": 3, "problems": 12, "measures": 24}
    second = parsed.aspects[0]["problems"][1]
    assert [c["text"][:6] for c in second["children"]] == ["针对“领导班", "针对“对县委", "针对“对网络"]
    assert parsed.columns["deadline"].header == "整改时限（完成时间）"


def test_deadlines_as_people_type_them() -> None:
    parsed = read_ledger(build(), today=TODAY)
    measures = [m for a in parsed.aspects for p in a["problems"] for leaf in (p["children"] or [p])
                for m in leaf["measures"]]
    by_text = {m["deadline_text"]: m for m in measures}
    assert by_text["2021年9月底"]["deadline"] == dt.date(2021, 9, 30)
    assert by_text["2021.10.31"]["deadline"] == dt.date(2021, 10, 31)
    assert by_text["长期坚持"]["deadline"] is None and by_text["长期坚持"]["status"] == "long_term"
    assert by_text["立行立改"]["deadline"] == TODAY
    assert by_text["2021-10-20"]["deadline"] == dt.date(2021, 10, 20)  # a real date cell


def test_situation_words_become_statuses_and_notes() -> None:
    parsed = read_ledger(build(), today=TODAY)
    measures = [m for a in parsed.aspects for p in a["problems"] for leaf in (p["children"] or [p])
                for m in leaf["measures"]]
    noted = [m for m in measures if m["situation"] == "修订制度5项"]
    assert noted and all(m["status"] == "done" for m in noted)


def test_unreadable_deadline_names_row_and_column() -> None:
    rows = seed003_rows()
    rows[2][1][6] = "下个月吧"
    parsed = read_ledger(build(rows), today=TODAY)
    assert len(parsed.errors) == 1
    error = parsed.errors[0]
    assert error.row == 5 and error.column == "整改时限（完成时间）"
    assert "下个月吧" in error.message


def test_empty_merged_problem_cell_is_reported() -> None:
    rows = seed003_rows()
    rows[1][1][1] = ""  # the problem cell merged over two measure rows, left empty
    parsed = read_ledger(build(rows), today=TODAY)
    assert parsed.errors
    assert parsed.errors[0].row == 4 and parsed.errors[0].column == "存在问题"
    assert "合并单元格" in parsed.errors[0].message


def test_a_second_sheet_with_content_must_be_chosen() -> None:
    data = build(extra_sheet=True)
    parsed = read_ledger(data, today=TODAY)
    assert parsed.errors and "2 个有内容的工作表" in parsed.errors[0].message and "--sheet" in parsed.errors[0].message
    chosen = read_ledger(data, sheet="整改台账", today=TODAY)
    assert chosen.errors == [] and plan_counts(chosen.aspects)["problems"] == 12


def test_old_xls_renamed_docx_and_oversized_files_are_refused_in_chinese() -> None:
    xls = read_ledger(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "台账.xls")
    assert "97-2003" in xls.errors[0].message and "另存为" in xls.errors[0].message
    buffer = io.BytesIO()
    Document().save(buffer)
    docx = read_ledger(buffer.getvalue(), "台账.xlsx")
    assert "Word 文档" in docx.errors[0].message
    big = read_ledger(b"PK" + b"\0" * (50 * 1024 * 1024), "大台账.xlsx", max_bytes=20 * 1024 * 1024)
    assert "50.0 MB" in big.errors[0].message and "超过上限" in big.errors[0].message
    text = read_ledger("序号,问题\n1,x".encode(), "台账.xlsx")
    assert "不是 Excel" in text.errors[0].message


def test_headers_matched_loosely_and_missing_columns_ask_for_mapping() -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["编号", "巡察反馈问题", "具体整改措施内容", "牵头领导", "完成时限"])
    ws.append(["1", "问题甲", "措施甲", "", "2021-10-01"])
    buffer = io.BytesIO()
    wb.save(buffer)
    parsed = read_ledger(buffer.getvalue(), today=TODAY)
    assert parsed.columns["measure"].header == "具体整改措施内容" and parsed.needs_mapping
    assert plan_counts(parsed.aspects)["measures"] == 1
    wb2 = Workbook()
    wb2.active.append(["序号", "存在问题", "备注", "责任人"])
    wb2.active.append(["1", "问题甲", "措施甲", "张干事"])
    buffer2 = io.BytesIO()
    wb2.save(buffer2)
    missing = read_ledger(buffer2.getvalue(), today=TODAY)
    assert missing.needs_mapping and "整改措施" in missing.errors[0].message
    mapped = read_ledger(buffer2.getvalue(), mapping={"problem": "存在问题", "measure": "备注", "owner": "责任人"},
                         today=TODAY)
    assert mapped.errors == [] and mapped.aspects[0]["problems"][0]["measures"][0]["text"] == "措施甲"


def test_written_layout_reads_back_the_same() -> None:
    parsed = read_ledger(build(), today=TODAY)
    sheet = {"name": "巡察", "heading": "整改台账", "meta": "来源：巡察　反馈机关：某巡察组　反馈日期：2021-07-26",
             "aspects": parsed.aspects}
    again = read_ledger(write_ledger([sheet]), today=TODAY)
    assert again.errors == []
    assert again.meta == {"来源": "巡察", "反馈机关": "某巡察组", "反馈日期": "2021-07-26"}

    def shape(aspects: list[dict]) -> list:
        return [(a["title"], [(p["text"], [(c["text"], [(m["text"], m["owner"], m["deadline"], m["status"])
                                                        for m in c["measures"]]) for c in p["children"]],
                               [(m["text"], m["leader"], m["responsible_unit"], m["deadline_text"], m["status"],
                                 m["situation"]) for m in p["measures"]]) for p in a["problems"]]) for a in aspects]

    assert shape(again.aspects) == shape(parsed.aspects)
    assert HEADER[0] == "序号"
