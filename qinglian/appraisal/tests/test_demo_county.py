"""The demo county's scores reproduce from the working: each unit's points add up to its total, each line's
band gives its points, and each measured figure is counted again here, independently, from the records."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest

from qinglian.appraisal import bands as band_rules
from qinglian.appraisal.models import AppraisalRuleSet, AppraisalScore, RuleSetState
from qinglian.ledger.models import Closure, Measure
from qinglian.lib.testing import client_for, load_demo
from qinglian.org.models import Unit, User
from qinglian.records.models import Letter

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)


def on_time_by_hand(unit: Unit) -> tuple[int, int]:
    """Measures of the subtree due from 1 January to TODAY; those 销号 on or before their deadline."""
    rows = [m for m in Measure.objects.all().select_related("unit")
            if m.unit.path.startswith(unit.path) and m.deadline and dt.date(2026, 1, 1) <= m.deadline <= TODAY]
    done = [m for m in rows if m.closure == Closure.CLOSED and m.closed_at and m.closed_at <= m.deadline]
    return len(done), len(rows)


def letters_by_hand(unit: Unit) -> tuple[int, int]:
    rows = [x for x in Letter.objects.filter(year=2026).select_related("unit") if x.unit.path.startswith(unit.path)]
    return sum(1 for x in rows if x.signed_on and x.signed_on <= TODAY), len(rows)


def test_demo_county_scores_reproduce_from_the_working():
    load_demo("--today", TODAY.isoformat())
    rule_set = AppraisalRuleSet.objects.get(unit__kind="county", year=2026)
    assert rule_set.state == RuleSetState.PUBLISHED
    run = rule_set.runs.get()
    scores = list(AppraisalScore.objects.filter(run=run).select_related("unit"))
    assert len(scores) == Unit.objects.count() == run.units
    for s in scores:
        assert sum(Decimal(w["points"]) for w in s.working) == s.total
        assert s.grade == rule_set.grade(s.total)
        for w, indicator in zip(s.working, rule_set.indicators.order_by("order", "pk"), strict=True):
            if w["value"] is None:
                assert w["denominator"] == 0
                continue
            value = band_rules.tenth(Decimal(w["numerator"]) * 100 / Decimal(w["denominator"]))
            assert Decimal(w["value"]) == value
            band = band_rules.band_for(band_rules.from_lists(indicator.bands), value)
            assert band.describe() == w["band"] and Decimal(w["points"]) == band.points(value)
    by_unit = {s.unit.pk: s for s in scores}
    county = Unit.objects.get(kind="county")
    checked = Counter()
    for unit in [county, *Unit.objects.filter(parent=county), *Unit.objects.filter(kind="department")[:40]]:
        lines = {w["measure"]: w for w in by_unit[unit.pk].working}
        for key, by_hand in (("ledger.on_time", on_time_by_hand), ("records.letters", letters_by_hand)):
            assert (lines[key]["numerator"], lines[key]["denominator"]) == by_hand(unit), (unit.name, key)
            checked[key] += lines[key]["denominator"] > 0
    assert checked["ledger.on_time"] > 0 and checked["records.letters"] > 0  # the demo has something to count
    assert any(w["denominator"] for w in by_unit[county.pk].working if w["measure"] == "records.duties")

    # a unit sees its own score and the working, with the records behind each line; not a sibling's
    clerk = User.objects.get(username="xcb_clerk")
    own = by_unit[clerk.unit_id]
    client = client_for(clerk)
    page = client.get(f"/appraisal/scores/{own.pk}/")
    assert page.status_code == 200 and f"{own.total}分" in page.content.decode()
    for w in own.working:
        trace = client.get(f"/appraisal/scores/{own.pk}/indicators/{w['indicator']}/")
        assert trace.status_code == 200 and "与计分时一致" in trace.content.decode()
    sibling = next(s for s in scores if s.unit.parent_id == clerk.unit.parent_id and s.unit.pk != clerk.unit_id)
    assert client.get(f"/appraisal/scores/{sibling.pk}/").status_code == 404
    listed = client.get(f"/appraisal/runs/{run.pk}/").content.decode()
    assert clerk.unit.name in listed and sibling.unit.name not in listed
