"""The demo county's publicity: a month's bulletin agrees with the statistics provider; every state shows."""

from __future__ import annotations

from datetime import date

import pytest

from qinglian.lib import tracking
from qinglian.lib.testing import client_for
from qinglian.org.demo import build_demo
from qinglian.publicity import demo
from qinglian.publicity.bulletin import LEVELS, bulletin_build
from qinglian.publicity.models import (
    AlertLetter,
    Draft,
    DraftState,
    OpinionDigest,
    OpinionTicket,
    Publication,
    TicketState,
    overdue_q,
)
from qinglian.publicity.providers import PUBLICITY
from qinglian.stats.registry import Scope

TODAY = date(2026, 11, 23)


@pytest.fixture
def county(db):
    with tracking.bulk("测试准备"):
        ctx = build_demo(today=TODAY, log=lambda _: None)
        summary = demo.populate(ctx)
    assert summary.startswith("宣传与舆情")
    return ctx


def test_demo_county_publicity(county):
    """One demo county (it takes a few seconds to build) for the three checks below."""
    bulletin_matches_the_provider(county)
    demo_has_every_state(county)
    demo_pages_open_for_the_demo_accounts(county)


def bulletin_matches_the_provider(county):
    for unit, (year, month) in ((county.county, (2026, 10)), (county.units["party"], (2025, 6)),
                                (county.units["xcb"], (2026, 11))):
        built = bulletin_build(unit=unit, year=year, month=month)
        scope = Scope(root=unit, date_from=built.period.start, date_to=built.period.end)
        figures = {f.kind: f.count for f in PUBLICITY.figures(scope)}
        columns = {level: sum(row.counts[level] for row in built.rows) for level in LEVELS}
        for level in LEVELS:
            assert built.total.counts[level] == figures[f"publicity.{level}"] == columns[level]
        assert built.total.total == figures["publicity.adopted"] > 0
        for row in built.rows:
            if row.unit is not None:  # each sub-unit's row is that sub-unit's own provider figures
                child = PUBLICITY.figures(Scope(root=row.unit, date_from=scope.date_from, date_to=scope.date_to))
                assert row.counts == {lv: next(f.count for f in child if f.kind == f"publicity.{lv}")
                                      for lv in LEVELS}
        assert sum(r.total for r in built.rows) == built.total.total


def demo_has_every_state(county):
    counts = {lv: Publication.objects.filter(outlet__level=lv, adopted=True).count() for lv in LEVELS}
    assert counts["county"] > counts["city"] > counts["provincial"] > counts["central"] > 0
    assert Publication.objects.filter(published_on__year=2025).exists()
    assert Publication.objects.filter(published_on__gt=TODAY).count() == 0
    assert set(OpinionTicket.objects.values_list("state", flat=True)) == set(TicketState.values)
    assert OpinionTicket.objects.filter(overdue_q(TODAY)).exists()
    assert AlertLetter.objects.filter(year=2025, number=1).exists() and AlertLetter.objects.filter(year=2026,
                                                                                                   number=1).exists()
    assert set(OpinionDigest.objects.filter(number=1).values_list("year", flat=True)) == {2025, 2026}
    assert {"reviewing", "signed", "published"} <= set(Draft.objects.values_list("state", flat=True))
    assert set(Draft.objects.filter(state=DraftState.REVIEWING).values_list("stage", flat=True)) == {
        "first", "second", "final"}


def demo_pages_open_for_the_demo_accounts(county):
    clerk = client_for(county.users["xcb_clerk"])
    assert clerk.get("/publicity/").status_code == 200
    assert clerk.get("/publicity/bulletin/?year=2026&month=10").status_code == 200
    assert clerk.get("/publicity/opinion/?overdue=on").status_code == 200
    tampered = next(d for d in Draft.objects.filter(state=DraftState.SIGNED) if "擅自" in d.content)
    assert "终审后内容已被改动" in clerk.get(f"/publicity/drafts/{tampered.pk}/").content.decode()
    town = client_for(county.users["town_clerk"])
    assert town.get("/publicity/opinion/").status_code == 200
