"""Scoring a published rule set: every unit of the publisher's subtree, with the working.

Cost: one aggregate pass per indicator's measure over the whole subtree (`catalogue.counts`, a fixed number
of queries each), then a roll-up in memory — a unit's figure covers the unit and the units below it, as the
statistics engine counts a subtree — and one bulk insert. Nothing is asked per unit.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from qinglian.appraisal import bands as band_rules
from qinglian.appraisal.catalogue import Counts, measure_for
from qinglian.appraisal.models import AppraisalIndicator, AppraisalRuleSet, IfNone
from qinglian.org.models import SEGMENT, Unit

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Scored:
    unit: Unit
    total: Decimal
    grade: str
    working: list[dict[str, Any]]


def as_of_for(rule_set: AppraisalRuleSet, today: dt.date) -> dt.date:
    """The last day counted: today, within the set's year."""
    return min(max(today, dt.date(rule_set.year, 1, 1)), dt.date(rule_set.year, 12, 31))


def rolled_up(own: Counts, units: list[Unit]) -> dict[int, tuple[int, int]]:
    """Each unit's subtree total from the units' own counts (paths: a unit's ancestors are its prefixes)."""
    by_path = {u.path: u.pk for u in units}
    path_of = {u.pk: u.path for u in units}
    total: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for unit_id, (num, den) in own.items():
        path = path_of.get(unit_id)
        if path is None:
            continue
        for end in range(SEGMENT, len(path) + 1, SEGMENT):
            ancestor = by_path.get(path[:end])
            if ancestor is not None:
                cell = total[ancestor]
                cell[0] += num
                cell[1] += den
    return {pk: (num, den) for pk, (num, den) in total.items()}


def rate(num: int, den: int) -> Decimal | None:
    return None if den == 0 else band_rules.tenth(Decimal(num) * HUNDRED / Decimal(den))


def indicator_working(indicator: AppraisalIndicator, num: int, den: int) -> dict[str, Any]:
    """One indicator's line of the working: the figure, the band applied, the points."""
    measure = measure_for(indicator.measure)
    value = rate(num, den)
    bands = band_rules.from_lists(indicator.bands) if indicator.bands else band_rules.default_bands(indicator.weight)
    if value is None:
        points = indicator.weight if indicator.if_none == IfNone.FULL else Decimal(0)
        band = f"无应考核事项，{IfNone(indicator.if_none).label}"
    else:
        chosen = band_rules.band_for(bands, value)
        points, band = min(chosen.points(value), indicator.weight), chosen.describe()
    return {"indicator": indicator.pk, "measure": indicator.measure, "name": indicator.name,
            "weight": str(indicator.weight), "numerator": num, "denominator": den,
            "value": None if value is None else str(value), "band": band, "points": str(points),
            "basis": measure.basis(num, den) + (f"，完成率{value}%" if value is not None else "")}


def score_all(rule_set: AppraisalRuleSet, as_of: dt.date) -> list[Scored]:
    indicators = list(AppraisalIndicator.objects.filter(rule_set=rule_set).order_by("order", "pk"))
    units = list(Unit.objects.subtree(rule_set.unit).order_by("path").only("pk", "path", "name", "full_name"))
    figures: dict[str, dict[int, tuple[int, int]]] = {}
    for key in {i.measure for i in indicators}:
        figures[key] = rolled_up(measure_for(key).counts(rule_set.unit, rule_set.year, as_of), units)
    result = []
    for unit in units:
        working = [indicator_working(i, *figures[i.measure].get(unit.pk, (0, 0))) for i in indicators]
        total = sum((Decimal(w["points"]) for w in working), Decimal(0))
        result.append(Scored(unit=unit, total=total, grade=rule_set.grade(total), working=working))
    return result


def unit_figure(indicator: AppraisalIndicator, unit: Unit, year: int, as_of: dt.date) -> tuple[int, int]:
    """The figure of one unit's subtree counted afresh from its trace (the records behind it): what the page
    compares with the working kept."""
    rows = measure_for(indicator.measure).trace(unit, year, as_of)
    return sum(1 for r in rows if r.counted), len(rows)
