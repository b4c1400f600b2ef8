"""The demo county: the supervisor's view finds every planted case and flags none of the ordinary reports."""

from __future__ import annotations

import datetime as dt

import pytest

from qinglian.lib.testing import load_demo
from qinglian.org.models import User
from qinglian.oversight import claims, findings, late, similar
from qinglian.oversight.demo import ORDINARY, PLANTED
from qinglian.oversight.models import UploadedReport

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def county(db, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    load_demo("--today", TODAY.isoformat())
    return User.objects.get(username="jjz_supervisor")


def test_every_planted_case_is_found_and_nothing_else(county) -> None:
    root = county.unit  # 县委: what the 派驻纪检监察组 supervises
    # each department's responsibility report, and 县委办公室's principal's 述责述廉 of this year and last
    assert UploadedReport.objects.filter(unit__name__in=ORDINARY).count() == len(ORDINARY) + 2
    found = findings.findings(county, root, TODAY.year)
    assert sorted((f.kind, f.unit.name) for f in found) == sorted([
        ("claims", PLANTED["inflated"]), ("similar", PLANTED["shared"][1]), ("similar", PLANTED["copied"]),
        ("late", PLANTED["rush"])])
    inflated = next(r for r in claims.claim_reports(county, root, TODAY.year) if r.flagged)
    assert all(r.claimed == 2 * r.counted for r in inflated.flagged) and len(inflated.flagged) == 2
    pairs = similar.similar_pairs(root)
    assert [(p.a.unit.name, p.b.unit.name, p.same_owner) for p in pairs] == [
        (*PLANTED["shared"], False), (PLANTED["copied"], PLANTED["copied"], True)]
    assert similar.similar_pairs(root, 0.2) == pairs  # ordinary reports are far below, not just under 0.5
    assert [c.unit.name for c in late.rushes(late.late_cells(county, root, TODAY.year))] == [PLANTED["rush"]]
