"""Property-based: generate reports in many shapes and check the reader recovers what we wrote."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperwork.read import read_bytes
from paperwork.read.docx import chinese_number
from paperwork.tests.data.builders import make_docx

# Phrases with no digits, no numerals and no counting unit right after a number: they cannot fake a
# heading or a figure, so everything the reader finds must come from what the strategy placed.
HEAD_WORDS = ["加强理论学习", "压实主体责任", "强化监督执纪", "深化作风建设", "推进廉洁文化建设",
              "抓好问题整改",
              "健全制度机制", "严格教育管理", "提高政治站位", "守牢意识形态阵地"]
BODY_WORDS = ["认真贯彻落实上级部署要求", "切实提高工作质量", "推动各项任务落地见效", "坚持问题导向",
              "营造风清气正的政治生态", "把纪律和规矩挺在前面", "持续巩固整改成果",
              # noise that looks numeric but is not a figure or heading
              "2023年12月1日召开专题会议", "增强“四个意识”、做到“两个维护”", "落实中央八项规定精神",
              "第一时间研判处置", "学习十九届六中全会和二十届二中全会精神", "1至10月持续推进",
              "修订《五项制度》"]
NOUNS = ["集中学习", "谈心谈话", "警示教育", "专题党课", "督查检查", "培训干部", "刊发稿件", "排查风险点"]
UNITS = ["次", "人次", "期", "场", "篇", "条", "人", "件", "份", "项", "个", "名", "批次", "家", "万元", "天",
         "课时", "小时", "轮", "部", "场次", "处", "册"]
PLACEHOLDERS = ["*", "**", "***", "X", "XX", "××"]

L1_PUNCT = ["、", ".", "．"]
OPEN = ["（", "("]
CLOSE = ["）", ")"]
L3_PUNCT = [".", "．", "、"]


@dataclass(frozen=True)
class Head:
    level: int
    value: int
    heading: str


@st.composite
def outlines(draw: st.DrawFn) -> list[Head]:
    """A tree 一、 → （一） → 1. → （1）; numbering restarts under each parent."""
    heads: list[Head] = []

    def children(level: int, max_n: int) -> None:
        n = draw(st.integers(0 if level > 1 else 1, max_n))
        for value in range(1, n + 1):
            words = draw(st.lists(st.sampled_from(HEAD_WORDS), min_size=1, max_size=2, unique=True))
            heads.append(Head(level, value, "，".join(words)))
            if level < 4:
                # short reports often go 一、 → 1. directly, skipping （一）
                skip = level == 1 and draw(st.integers(0, 3)) == 0
                children(level + (2 if skip else 1), 3 if level < 3 else 2)

    children(1, 4)
    return heads


def marker_for(draw: st.DrawFn, head: Head) -> str:
    cn, n = chinese_number(head.value), str(head.value)
    if head.level == 1:
        return cn + draw(st.sampled_from(L1_PUNCT))
    if head.level == 2:
        return draw(st.sampled_from(OPEN)) + cn + draw(st.sampled_from(CLOSE))
    if head.level == 3:
        return n + draw(st.sampled_from(L3_PUNCT))
    return draw(st.sampled_from(OPEN)) + n + draw(st.sampled_from(CLOSE))


@st.composite
def figure_sentence(draw: st.DrawFn) -> tuple[str, tuple[str, str]]:
    noun = draw(st.sampled_from(NOUNS))
    if draw(st.booleans()):
        number = str(draw(st.integers(1, 9999)))
    else:
        number = draw(st.sampled_from(PLACEHOLDERS))
    unit = draw(st.sampled_from(UNITS))
    mod = draw(st.sampled_from(["", "", "余"]))
    return f"累计{noun}{number}{mod}{unit}", (number, unit)


@dataclass
class Generated:
    lines: list[str]
    numbered: list[str | tuple[int, str]]  # for the auto-numbered docx variant
    outline: list[tuple[int, str, str]]
    figures: list[tuple[str, str]]


@st.composite
def reports(draw: st.DrawFn) -> Generated:
    heads = draw(outlines())
    title = "关于2023年度落实党风廉政建设责任制情况的报告"
    lines = [title, "根据工作安排，现将有关情况报告如下："]
    numbered: list[str | tuple[int, str]] = [title, "根据工作安排，现将有关情况报告如下："]
    outline: list[tuple[int, str, str]] = []
    figures: list[tuple[str, str]] = []
    for head in heads:
        marker = marker_for(draw, head)
        outline.append((head.level, marker, head.heading))
        body_parts: list[str] = []
        for _ in range(draw(st.integers(0, 2))):
            if draw(st.booleans()):
                text, fig = draw(figure_sentence())
                figures.append(fig)
                body_parts.append(text)
            else:
                body_parts.append(draw(st.sampled_from(BODY_WORDS)))
        enumerated: bool = draw(st.booleans()) if body_parts else False
        if enumerated:
            # an enumeration inside the body: 一是…二是…
            body_parts = [f"{chinese_number(i + 1)}是{p}" for i, p in enumerate(body_parts)]
        body = "。".join(body_parts) + ("。" if body_parts else "")
        if body and draw(st.booleans()):  # run-in heading
            lines.append(f"{marker}{head.heading}。{body}")
            numbered.append((head.level - 1, f"{head.heading}。{body}"))
        else:
            lines.append(marker + head.heading)
            numbered.append((head.level - 1, head.heading))
            if body:
                lines.append(body)
                numbered.append(body)
    return Generated(lines, numbered, outline, figures)


def _outline(result_outline: Sequence[Any]) -> list[tuple[int, str, str]]:
    return [(o.level, o.marker, o.heading) for o in result_outline]


PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(reports(), st.sampled_from(["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"]),
       st.sampled_from(["\n", "\r\n", "\n\n"]))
def test_text_reports_round_trip(doc: Generated, encoding: str, newline: str) -> None:
    data = newline.join(doc.lines).encode(encoding)
    result = read_bytes(data, "report.txt")
    assert _outline(result.outline) == doc.outline
    assert [(f.number, f.counting_unit) for f in result.figures] == doc.figures
    assert all(f.placeholder == (not f.number[0].isdigit()) for f in result.figures)
    assert result.title == doc.lines[0]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports())
def test_docx_reports_round_trip(doc: Generated) -> None:
    result = read_bytes(make_docx(list(doc.lines)), "report.docx")
    assert _outline(result.outline) == doc.outline
    assert [(f.number, f.counting_unit) for f in result.figures] == doc.figures


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports())
def test_docx_auto_numbering_round_trip(doc: Generated) -> None:
    result = read_bytes(make_docx(doc.numbered), "auto.docx")
    canonical = {1: "{cn}、", 2: "（{cn}）", 3: "{n}.", 4: "（{n}）"}
    expected = []
    for level, _marker, heading in doc.outline:
        expected.append((level, heading))
    # Word numbers a skipped level from its start value, which is still the right level
    assert [(o.level, o.heading) for o in result.outline] == expected
    for o in result.outline:
        assert o.marker == canonical[o.level].format(cn=chinese_number(o.value), n=o.value)
    assert [(f.number, f.counting_unit) for f in result.figures] == doc.figures
