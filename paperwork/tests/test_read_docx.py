"""Reading .docx files written with python-docx: typed markers, Word auto-numbering, tables."""

from __future__ import annotations

import pytest

from paperwork.read import read_bytes
from paperwork.read.docx import chinese_number, format_number
from paperwork.tests.data.builders import make_docx


def test_typed_markers_and_run_in_headings() -> None:
    data = make_docx([
        "关于2023年度落实党风廉政建设责任制情况的报告",
        "一、主要工作开展情况",
        "（一）强化理论武装。全年开展中心组学习12次，举办读书班2期。",
        "1.抓好学习。一是集中学习。二是专题研讨。",
        "2、抓好督查",
        "（1)督查一",
        "(2)督查二",
        "（二）压实主体责任：签订责任书**份。",
        "二、存在的问题",
        "一是理论学习不够深入。二是监督执纪不够严格。",
        "三、下一步工作计划",
        "下一步，我们将重点做好以下工作：一要加强学习。二要严格监督。",
    ])
    result = read_bytes(data, "report.docx")
    assert result.source == "docx"
    assert [(o.level, o.marker, o.heading) for o in result.outline] == [
        (1, "一、", "主要工作开展情况"),
        (2, "（一）", "强化理论武装"),
        (3, "1.", "抓好学习"),
        (3, "2、", "抓好督查"),
        (4, "（1)", "督查一"),
        (4, "(2)", "督查二"),
        (2, "（二）", "压实主体责任"),
        (1, "二、", "存在的问题"),
        (1, "三、", "下一步工作计划"),
    ]
    assert result.genre == "responsibility"
    assert result.problems == ["理论学习不够深入", "监督执纪不够严格"]
    assert result.plans == ["加强学习", "严格监督"]
    assert [(f.text, f.number, f.counting_unit, f.placeholder) for f in result.figures] == [
        ("全年开展中心组学习12次", "12", "次", False),
        ("举办读书班2期", "2", "期", False),
        ("签订责任书**份", "**", "份", True),
    ]


def test_word_auto_numbering_is_reconstructed() -> None:
    data = make_docx([
        "2023年工作总结",
        (0, "工作开展情况"),
        (1, "加强学习。全年学习20次。"),
        (2, "中心组学习"),
        (3, "专题一"),
        (3, "专题二"),
        (2, "支部学习"),
        (1, "严格监督"),
        (2, "日常监督"),  # restarts at 1. under the new （二）
        (0, "存在问题"),
        "一是学习不深。二是监督不严。",
        (0, "下步计划"),
        (1, "深化学习"),
        (1, "强化监督"),
    ])
    result = read_bytes(data, "auto.docx")
    assert [(o.level, o.marker, o.heading) for o in result.outline] == [
        (1, "一、", "工作开展情况"),
        (2, "（一）", "加强学习"),
        (3, "1.", "中心组学习"),
        (4, "（1）", "专题一"),
        (4, "（2）", "专题二"),
        (3, "2.", "支部学习"),
        (2, "（二）", "严格监督"),
        (3, "1.", "日常监督"),
        (1, "二、", "存在问题"),
        (1, "三、", "下步计划"),
        (2, "（一）", "深化学习"),
        (2, "（二）", "强化监督"),
    ]
    assert result.genre == "summary"
    assert result.problems == ["学习不深", "监督不严"]
    assert result.plans == ["深化学习", "强化监督"]


def test_tables_are_read_in_order() -> None:
    rows = [["项目", "数量"], ["集中学习", "开展6次"]]
    data = make_docx(["情况报告", "一、基本情况", "见下表。"], table_rows=rows)
    result = read_bytes(data, "t.docx")
    assert result.paragraphs[-2:] == ["集中学习", "开展6次"]
    assert [(f.number, f.counting_unit) for f in result.figures] == [("6", "次")]


@pytest.mark.parametrize(("n", "text"), [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (23, "二十三"),
                                         (100, "一百"), (105, "一百零五"), (110, "一百一十")])
def test_chinese_counting(n: int, text: str) -> None:
    assert chinese_number(n) == text


def test_number_formats() -> None:
    assert format_number(3, "decimalEnclosedCircle") == "③"
    assert format_number(2, "upperRoman") == "II"
    assert format_number(12, "decimalFullWidth") == "１２"
    assert format_number(1, "bullet") == ""
    assert format_number(10**9, "lowerLetter") == str(10**9)
