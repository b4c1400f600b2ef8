"""Small rules of the reader, one behaviour each."""

from __future__ import annotations

import pytest

from paperwork.read import read_text
from paperwork.read.figures import find_figures
from paperwork.read.items import split_enumeration
from paperwork.read.outline import chinese_value, find_outline


def _figs(text: str) -> list[tuple[str, str]]:
    return [(f.number, f.counting_unit) for f in find_figures([text])]


@pytest.mark.parametrize("text", [
    "2023年12月1日召开会议", "1至10月", "第一次会议", "第3次全会",
    "增强“四个意识”、坚定“四个自信”、做到“两个维护”",
    "落实中央八项规定精神", "党的二十届中央纪委二次全会", "“十四五”规划", "《五项制度》",
    "自觉规范八小时之外的行为",
    "联系电话:0932-5552740", "一个股室", "建立工作台账", "3部门联合",
    # Chinese numerals are words of the text, not counted figures
    "组织两次集中学习", "经过三个月", "落实“三会一课”", "履行“一岗双责”", "运用监督执纪“四种形态”",
])
def test_not_figures(text: str) -> None:
    assert _figs(text) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("开展学习14次", [("14", "次")]),
    ("《舆情提示函》34期", [("34", "期")]),
    ("谈话60余人次", [("60", "人次")]),
    ("组织三次集中学习", []),
    ("培训干部十二名", []),
    ("累计二十余个", []),
    ("3个方面12项具体问题", [("3", "个"), ("12", "项")]),
    ("经过3个月", [("3", "个月")]),
    ("拨付资金1.5万元", [("1.5", "万元")]),
    ("稿件XX篇，视频X余条，××人次，***元", [("XX", "篇"), ("X", "条"), ("××", "人次"), ("***", "元")]),
])
def test_figures(text: str, expected: list[tuple[str, str]]) -> None:
    assert _figs(text) == expected


def test_figure_span_includes_noun_phrase_and_title() -> None:
    (fig,) = find_figures(["下发《网上舆情》4期"])
    assert fig.text == "下发《网上舆情》4期"
    _first, second = find_figures(["建立了3个方面12项具体问题台账"])
    assert second.text == "方面12项"


def test_enumeration_split() -> None:
    text = "整改情况：一是创新学习方式。结合实际。二是注重成果转化。三是强化压力传导。"
    pre, items = split_enumeration(text)
    assert pre == "整改情况："
    assert items == ["创新学习方式。结合实际", "注重成果转化", "强化压力传导"]
    assert split_enumeration("坚持统一是原则")[1] == []
    assert split_enumeration("首先，学习。其次，落实。最后，总结。")[1] == ["学习", "落实", "总结"]
    assert split_enumeration("第一，学习。第二，落实。")[1] == ["学习", "落实"]


def test_chinese_values() -> None:
    words = ("一", "十", "十二", "二十", "九十九", "十十", "")
    assert [chinese_value(t) for t in words] == [1, 10, 12, 20, 99, 0, 0]


def test_outline_rejects_dates_figures_and_out_of_sequence_markers() -> None:
    paragraphs = [
        "一、基本情况",
        "2023.全年工作如下",
        "3、5月份开展督查",
        "三、跳号的标题",  # 一 then 三 with nothing between is tolerated (a missing 二)…
        "五、乱入",  # … but 五 after 三 with 四 missing again is not (one skip at a time is tolerated)
        "1.第一项",
        "1.5万元用于培训",
    ]
    got = [(o.marker, o.heading) for o in find_outline(paragraphs)]
    assert got == [("一、", "基本情况"), ("三、", "跳号的标题"), ("五、", "乱入"), ("1.", "第一项")]


def test_outline_punctuation_variants() -> None:
    paragraphs = ["一.总体", "（一)甲", "(二）乙", "1．丙", "2、丁", "（1）戊", "(2)己", "3)庚", "二、结尾"]
    got = [(o.level, o.marker) for o in find_outline(paragraphs)]
    assert got == [(1, "一."), (2, "（一)"), (2, "(二）"), (3, "1．"), (3, "2、"), (4, "（1）"), (4, "(2)"),
                   (4, "3)"), (1, "二、")]


def test_genres() -> None:
    base = "\n一、基本情况\n开展工作。\n"
    assert read_text("2023年度述责述廉报告" + base).genre == "personal"
    assert read_text("关于市委巡察反馈意见整改情况的通报" + base).genre == "rectification"
    assert read_text("2023年工作总结及2024年工作计划" + base).genre == "summary"
    assert read_text("2023年度落实党风廉政建设责任制情况报告" + base).genre == "responsibility"
    assert read_text("2023年10月新闻宣传通报" + base).genre == "bulletin"
    assert read_text("会议纪要" + base).genre is None


def test_problem_list_in_one_sentence() -> None:
    text = (
        "报告\n一、工作\n开展工作。\n二、存在的问题和下一步打算\n"
        "主要是学习不深、监督不严；作风不实等问题。\n2024年，我们将继续努力。"
    )
    result = read_text(text)
    assert result.problems == ["学习不深", "监督不严", "作风不实"]
    assert result.plans == ["我们将继续努力"]
