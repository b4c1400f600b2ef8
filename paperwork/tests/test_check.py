"""The report checker: placeholders, contradictions, dates, congress references."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from paperwork.check import Finding, check_path, check_text, infer_year, main
from paperwork.read import read_text
from paperwork.tests.test_read_seeds import SEEDS, needs_seeds

HEAD = "2023年度落实党风廉政建设责任制情况报告\n一、基本情况\n"


def kinds(findings: list[Finding]) -> list[str]:
    return [f.kind for f in findings]


@needs_seeds
@pytest.mark.parametrize("prefix", ["000", "001", "002", "004"])
def test_seeds_with_placeholders_exit_1(prefix: str, capsys: pytest.CaptureFixture[str]) -> None:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    findings = check_path(path)
    placeholders = [f for f in findings if f.kind == "placeholder"]
    assert len(placeholders) >= (30 if prefix == "000" else 10)
    assert main([str(path)]) == 1
    out = capsys.readouterr().out
    assert "第" in out and "段" in out and "占位符" in out


@needs_seeds
def test_seed_003_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    (path,) = SEEDS.glob("003_*.txt")
    assert check_path(path) == []
    assert main([str(path)]) == 0
    assert "未发现问题" in capsys.readouterr().out


@needs_seeds
def test_seed_000_placeholder_excerpt_names_the_figure() -> None:
    (path,) = SEEDS.glob("000_*.txt")
    excerpts = {f.excerpt for f in check_path(path)}
    assert any(e.endswith("廉政党课*次") for e in excerpts)
    assert any(e.endswith("廉政提醒谈话**人次") for e in excerpts)


def test_placeholders_but_not_words_or_xrays() -> None:
    text = HEAD + "开展学习X次，参加XX人次，拨款×××元，责任人：___。\n通过APP发布，拍X光片，尺寸3×4米。"
    found = [f.excerpt for f in check_text(text) if f.kind == "placeholder"]
    assert len(found) == 4
    assert not any("APP" in e or "光" in e or "3×4" in e for e in found)


def test_no_findings_on_clean_text() -> None:
    assert check_text(HEAD + "全年集中学习12次，谈话60余人次。党的二十大精神。") == []


def test_aspects_and_problems_contradict_the_structure() -> None:
    text = (
        "关于市委巡察反馈意见整改情况的通报\n一、整改组织\n建立了2个方面4项具体问题台账。\n二、整改落实情况\n"
        "（一）学习方面\n1.关于学习不够的问题\n整改情况：一是加强学习。二是专题研讨。\n"
        "2.关于研讨不深的问题\n整改情况：一是深化研讨。\n"
        "（二）监督方面\n1.关于监督不严的问题\n整改情况：一是加强监督。\n"
    )
    result = read_text(text)
    assert result.genre == "rectification" and len(result.rectification) == 3
    (finding,) = check_text(result)
    assert finding.kind == "contradiction" and "2个方面3个具体问题" in finding.message_zh
    assert finding.paragraph == 2


def test_statements_disagree_with_each_other() -> None:
    text = HEAD + "梳理出3个方面12项问题。\n二、整改\n目前3个方面11项问题已完成整改。"
    assert kinds(check_text(text)) == ["contradiction"]


def test_parts_exceed_total() -> None:
    text = HEAD + "全年刊发稿件50篇，其中中央级媒体10篇、省级媒体45篇。"
    (finding,) = check_text(text)
    assert finding.kind == "contradiction" and "55" in finding.message_zh
    assert check_text(HEAD + "全年刊发稿件60篇，其中中央级媒体10篇、省级媒体45篇。") == []


def test_enumeration_count_mismatch() -> None:
    text = HEAD + "二、存在问题\n主要存在以下3个方面的问题：一是学习不够。二是监督不严。"
    assert kinds(check_text(text)) == ["contradiction"]


def test_dates() -> None:
    text = HEAD + "2023年2月30日召开会议。2025年3月开展督查。到2035年基本实现目标。2024年1月召开民主生活会。"
    found = check_text(text)
    messages = [f.message_zh for f in found]
    assert kinds(found) == ["date", "date"]
    assert "不存在" in messages[0] and "2025年3月" in messages[1]


def test_title_year_differs_from_intro_year() -> None:
    text = "2023年度述责述廉报告\n现将2022年度履职情况报告如下：\n一、履职情况\n开展工作。"
    assert kinds(check_text(text)) == ["date"]


def test_year_inference() -> None:
    assert infer_year(["关于巡察整改情况的通报", "2021年4月26日至6月25日，巡察组进驻。"]) == 2021
    assert infer_year(["考核组的各位领导：", "现将县委2022年度情况汇报如下。"]) == 2022
    assert infer_year(["没有年份"]) is None


def test_stale_congress_reference() -> None:
    text = "2023年度工作总结\n一、加强学习\n深入学习贯彻党的十九届六中全会精神。"
    (finding,) = check_text(text)
    assert finding.kind == "congress" and "二十大" in finding.message_zh
    # mentioning 二十大 anywhere makes the earlier reference historical, not stale
    assert check_text(text + "\n学习贯彻党的二十大精神。") == []
    # "党的十八大以来" is history, never flagged
    assert check_text("2023年度工作总结\n一、回顾\n党的十八大以来，成效明显。") == []


def test_congress_not_yet_held() -> None:
    text = "2021年度工作总结\n一、学习\n学习党的二十大精神和十九届七中全会精神。"
    assert kinds(check_text(text)) == ["congress", "congress"]
    assert check_text("2022年度工作总结\n一、学习\n以优异成绩迎接党的二十大胜利召开。") == []
    assert check_text("2023年度工作总结\n一、学习\n学习二十届中央纪委二次全会精神和党的二十大精神。") == []
    assert kinds(check_text("2022年度工作总结\n一、学习\n学习二十届中央纪委二次全会精神。")) == ["congress"]


def test_plain_text_without_outline_is_still_checked() -> None:
    assert kinds(check_text("开展学习X次。")) == ["placeholder"]


def test_cli_read_error_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "old.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert main([str(doc)]) == 2
    assert "另存为" in capsys.readouterr().err


def test_check_is_fast_on_a_long_report() -> None:
    para = "（一）加强学习。一是全年集中学习12次，谈话**人次。二是学习党的二十大精神，2023年5月开展督查。"
    text = HEAD + "\n".join(para.replace("（一）", f"（{n}）") for n in "一二三四五六七八九十" * 40)
    assert len(text) > 20_000
    result = read_text(text)
    best = min(_timed(lambda: check_text(result)) for _ in range(5))
    assert best < 0.1, best


def _timed(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - start
