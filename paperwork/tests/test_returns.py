"""Reading upper-level forms of three layouts, matching their labels, writing them back (paperwork.returns)."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from paperwork.returns import Choice, FormRefused, propose, read_form, write_form
from paperwork.tests import return_forms

TOWNS = ["城关镇", "东关镇", "西山镇"]
CHOICES = [Choice("activity.central_group_study", "中心组学习", "次"), Choice("activity.integrity_lecture", "廉政党课", "次"),
           Choice("activity.heart_to_heart_talk", "谈心谈话", "人次"), Choice("activity.admonition_talk", "约谈", "人次"),
           Choice("activity.integrity_reminder_talk", "廉政提醒谈话", "人次"),
           Choice("publicity.central", "中央级媒体采用", "篇"), Choice("ledger.measures", "整改措施", "条"),
           Choice("letter.responsibility_signed", "签订党风廉政建设责任书", "份"),
           Choice("ratio.rectification_done", "整改完成率", "%")]
SYNONYMS = {"央媒": "publicity.central", "整改完成率": "ratio.rectification_done", "整改已完成": "ledger.done"}


def test_a_county_table_with_towns_down_the_side() -> None:
    layout = read_form(return_forms.county_table(TOWNS))
    assert layout.shape == "rows" and layout.title.startswith("示范县2026年第三季度")
    by_cell = {c.cell: c for c in layout.cells}
    assert [by_cell[f"C{r}"].unit for r in (4, 5, 6)] == TOWNS
    assert by_cell["D4"].label == "谈心谈话人次" and by_cell["F4"].label == "整改完成率（%）"
    assert "H4" not in by_cell and "B4" not in by_cell  # 备注 and the unit column ask for nothing
    total = by_cell["C7"]
    assert total.total and total.formula and total.unit == ""
    assert not by_cell["F7"].formula and by_cell["F7"].total
    assert not any(c.cell.endswith("8") for c in layout.cells)  # the footnote ends the table


def test_one_sheet_per_unit_items_down_the_side() -> None:
    layout = read_form(return_forms.sheet_per_unit(["县委宣传部", "县委办公室"]))
    assert layout.shape == "sheets"
    assert {c.sheet for c in layout.cells} == {"县委宣传部", "县委办公室"}  # not the 填报说明 sheet
    first = [c for c in layout.cells if c.sheet == "县委宣传部"]
    assert [c.cell for c in first] == [f"D{r}" for r in range(4, 10)]
    assert first[0].label == "中心组学习（次）" and first[2].label == "廉政提醒谈话（人次）"
    assert {c.unit for c in first} == {"县委宣传部"}


def test_a_two_row_merged_header() -> None:
    layout = read_form(return_forms.merged_header(["县委宣传部", "城关镇"]))
    assert layout.shape == "rows"
    by_cell = {c.cell: c for c in layout.cells}
    assert by_cell["B4"].label == "学习教育／中心组学习（次）" and by_cell["B4"].unit == "县委宣传部"
    assert by_cell["J5"].label == "巡察整改／完成率（%）" and by_cell["J5"].percent
    assert not any(c.cell.startswith("A") or c.cell.endswith("3") for c in layout.cells)


def test_labels_map_by_name_counting_unit_synonym_and_group() -> None:
    def kind(label: str, *more: str) -> str | None:
        return propose((label, *more), CHOICES, SYNONYMS)

    assert kind("中心组学习（次）") == "activity.central_group_study"
    assert kind("谈心谈话人次") == "activity.heart_to_heart_talk"
    assert kind("央媒采用（篇）") == "publicity.central"
    assert kind("中央级媒体采用稿件（篇）") == "publicity.central"
    assert kind("整改完成率（%）") == "ratio.rectification_done"
    assert kind("完成率（%）", "巡察整改完成率（%）") == "ratio.rectification_done"  # by its group header
    assert kind("廉政提醒谈话（人次）") == "activity.integrity_reminder_talk"
    assert kind("主题党日（次）") is None and kind("备注") is None


def test_next_quarters_form_is_the_same_form() -> None:
    q3 = read_form(return_forms.county_table(TOWNS, quarter="2026年第三季度"))
    q4 = read_form(return_forms.county_table([*TOWNS, "南河镇"], quarter="2026年第四季度"))
    other = read_form(return_forms.merged_header(TOWNS, quarter="2026年第三季度"))
    assert q3.fingerprint == q4.fingerprint != other.fingerprint
    assert read_form(return_forms.merged_header(TOWNS, quarter="2026年第四季度")).fingerprint == other.fingerprint


def test_written_back_in_place_with_styles_merges_and_formulas_kept() -> None:
    data = return_forms.merged_header(["县委宣传部", "城关镇"])
    out = write_form(data, {("2026年第三季度", "B4"): 12, ("2026年第三季度", "J4"): 0.455})
    ws = openpyxl.load_workbook(io.BytesIO(out)).active
    assert ws["B4"].value == 12 and ws["J4"].value == 0.455 and ws["J4"].number_format == "0.0%"
    assert ws["B5"].value is None
    assert {str(r) for r in ws.merged_cells.ranges} >= {"A2:A3", "B2:C2", "H2:J2"}
    assert ws["B2"].font.name == "黑体" and ws["B4"].border.left.style == "thin"
    county = return_forms.county_table(TOWNS)
    ws = openpyxl.load_workbook(io.BytesIO(write_form(county, {("统计表", "C7"): 99}))).active
    assert ws["C7"].value == "=SUM(C4:C6)"  # a formula cell is never overwritten


def test_files_that_are_not_forms_are_refused_in_chinese() -> None:
    with pytest.raises(FormRefused, match=r"请另存为 \.xlsx"):
        read_form(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, name="旧表.xls")
    with pytest.raises(FormRefused, match="Excel"):
        read_form(b"just some text", name="表.xlsx")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", b" " * (3 * 1024 * 1024))
    with pytest.raises(FormRefused, match="解压后"):
        read_form(bomb.getvalue(), name="炸弹.xlsx", max_unpacked=1024 * 1024)
    wb = openpyxl.Workbook()
    wb.active["A1"] = "关于报送有关材料的通知"
    blank = io.BytesIO()
    wb.save(blank)
    with pytest.raises(FormRefused, match="没有找到需要填写数字的单元格"):
        read_form(blank.getvalue(), name="通知.xlsx")
