"""A rectification notice's own words set each measure's state (issue 12): the measure's, its problem's,
the notice's, else under way."""

from __future__ import annotations

import pytest

from paperwork.read import ReadResult, read_text
from paperwork.read.states import state_stated

HEAD = "关于县委巡察反馈意见整改情况的通报\n一、整改落实情况\n（一）学习贯彻方面\n"


def _notice(body: str, closing: str = "") -> ReadResult:
    return read_text(HEAD + body + "二、下一步工作\n" + (closing or "一要持续深化思想认识。二要持续压实整改责任。") + "\n")


def _states(result: ReadResult) -> dict[str, tuple[str, str, str]]:
    return {m: (s.state, s.phrase, s.where) for r in result.rectification
            for m, s in zip(r.measures, r.states, strict=True)}


@pytest.mark.parametrize(("text", "state"), [
    ("组织集中学习17次，已完成", "done"),
    ("问题已整改到位", "done"),
    ("台账整改完成", "done"),
    ("责任已落实", "done"),
    ("学习制度持续推进", "in_progress"),
    ("台账正在推进", "in_progress"),
    ("制度修订推进中", "in_progress"),
    ("警示教育长期坚持", "long_term"),
    ("作风建设持续抓好", "long_term"),
    ("谈心谈话常态化开展", "long_term"),
    ("已完成第一阶段，正在推进第二阶段", "in_progress"),
    ("尚未整改到位", "in_progress"),
])
def test_each_phrase_decides_the_state(text: str, state: str) -> None:
    said = state_stated(text)
    assert said is not None and said[0] == state, (text, said)


@pytest.mark.parametrize("text", ["确保整改到位", "组织集中学习17次", "力争年底前完成整改", "重要岗位谈话"])
def test_aims_and_plain_facts_say_nothing(text: str) -> None:
    assert state_stated(text) is None


def test_measure_problem_and_notice_statements_nearest_first() -> None:
    result = _notice(
        "1.关于学习不到位的问题。\n整改情况：一是集中学习17次，已完成。二是学习台账持续推进。三是谈心谈话常态化。"
        "四是修订学习制度。\n"
        "2.关于台账不全的问题。\n整改情况：该问题已整改到位。一是补齐台账。二是按月通报。\n"
        "3.关于制度更新不及时的问题。\n整改情况：一是梳理制度5项。二是印发执行。\n")
    states = _states(result)
    assert states["集中学习17次，已完成"] == ("done", "已完成", "measure")
    assert states["学习台账持续推进"] == ("in_progress", "持续推进", "measure")
    assert states["谈心谈话常态化"] == ("long_term", "常态化", "measure")
    assert states["修订学习制度"] == ("in_progress", "", "")  # nothing said anywhere: under way
    assert states["补齐台账"] == ("done", "已整改到位", "problem")
    assert states["印发执行"] == ("in_progress", "", "")
    assert result.overall.phrase == ""


@pytest.mark.parametrize("statement", ["反馈的3个方面12条具体问题已全面完成整改。", "反馈问题已全部整改到位。",
                                       "反馈的问题均已整改到位。"])
def test_the_notice_wide_statement_covers_measures_that_say_nothing(statement: str) -> None:
    result = read_text(HEAD.replace("（一）学习贯彻方面\n", statement + "\n（一）学习贯彻方面\n")
                       + "1.关于学习不到位的问题。\n整改情况：一是集中学习17次。二是学习台账持续推进。\n"
                       + "二、下一步工作\n一要确保全部整改到位。二要持续压实整改责任。\n")
    assert result.overall.state == "done" and result.overall.where == "notice"
    states = _states(result)
    assert states["集中学习17次"][:2] == ("done", result.overall.phrase)
    assert states["学习台账持续推进"] == ("in_progress", "持续推进", "measure")  # its own words win


def test_an_aim_in_the_closing_part_is_no_statement() -> None:
    result = _notice("1.关于学习不到位的问题。\n整改情况：一是集中学习17次。二是建立台账。\n",
                     closing="下一步，确保反馈问题全部整改到位。")
    assert result.overall.phrase == ""
    assert {s for s, _, _ in _states(result).values()} == {"in_progress"}


def test_states_survive_the_round_trip_the_import_page_makes() -> None:
    result = _notice("1.关于学习不到位的问题。\n整改情况：一是集中学习17次，已完成。二是建立台账。\n")
    again = ReadResult.from_plain(result.to_plain())
    assert again.rectification == result.rectification and again.overall == result.overall
    assert again.rectification[0].state_of(5).state == "in_progress"
