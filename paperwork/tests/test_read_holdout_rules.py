"""Rules the held-out corpus (paperwork/tests/data/holdout) showed the reader lacked, one behaviour each."""

from __future__ import annotations

import pytest

from paperwork.read import read_text
from paperwork.read.chrome import is_chrome
from paperwork.read.figures import find_figures


def _figs(text: str) -> list[tuple[str, str]]:
    return [(f.number, f.counting_unit) for f in find_figures([text])]


@pytest.mark.parametrize(("text", "expected"), [
    ("开展谈话＊＊人次", [("＊＊", "人次")]),
    ("追回资金XX.X万元", [("XX.X", "万元")]),
    ("扫描46万页，提供1.2万卷次", [("46", "万页"), ("1.2", "万卷次")]),
    ("进出口9.6亿美元", [("9.6", "亿美元")]),
    ("建议使用1920×1080分辨率浏览", []),
    ("依托5G平台，受理12345热线工单3,268件", [("3,268", "件")]),
])
def test_figures(text: str, expected: list[tuple[str, str]]) -> None:
    assert _figs(text) == expected


@pytest.mark.parametrize("line", [
    "— 2 —", "第 1 页 共 3 页", "【清廉之窗】", "点击蓝字关注我们", "长按识别二维码关注我们", "往期推荐",
    "END", "邮编：414000  建议使用1920×1080分辨率浏览本站",
])
def test_page_furniture_is_chrome(line: str) -> None:
    assert is_chrome(line)


def test_markdown_marks_are_not_text() -> None:
    r = read_text("# 县司法局2023年工作总结\n## **一、主要工作**\n**（一）压实责任。**全年开展学习12次。\n"
                  "## **二、存在的问题**\n- 基层力量不足，监督有盲点\n- 风险防控措施针对性不强\n")
    assert r.title == "县司法局2023年工作总结"
    assert [(o.marker, o.heading) for o in r.outline] == [
        ("一、", "主要工作"), ("（一）", "压实责任"), ("二、", "存在的问题")]
    assert r.problems == ["基层力量不足，监督有盲点", "风险防控措施针对性不强"]


def test_a_placeholder_is_not_bold() -> None:
    r = read_text("**县委宣传部工作总结\n一、主要工作\n召开会议**次。\n")
    assert [f.number for f in r.figures] == ["**"]


def test_part_markers_and_close_paren_markers() -> None:
    r = read_text("县商务局2023年工作总结\n第一部分 工作总结\n一）消费回暖\n二）外贸稳定\n"
                  "第二部分 存在的问题\n消费动力不足；外贸企业规模偏小。\n")
    assert [(o.level, o.marker) for o in r.outline] == [(1, "第一部分"), (2, "一）"), (2, "二）"), (1, "第二部分")]
    assert r.problems == ["消费动力不足", "外贸企业规模偏小"]


def test_subtitle_letterhead_and_column_tag_are_not_the_title() -> None:
    assert read_text("坚守初心 清廉作表率\n——县卫健局局长2023年度述责述廉报告\n一、履职情况\n").title == "坚守初心清廉作表率"
    assert read_text("中共石门坎乡委员会\n关于2023年度落实主体责任情况的报告\n县委：\n").title == (
        "关于2023年度落实主体责任情况的报告")
    r = read_text("【清廉之窗】\n县纪委监委派驻纪检监察组2023年度履行监督责任情况报告\n县纪委监委：\n")
    assert r.title == "县纪委监委派驻纪检监察组2023年度履行监督责任情况报告"
    assert r.genre == "responsibility"


def test_labelled_problems_of_a_rectification_notice() -> None:
    r = read_text("县局关于巡察整改情况的通报\n一、反馈问题整改情况\n问题一：资金监管不到位。\n整改措施：建立平台。\n"
                  "问题二：干部作风不实。\n整改成效：办结意见12条。\n二、下一步工作\n持续巩固整改成果。\n")
    assert r.problems == ["资金监管不到位", "干部作风不实"]
    assert r.rectification[1].measures == ["办结意见12条。"]


def test_problem_column_of_a_flattened_table() -> None:
    r = read_text("县医院关于巡察整改情况的报告\n一、整改落实情况\n序号    反馈问题    整改措施    完成时限\n"
                  "1    医疗设备采购监管存在漏洞    建立采购监管制度    2023年11月\n"
                  "2    绩效分配向一线倾斜不够    修订绩效方案    2024年6月\n")
    assert r.problems == ["医疗设备采购监管存在漏洞", "绩效分配向一线倾斜不够"]


def test_a_heading_that_names_problems_as_its_object_is_not_a_problem_part() -> None:
    r = read_text("局长2023年度述责述廉报告\n一、坚持问题导向，深化腐败问题集中整治\n排查问题线索27条，推动整改不到位的单位自查。\n"
                  "二、存在的问题\n对基层监督不够经常。\n")
    assert r.problems == ["对基层监督不够经常"]
