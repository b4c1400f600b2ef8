"""Ledgers as offices keep them (tests/shapes.py): specific problems under the feedback problem merged above
them, counted as the notice counts them, whatever the title rows, header rows, aspect layout and spacing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from qinglian.ledger.excel import ParsedLedger, plan_counts, read_ledger
from qinglian.ledger.tests.shapes import ASPECTS, Problem, Shape, expected, ledger, ledger_rows, workbook

TODAY = dt.date(2021, 8, 1)
pytestmark = pytest.mark.single_engine  # no database


def _specific_texts(parsed: ParsedLedger) -> list[str]:
    return [c["text"] for a in parsed.aspects for p in a["problems"] for c in p["children"]]


def _shape(parsed: ParsedLedger) -> list[tuple[str, list[tuple[str, list[str], int]]]]:
    """aspect → (problem, its specific problems, measures under it all)."""
    return [(a["title"], [(p["text"], [c["text"] for c in p["children"]],
                           len(p["measures"]) + sum(len(c["measures"]) for c in p["children"]))
                          for p in a["problems"]]) for a in parsed.aspects]


def _wanted() -> list[tuple[str, list[tuple[str, list[str], int]]]]:
    return [(a, [(p.text, p.parts, max(len(p.parts), 1) * p.measures) for p in ps]) for a, ps in ASPECTS]


SHAPES = {
    "one title row": Shape(),
    "no title row": Shape(title_rows=0),
    "four title rows, two-row header": Shape(title_rows=4, two_row_header=True),
    "two-row header, cells not merged down": Shape(title_rows=2, two_row_header=True, merge_header=False),
    "aspects as a merged column": Shape(aspect_column=True),
    "aspect column and two-row header": Shape(aspect_column=True, two_row_header=True, title_rows=3),
    "problem merged across both columns": Shape(no_parts="across"),
    "spacer rows, problem written once": Shape(spacer=True, merge_problem=False),
    "具体问题 beside 反馈问题": Shape(specific_header="具体问题"),
    "问题 and 问题表现": Shape(problem_header="问题", specific_header="问题表现"),
    "存在问题 and 具体问题表现": Shape(problem_header="存在问题", specific_header="具体问题表现"),
    "表现形式": Shape(specific_header="表现形式"),
}


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_specific_problems_are_kept_under_their_feedback_problem(shape: Shape) -> None:
    parsed = read_ledger(ledger(shape=shape), today=TODAY)
    assert parsed.errors == [] and not parsed.needs_mapping
    assert plan_counts(parsed.aspects) == expected() == {"aspects": 3, "problems": 13, "measures": 15}
    assert _shape(parsed) == _wanted()
    assert parsed.columns["specific"].header == shape.specific_header
    assert parsed.unmapped == [] and parsed.warnings == []


def test_every_specific_text_is_kept_word_for_word_without_its_number() -> None:
    parsed = read_ledger(ledger(), today=TODAY)
    assert _specific_texts(parsed) == [part for _, ps in ASPECTS for p in ps for part in p.parts]
    five = parsed.aspects[1]["problems"][0]
    assert len(five["children"]) == 5 and five["children"][4]["row"] == 15
    alone = parsed.aspects[0]["problems"][2]
    assert alone["children"] == [] and alone["text"] == "议事规则执行不严格。" and len(alone["measures"]) == 1


def test_the_two_row_header_reads_the_group_cells_fields() -> None:
    parsed = read_ledger(ledger(shape=Shape(title_rows=2, two_row_header=True)), today=TODAY)
    assert parsed.header_row == 4
    assert {k: c.header for k, c in parsed.columns.items() if k in ("leader", "responsible_unit", "owner")} == {
        "leader": "责任领导", "responsible_unit": "责任单位", "owner": "责任人"}
    measure = parsed.aspects[0]["problems"][0]["children"][0]["measures"][0]
    assert (measure["leader"], measure["responsible_unit"], measure["owner"]) == ("李副部长", "新闻宣传股", "赵股长")
    assert measure["deadline"] == dt.date(2021, 10, 31)


def test_only_具体问题_is_the_problem_column() -> None:
    rows = [["序号", "具体问题", "整改措施", "责任人"], ["1", "学习不深入。", "制定学习计划。", "赵股长"],
            ["2", "制度不健全。", "修订制度。", "赵股长"]]
    parsed = read_ledger(workbook(("台账", rows, [])), today=TODAY)
    assert parsed.errors == [] and "specific" not in parsed.columns
    assert parsed.columns["problem"].header == "具体问题"
    assert plan_counts(parsed.aspects) == {"aspects": 1, "problems": 2, "measures": 2}


def test_sub_numbers_in_the_problem_column_still_make_parts() -> None:
    rows: list[list[Any]] = [["序号", "反馈问题", "整改措施"], ["1", "学习不深入。", None], ["（1）", "计划不落实。", "制定计划。"],
            ["（2）", "方式单一。", "丰富形式。"], ["2", "制度不健全。", "修订制度。"]]
    parsed = read_ledger(workbook(("台账", rows, [])), today=TODAY)
    assert parsed.errors == []
    assert plan_counts(parsed.aspects) == {"aspects": 1, "problems": 3, "measures": 3}


def test_a_cover_and_a_note_sheet_are_passed_over_and_the_user_may_still_choose() -> None:
    data = ledger(cover=True)
    parsed = read_ledger(data, today=TODAY)
    assert parsed.errors == [] and parsed.sheet == "整改台账"
    assert parsed.sheets == ["封面", "整改台账", "填表说明"] and parsed.ledger_sheets == ["整改台账"]
    assert plan_counts(parsed.aspects) == expected()
    chosen = read_ledger(data, sheet="封面", today=TODAY)
    assert chosen.sheet == "封面" and chosen.errors and "找不到表头行" in chosen.errors[0].message


def test_two_ledger_sheets_ask_which_one() -> None:
    rows, merges = ledger_rows()
    data = workbook(("封面", [["巡察整改台账"]], []), ("一季度", rows, merges), ("二季度", rows, merges))
    parsed = read_ledger(data, today=TODAY)
    assert parsed.aspects == [] and "“一季度”、“二季度”" in parsed.errors[0].message
    assert "--sheet" in parsed.errors[0].message and "封面" not in parsed.errors[0].message
    assert plan_counts(read_ledger(data, sheet="二季度", today=TODAY).aspects) == expected()


def test_a_column_nobody_maps_is_reported_and_its_texts_kept_on_the_measures() -> None:
    parsed = read_ledger(ledger(shape=Shape(extra_header="备注")), today=TODAY)
    assert parsed.errors == [] and not parsed.needs_mapping
    assert parsed.unmapped == [{"index": 9, "header": "备注"}]
    assert [(w.row, w.column) for w in parsed.warnings] == [(2, "备注")] and "列对应" in parsed.warnings[0].message
    measures = [m for a in parsed.aspects for p in a["problems"] for leaf in (p["children"] or [p])
                for m in leaf["measures"]]
    assert [m["extra"] for m in measures] == [{"备注": f"备注{n}"} for n in range(1, 16)]
    again = ParsedLedger.from_plain(parsed.to_plain())
    assert again.warnings == parsed.warnings and again.unmapped == parsed.unmapped


def test_a_column_without_a_header_but_with_texts_is_reported_too() -> None:
    rows: list[list[Any]] = [["序号", "问题", "整改措施", None], ["1", "学习不深入。", "制定计划。", "已报县委"]]
    parsed = read_ledger(workbook(("台账", rows, [])), today=TODAY)
    assert parsed.unmapped == [{"index": 3, "header": "第D列"}]
    assert parsed.aspects[0]["problems"][0]["measures"][0]["extra"] == {"第D列": "已报县委"}


def test_two_numbering_columns_are_numbers_not_a_question() -> None:
    rows: list[list[Any]] = [["序号", "反馈问题", "序号", "具体表现", "整改措施"], ["1", "学习不深入。", "1", "计划不落实。", "制定计划。"],
            [None, None, "2", "方式单一。", "丰富形式。"]]
    parsed = read_ledger(workbook(("台账", rows, ["A2:A3", "B2:B3"])), today=TODAY)
    assert parsed.errors == [] and not parsed.needs_mapping and parsed.unmapped == []
    assert _specific_texts(parsed) == ["计划不落实。", "方式单一。"]


ALIASES = [
    ("问题类别", "aspect"), ("方面", "aspect"), ("整改措施", "measure"), ("整改举措", "measure"),
    ("责任领导", "leader"), ("分管领导", "leader"), ("牵头领导", "leader"), ("责任单位", "responsible_unit"),
    ("牵头单位", "responsible_unit"), ("责任人", "owner"), ("具体责任人", "owner"), ("完成时限", "deadline"),
    ("整改时限", "deadline"), ("整改进展", "situation"), ("完成情况", "situation"), ("整改情况", "situation"),
    ("具体表现", "specific"), ("问题表现", "specific"), ("表现形式", "specific"), ("具体问题表现", "specific"),
]


@pytest.mark.parametrize(("name", "key"), ALIASES)
def test_column_names_people_use(name: str, key: str) -> None:
    base: dict[str, Any] = {"problem": "反馈问题", "measure": "整改措施"}
    headers = [name if k == key else h for k, h in base.items()] + ([name] if key not in base else [])
    values = ["关于学习的问题", "制定计划"] + (["一、学习方面"] if key == "aspect" else ["x"]) * (key not in base)
    if key == "deadline":
        values[-1] = "2021年10月底"
    parsed = read_ledger(workbook(("台账", [headers, values], [])), today=TODAY)
    assert parsed.columns[key].header == name and parsed.columns[key].sure and not parsed.needs_mapping


def test_a_numbered_measure_offers_its_parts_and_splits_when_asked() -> None:
    shape = Shape(measure_text="1.对照{p}建立台账；2.每月通报进展；3.年底开展回头看。")
    plain = read_ledger(ledger(shape=shape), today=TODAY)
    first = plain.aspects[0]["problems"][0]["children"][0]["measures"][0]
    assert first["text"].startswith("1.对照") and first["parts"] == [
        "对照学习计划执行建立台账", "每月通报进展", "年底开展回头看。"]
    assert plan_counts(plain.aspects)["measures"] == 15 and not plain.split_measures
    split = read_ledger(ledger(shape=shape), today=TODAY, split_measures=True)
    assert split.split_measures and plan_counts(split.aspects) == {"aspects": 3, "problems": 13, "measures": 45}
    one = split.aspects[0]["problems"][0]["children"][0]["measures"]
    assert [m["text"] for m in one] == first["parts"] and all(m["owner"] == "赵股长" and m["row"] == 4 for m in one)


@pytest.mark.parametrize(("text", "parts"), [
    ("（1）建立台账（2）每月通报", ["建立台账", "每月通报"]),
    ("①建立台账；②每月通报；③回头看", ["建立台账", "每月通报", "回头看"]),
    ("1、建立台账。2、每月通报。", ["建立台账。", "每月通报。"]),
    ("一是建立台账；二是每月通报", ["建立台账", "每月通报"]),
])
def test_numbered_measures_in_the_ways_people_number_them(text: str, parts: list[str]) -> None:
    rows = [["问题", "整改措施"], ["学习不深入。", text], ["制度不健全。", "2021.10前修订制度，投入3.5万元。"]]
    parsed = read_ledger(workbook(("台账", rows, [])), today=TODAY)
    numbered, plain = (p["measures"][0] for p in parsed.aspects[0]["problems"])
    assert numbered["parts"] == parts and "parts" not in plain and numbered["text"] == text


def test_a_bad_deadline_is_an_error_but_the_measure_still_counts() -> None:
    rows, merges = ledger_rows()
    rows[3][7] = "下个月吧"  # sheet row 4: the first measure
    parsed = read_ledger(workbook(("台账", rows, merges)), today=TODAY)
    assert [(e.row, e.column) for e in parsed.errors] == [(4, "完成时限")] and "下个月吧" in parsed.errors[0].message
    assert plan_counts(parsed.aspects) == expected()


def test_one_to_five_parts_and_none_in_any_mix() -> None:
    aspects = [("监督方面", [Problem(f"问题{i}。", [f"表现{i}-{k}。" for k in range(1, i % 6 + 1)], measures=1 + i % 2)
                         for i in range(12)])]
    parsed = read_ledger(ledger(aspects, Shape(title_rows=3, two_row_header=True, spacer=True)), today=TODAY)
    assert parsed.errors == [] and plan_counts(parsed.aspects) == expected(aspects)
    assert _specific_texts(parsed) == [t for _, ps in aspects for p in ps for t in p.parts]


def test_an_aspect_row_merged_across_needs_no_number_and_no_方面() -> None:
    rows, merges = ledger_rows()
    rows[2][0] = "党的政治建设"  # was "一、政治建设方面"
    parsed = read_ledger(workbook(("台账", rows, merges)), today=TODAY)
    assert parsed.errors == [] and parsed.aspects[0]["title"] == "党的政治建设"
    assert plan_counts(parsed.aspects) == expected()


def test_a_numbered_problem_merged_across_is_a_problem_not_an_aspect() -> None:
    rows: list[list[Any]] = [["序号", "问题", "整改措施", "责任人"], ["1.学习不深入的问题。", None, None, None],
                             ["（1）", "计划不落实。", "制定计划。", "赵股长"]]
    parsed = read_ledger(workbook(("台账", rows, ["A2:D2"])), today=TODAY)
    assert parsed.errors == [] and [a["title"] for a in parsed.aspects] == ["未分方面"]
    assert _shape(parsed) == [("未分方面", [("学习不深入的问题。", ["计划不落实。"], 1)])]


def test_aspects_in_a_merged_column_without_a_header_are_aspects() -> None:
    rows, merges = ledger_rows(shape=Shape(aspect_column=True))
    rows[1][0] = None  # the header cell over the aspect column left empty
    parsed = read_ledger(workbook(("台账", rows, merges)), today=TODAY)
    assert parsed.errors == [] and parsed.unmapped == [] and parsed.columns["aspect"].index == 0
    assert [a["title"] for a in parsed.aspects] == ["政治建设方面", "作风建设方面", "组织建设方面"]
    assert plan_counts(parsed.aspects) == expected()
