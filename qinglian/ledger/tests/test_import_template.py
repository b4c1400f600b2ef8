"""The blank import template: the header the reader knows, one example row marked 示例, dropdowns for 来源 and
完成情况, a 填表说明 sheet; filled in as a user would, it imports, and a forgotten example row is never imported."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from qinglian.ledger.excel import FIELD_LABELS
from qinglian.ledger.models import Measure, Source
from qinglian.ledger.transfer import ledger_import_xlsx


def _template(world) -> bytes:
    response = world.client("clerk_a").get("/ledger/import/template.xlsx")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    return response.content


def test_the_template_has_header_example_dropdowns_and_guide(world) -> None:
    assert "/ledger/import/template.xlsx" in world.client("clerk_a").get("/ledger/import/").content.decode()
    wb = load_workbook(io.BytesIO(_template(world)))
    ws = wb["整改台账"]
    header = [c.value for c in ws[4]]
    assert header[:4] == [FIELD_LABELS["number"], FIELD_LABELS["aspect"], FIELD_LABELS["problem"],
                          FIELD_LABELS["measure"]] and "完成情况" in header
    assert str(ws["A5"].value).startswith("示例") and str(ws["B5"].value).startswith("示例")
    lists = {str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation}
    assert "来源：巡察" in lists["A2"] and "来源：上级交办" in lists["A2"]
    status = next(f for ref, f in lists.items() if ref.startswith("I5"))
    assert all(label in status for label in ("未启动", "推进中", "已完成", "长期坚持"))
    guide = " ".join(str(c.value) for row in wb["填表说明"].iter_rows() for c in row)
    assert "删除" in guide and "示例" in guide and "待匹配" in guide


def _filled(data: bytes, *, keep_example: bool) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    ws = wb["整改台账"]
    ws["A2"] = "来源：督查"
    ws["B2"] = "反馈机关：县委督查室"
    ws["C2"] = "反馈日期：2026-03-15"
    if not keep_example:
        ws.delete_rows(5)
    aspect = "一、落实意识形态工作责任制方面"
    ws.append(["1", aspect, "关于意识形态阵地管理不严的问题。", "修订网站信息发布审核制度。", "李副部长", "新闻宣传股",
               "赵股长", "2026年6月底", "推进中"])
    ws.append(["", aspect, "关于意识形态阵地管理不严的问题。", "每季度开展一次网络阵地检查。", "部长", "县委宣传部新闻宣传股",
               "赵股长", "长期坚持", "长期坚持"])
    ws.append(["2", aspect, "关于舆情处置跟踪不到位的问题。", "建立舆情转办台账，逐条跟踪。", "李副部长", "",
               "新来的人", "2026-05-31", "未启动"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_template_filled_in_imports(world) -> None:
    data = _filled(_template(world), keep_example=False)
    outcome = ledger_import_xlsx(user=world.clerk_a, unit=world.a, data=data, filename="模板.xlsx", source_fields={},
                                 today=dt.date(2026, 4, 1))
    assert outcome.ok, outcome.errors
    assert not outcome.parsed.needs_mapping
    assert (outcome.result.aspects, outcome.result.problems, outcome.result.measures) == (1, 2, 3)
    source = Source.objects.get()
    assert (source.kind, source.issued_by, source.feedback_date) == ("supervision", "县委督查室", dt.date(2026, 3, 15))
    by_text = {m.text: m for m in Measure.objects.all()}
    first = by_text["修订网站信息发布审核制度。"]
    assert (first.leader_in_charge, first.responsible_unit, first.owner, first.status, first.deadline) == (
        world.member_a, world.a1, world.staff_a1, "in_progress", dt.date(2026, 6, 30))
    second = by_text["每季度开展一次网络阵地检查。"]
    assert (second.leader_in_charge, second.responsible_unit, second.status) == (world.principal_a, world.a1,
                                                                                 "long_term")
    third = by_text["建立舆情转办台账，逐条跟踪。"]
    assert third.owner is None and third.owner_text == "新来的人"
    assert [u["text"] for u in outcome.result.unmatched] == ["新来的人"]


def test_a_forgotten_example_row_is_pointed_out_and_never_imported(world) -> None:
    data = _filled(_template(world), keep_example=True)
    strict = ledger_import_xlsx(user=world.clerk_a, unit=world.a, data=data, filename="模板.xlsx", source_fields={},
                                today=dt.date(2026, 4, 1))
    assert not strict.ok and [(e.row, "示例" in e.message) for e in strict.errors] == [(5, True)]
    assert not Source.objects.exists()
    skipped = ledger_import_xlsx(user=world.clerk_a, unit=world.a, data=data, filename="模板.xlsx",
                                 source_fields={}, today=dt.date(2026, 4, 1), skip_refused=True)
    assert skipped.ok and skipped.result.measures == 3 and [e.row for e in skipped.result.refused] == [5]
    assert not Measure.objects.filter(text__contains="党组会专题研究").exists()
