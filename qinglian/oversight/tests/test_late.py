"""Late entry (补录) by unit and month: a month where a unit entered mostly old records is a rush."""

from __future__ import annotations

import datetime as dt

from qinglian.oversight import late
from qinglian.oversight.tests.conftest import YEAR, activities


def test_a_year_end_rush_is_found_and_ordinary_late_entries_are_not(world) -> None:
    rush_day = dt.date(YEAR, 1, 28)
    activities(world.a, [(rush_day - dt.timedelta(days=200 + i), rush_day) for i in range(12)])
    activities(world.a, [(rush_day, rush_day)] * 3)
    activities(world.b, [(dt.date(YEAR, 1, 2), dt.date(YEAR, 1, 20))] * 20)  # on time
    activities(world.b, [(dt.date(YEAR - 1, 11, 2), dt.date(YEAR, 1, 20))] * 3)  # a few late: no rush
    cells = late.late_cells(world.supervisor, world.county, YEAR)
    by_unit = {(c.unit, c.month): c for c in cells}
    assert by_unit[(world.a, 1)].late == 12 and by_unit[(world.a, 1)].entered == 15 and by_unit[(world.a, 1)].rush
    assert by_unit[(world.b, 1)].late == 3 and not by_unit[(world.b, 1)].rush
    assert [c.unit for c in late.rushes(cells)] == [world.a]
    assert by_unit[(world.a, 1)].oldest == rush_day - dt.timedelta(days=211)
    spec = late.chart(cells)
    assert spec["categories"][0] == "1月" and spec["series"][0] == {"name": world.a.name, "data": [12] + [0] * 11}
    # a leader of the other unit sees only its own subtree
    assert {c.unit for c in late.late_cells(world.clerk_b, world.b, YEAR)} == {world.b}
