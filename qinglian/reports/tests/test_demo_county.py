"""The demo county (every app's demo data): all genres generate for 县委宣传部 and the county; each file is
reopened to check its headings, that no placeholder remains and that its figures are the engine's."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace

import pytest
from docx import Document

from paperwork.check import check_text
from qinglian.ledger.selectors import source_figures
from qinglian.lib.testing import load_demo
from qinglian.org.models import Person, TeamRole, Unit
from qinglian.reports.checking import compare_with_records, read_for_check
from qinglian.reports.models import GeneratedReport
from qinglian.reports.person import person_figures
from qinglian.reports.selectors import rectification_sources
from qinglian.reports.services import report_draft
from qinglian.stats import engine

TODAY = dt.date(2026, 11, 23)
PERIOD = {"date_from": dt.date(2026, 1, 1), "date_to": dt.date(2026, 12, 31)}
HEADINGS = {
    "responsibility": ["一、基本情况", "二、主要做法和成效", "三、存在的主要问题", "四、下步工作计划"],
    "personal": ["一、严于律己，自觉遵守政治纪律和政治规矩", "二、恪尽职守，认真履行全面从严治党责任",
                 "三、存在的问题和下一步打算"],
    "rectification": ["一、强化政治自觉，全力以赴抓好整改", "二、强化政治担当，一抓到底推动整改任务落地见效",
                      "三、强化政治定力，持之以恒提升整改成效"],
    "summary": ["一、2026年工作总结", "二、存在的主要问题", "三、2027年工作计划"],
    "bulletin": [],
}


def every_figure_is_the_sum_of_its_records(units: list[Unit]) -> None:
    """Traceability on data in every state: each figure (counted the fast way) equals what its record list
    (the querysets behind the trace page) adds up to, for this year, last year and a quarter."""
    periods = [PERIOD, {"date_from": dt.date(2025, 1, 1), "date_to": dt.date(2025, 12, 31)},
               {"date_from": dt.date(2026, 4, 1), "date_to": dt.date(2026, 6, 30)}]
    nonzero = set()
    for unit in units:
        for period in periods:
            for figure in engine.figures(unit=unit, **period, memo=False):
                refs = engine.records(unit=unit, kind=figure.kind, **period)
                assert figure.count == sum(r.weight for r in refs), (unit.name, period, figure)
                assert figure.late == sum(r.late for r in refs), (unit.name, period, figure)
                if figure.count:
                    nonzero.add(figure.kind)
    for kind in ("ledger.overdue", "ledger.closed", "ledger.reopened", "ledger.orders_open", "ledger.due",
                 "opinion.tickets", "opinion.closed", "opinion.alert_letters", "opinion.digests", "risk.points",
                 "risk.team_member", "letter.responsibility_signed", "letter.responsibility_unsigned",
                 "letter.pledge_signed", "publicity.central", "publicity.items", "review.drafts_signed", "duty.due",
                 "activity.central_group_study", "activity.integrity_reminder_talk"):
        assert kind in nonzero, f"the demo has no {kind}: the check above proves nothing for it"


@pytest.mark.slow
def test_all_genres_for_the_demo_county(db, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "files"
    load_demo("--today", TODAY.isoformat())
    xcb = Unit.objects.get(name="县委宣传部")
    county = Unit.objects.get(parent__isnull=True)
    assert GeneratedReport.objects.filter(unit=xcb).exists()  # the demo's drafts in the history
    every_figure_is_the_sum_of_its_records([xcb, county, Unit.objects.get(name="县纪委监委")])
    principal = Person.objects.get(unit=xcb, team_role=TeamRole.PRINCIPAL)
    for unit in (xcb, county):
        counts = {f.kind: f.count for f in engine.figures(unit=unit, **PERIOD)}
        for genre, headings in HEADINGS.items():
            person = principal if genre == "personal" else None
            sources = [pk for pk, _ in rectification_sources(unit, **PERIOD)][:1] if genre == "rectification" else None
            draft = report_draft(unit=unit, genre=genre, person=person, today=TODAY, sources=sources, **PERIOD)
            doc = Document(io.BytesIO(draft.docx))
            paragraphs = [p.text for p in doc.paragraphs if p.text]
            assert paragraphs[0].replace("\n", "") == draft.report.title and unit.name in paragraphs[0]
            found = [p for p in paragraphs if p[:2] in {"一、", "二、", "三、", "四、"}]
            assert found == headings, (unit.name, genre)
            if genre == "bulletin":
                assert doc.tables and len(doc.tables[0].rows) >= 2
            result = read_for_check(draft.docx, f"{genre}.docx")
            assert check_text(result) == [], (unit.name, genre)
            figures = person_figures(person, **PERIOD, today=TODAY) if person else engine.figures(unit=unit, **PERIOD)
            if sources:  # a notice for one source counts that source's ledger alone
                own = source_figures(unit, PERIOD["date_from"], PERIOD["date_to"], sources)
                figures = [replace(f, count=own[f.kind.removeprefix("ledger.")]) if f.kind.startswith("ledger.")
                           else f for f in figures]
            assert compare_with_records(result, figures) == [], (unit.name, genre)
            expected = counts | {f.kind: f.count for f in figures if f.kind.startswith("ledger.")}
            for f in draft.figures:
                if not (f["kind"].startswith("person.") or f["unit_id"] or f["own"]):
                    assert f["count"] == expected[f["kind"]], (unit.name, genre, f)
            if unit == xcb and genre == "rectification":
                text = "\n".join(paragraphs)
                phrase = f"{expected['ledger.aspects']}个方面{expected['ledger.problems']}项具体问题"
                assert phrase in text and len(result.rectification) == expected["ledger.problems"]
