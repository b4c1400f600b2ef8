"""Random workbooks: read_ledger answers every one with a ParsedLedger (its errors in Chinese, never an exception),
and every ledger in the shapes offices use, however its parts are combined, is counted as its notice counts it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qinglian.ledger.excel import (
    FIELDS,
    ParsedLedger,
    RowError,
    plan_counts,
    read_ledger,
    split_plan,
    splittable,
)
from qinglian.ledger.tests.shapes import Problem, Shape, expected, ledger, workbook

pytestmark = pytest.mark.single_engine  # no database
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TODAY = dt.date(2021, 8, 1)

NAMES = sorted({n for main, others in FIELDS.values() for n in (main, *others)} | {"责任主体", "备注", "序号"})
CELLS = st.one_of(
    st.none(), st.sampled_from(NAMES),
    st.sampled_from(["一、政治建设方面", "（二）作风方面", "1", "（1）", "①", "2.", "关于学习不深入的问题。",
                     "（1）计划不落实。", "1.建立台账；2.每月通报", "①学习②整改", "一是学习；二是整改", "长期坚持",
                     "立行立改", "2021年10月底", "下个月吧", "已完成：修订制度5项", "推进中", "李副部长", "新闻宣传股",
                     "填报单位：县委宣传部", "来源：巡察", "", " ", "=SUM(A1:A2)", "绝密", "x" * 300]),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12), st.integers(-5, 10**9), st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
)


@st.composite
def sheets(draw: st.DrawFn) -> list[tuple[str, list[list[Any]], list[str]]]:
    titles = draw(st.lists(st.sampled_from(["封面", "填表说明", "整改台账", "Sheet1", "汇总", "台账(2)"]),
                           min_size=1, max_size=3, unique=True))
    out = []
    for title in titles:
        width = draw(st.integers(1, 10))
        rows = draw(st.lists(st.lists(CELLS, min_size=width, max_size=width), max_size=14))
        taken: set[tuple[int, int]] = set()
        merges = []
        for r, c, h, w in draw(st.lists(st.tuples(st.integers(1, 15), st.integers(1, 10), st.integers(1, 4),
                                                  st.integers(1, 4)), max_size=6)):
            cells = {(r + i, c + j) for i in range(h) for j in range(w)}
            if len(cells) > 1 and not cells & taken:
                taken |= cells
                merges.append(f"{chr(64 + c)}{r}:{chr(64 + c + w - 1)}{r + h - 1}")
        out.append((title, rows, merges))
    return out


def _check(parsed: ParsedLedger) -> None:
    assert all(isinstance(e, RowError) and e.message for e in parsed.errors + parsed.warnings)
    counts = plan_counts(parsed.aspects)
    assert counts["aspects"] == len(parsed.aspects)
    plain = parsed.to_plain()
    json.dumps(plain, ensure_ascii=False)
    again = ParsedLedger.from_plain(plain)
    assert plan_counts(again.aspects) == counts and again.errors == parsed.errors
    split = plan_counts(split_plan(parsed.aspects))
    assert split["problems"] == counts["problems"] and split["measures"] >= counts["measures"] + splittable(
        parsed.aspects)


@FUZZ
@given(sheets(), st.booleans(), st.one_of(st.none(), st.sampled_from(["整改台账", "封面", "没有这张表"])),
       st.one_of(st.none(), st.dictionaries(st.sampled_from(list(FIELDS)), st.sampled_from(NAMES), max_size=4)))
def test_no_workbook_makes_the_reader_raise(book: list[tuple[str, list[list[Any]], list[str]]], split: bool,
                                            sheet: str | None, mapping: dict[str, str] | None) -> None:
    parsed = read_ledger(workbook(*book), today=TODAY, split_measures=split, sheet=sheet, mapping=mapping)
    _check(parsed)


HEADERS = {
    "problem_header": ["反馈问题", "存在问题", "问题", "巡察反馈问题"],
    "specific_header": ["具体表现", "具体问题", "问题表现", "表现形式", "具体问题表现"],
}


@st.composite
def ledgers(draw: st.DrawFn) -> tuple[list[tuple[str, list[Problem]]], Shape]:
    aspects = []
    for a in range(draw(st.integers(1, 3))):
        problems = []
        for p in range(draw(st.integers(1, 4))):
            parts = [f"具体问题{a}-{p}-{k}：表现为工作不细。" for k in range(draw(st.integers(0, 5)))]
            problems.append(Problem(f"反馈问题{a}-{p}：落实不到位。", parts, measures=draw(st.integers(1, 3))))
        aspects.append((f"第{a}类问题方面", problems))
    shape = Shape(title_rows=draw(st.integers(0, 4)), two_row_header=draw(st.booleans()),
                  merge_header=draw(st.booleans()), aspect_column=draw(st.booleans()),
                  no_parts=draw(st.sampled_from(["blank", "across"])), spacer=draw(st.booleans()),
                  merge_problem=draw(st.booleans()), problem_header=draw(st.sampled_from(HEADERS["problem_header"])),
                  specific_header=draw(st.sampled_from(HEADERS["specific_header"])),
                  extra_header=draw(st.sampled_from(["", "备注", "佐证材料"])))
    return aspects, shape


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers())
def test_every_shape_counts_as_the_notice_counts(case: tuple[list[tuple[str, list[Problem]]], Shape]) -> None:
    aspects, shape = case
    parsed = read_ledger(ledger(aspects, shape, cover=shape.spacer), today=TODAY)
    assert parsed.errors == [] and not parsed.needs_mapping
    assert plan_counts(parsed.aspects) == expected(aspects)
    assert [c["text"] for a in parsed.aspects for p in a["problems"] for c in p["children"]] == [
        t for _, ps in aspects for p in ps for t in p.parts]
    assert [a["title"] for a in parsed.aspects] == [a for a, _ in aspects]
    _check(parsed)
