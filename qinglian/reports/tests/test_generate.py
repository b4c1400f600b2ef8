"""Generating each genre for unit A: headings, figures equal to the statistics engine's, nothing of B,
no placeholder left, and the official layout of the file (reopened with python-docx)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document
from docx.oxml.ns import qn

from paperwork.check import check_text
from paperwork.read import read_bytes
from paperwork.write import report_text
from qinglian.reports.checking import read_for_check
from qinglian.reports.services import report_draft
from qinglian.stats import engine

from .conftest import YEAR

PERIOD = {"date_from": dt.date(YEAR, 1, 1), "date_to": dt.date(YEAR, 12, 31)}


def _draft(seeded, genre: str, **kwargs):
    return report_draft(unit=seeded.world.a, genre=genre, **PERIOD, today=dt.date(YEAR, 11, 23), **kwargs)


def test_responsibility_counts_the_subtree_and_period_only(seeded) -> None:
    draft = _draft(seeded, "responsibility")
    text = "\n".join(report_text(draft.docx))
    assert "组织中心组学习4次" in text  # A's 3 + A1's 1; not last year's, not B's 5
    assert "召开党组会2次" in text and "廉政提醒谈话2人次" in text
    assert "建立了2个方面3项具体问题整改台账" in text
    headings = [p for p in report_text(draft.docx) if p[:2] in ("一、", "二、", "三、", "四、")]
    assert headings == ["一、基本情况", "二、主要做法和成效", "三、存在的主要问题", "四、下步工作计划"]
    for n, label in enumerate("一二三四五六七", start=1):
        assert any(p.startswith(f"（{label}）") for p in report_text(draft.docx)), n


@pytest.mark.parametrize("genre", ["responsibility", "rectification", "summary", "bulletin", "personal"])
def test_every_figure_is_the_engines_and_no_placeholder_remains(seeded, genre: str) -> None:
    person = seeded.world.principal_a if genre == "personal" else None
    draft = _draft(seeded, genre, person=person)
    assert draft.figures, "each genre says something counted"
    engine_counts = {f.kind: f.count for f in engine.figures(unit=seeded.world.a, **PERIOD)}
    for f in draft.figures:
        if f["kind"].startswith("person.") or f["unit_id"] or f["own"]:
            continue
        assert f["count"] == engine_counts[f["kind"]], f
        assert str(f["count"]) in f["text"]
    result = read_for_check(draft.docx, "draft.docx")  # the bulletin is a table without headings
    findings = check_text(result)
    assert findings == [], findings


def test_rectification_lists_each_problem_with_its_measures_and_state(seeded) -> None:
    draft = _draft(seeded, "rectification")
    paragraphs = report_text(draft.docx)
    assert paragraphs[0] == "县委宣传部关于县委第三巡察组\n巡察反馈意见整改情况的通报"  # 梯形, at a word
    assert "（一）学习贯彻党中央重大决策部署方面" in paragraphs
    assert "（二）落实管党治党政治责任方面" in paragraphs
    assert "1.关于党中央重大决策部署学习贯彻不到位的问题" in paragraphs
    assert "（1）针对“财务支出审核把关不严”问题" in paragraphs
    situation = paragraphs[paragraphs.index("（2）针对“执行财经纪律不严”问题") + 1]
    assert situation == "整改情况：一是修订完善机关财务管理制度（正在推进）。"
    result = read_bytes(draft.docx, "draft.docx")
    assert len(result.rectification) == 3  # what a reader finds agrees with "2个方面3项"
    assert any("2个方面3项具体问题" in p for p in paragraphs)


def test_personal_report_counts_the_persons_own_records(seeded) -> None:
    w = seeded.world
    draft = _draft(seeded, "personal", person=w.principal_a)
    text = "\n".join(report_text(draft.docx))
    assert "王部长" in draft.report.title and "参加中心组学习3次" in text
    assert "主持召开党组会2次" in text and "廉政提醒谈话2人次" in text
    staff = _draft(seeded, "personal", person=w.staff_a)
    assert "主持召开党组会" not in "\n".join(report_text(staff.docx))


def test_a_leaf_unit_with_nothing_recorded_still_gets_a_clean_skeleton(world) -> None:
    draft = report_draft(unit=world.b, genre="responsibility", **PERIOD, today=dt.date(YEAR, 11, 23))
    paragraphs = report_text(draft.docx)
    assert "一、基本情况" in paragraphs and "四、下步工作计划" in paragraphs
    assert not any("0次" in p for p in paragraphs)  # sentences about nothing are left out
    assert check_text("\n".join(paragraphs)) == []


def test_the_file_has_the_official_layout(seeded) -> None:
    doc = Document(io.BytesIO(_draft(seeded, "responsibility").docx))
    section = doc.sections[0]
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    assert round(section.bottom_margin.mm) == 35 and round(section.right_margin.mm) == 26
    body = next(p for p in doc.paragraphs if p.text.startswith("现将"))
    rpr = body.style.element.rPr
    assert rpr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert body.style.font.size.pt == 16
    for footer in (section.footer, section.even_page_footer):
        codes = "".join(footer._element.xpath(".//w:instrText/text()")) + "".join(
            f.get(qn("w:instr")) or "" for f in footer._element.xpath(".//w:fldSimple"))
        assert "PAGE" in codes
    assert doc.settings.odd_and_even_pages_header_footer
