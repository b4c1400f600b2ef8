"""The dashboard's counts: made from the records by the ledger's own rules, rolled up the tree, read in a fixed
handful of queries whatever the size of the tree."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from qinglian.dashboard import reading, snapshot
from qinglian.dashboard.models import Cell, Refresh
from qinglian.dashboard.tests.helpers import measure, plant
from qinglian.ledger.calendar import warning_bounds
from qinglian.ledger.models import Measure, warning_q
from qinglian.lib.testing import make_unit
from qinglian.org.scoping import subtree_q


def _cell(unit, key, day=None, metric=snapshot.MEASURE_LEVEL) -> int:
    row = Cell.objects.filter(unit=unit, metric=metric, key=key, day=day or timezone.localdate()).first()
    return row.subtree if row else 0


def test_levels_roll_up_the_tree_and_agree_with_the_ledger(world) -> None:
    plant(world)
    snapshot.refresh()
    assert _cell(world.a1, "red") == 1
    assert _cell(world.a, "red") == 2  # its own and its 股's
    assert _cell(world.b, "red") == 1
    assert _cell(world.county, "red") == 3
    assert _cell(world.county, "done") == 1
    assert _cell(world.county, "open") == 1
    bounds = warning_bounds(timezone.localdate())
    for unit in (world.county, world.a, world.b):
        for level in ("red", "yellow", "green"):
            counted = Measure.objects.filter(subtree_q(unit) & warning_q(level, bounds)).count()
            assert _cell(unit, level) == counted, (unit.name, level)


def test_a_second_refresh_replaces_the_days_counts(world) -> None:
    made = plant(world)
    snapshot.refresh()
    m = made["red_b"][0]
    m.status = "done"
    m.save()
    snapshot.refresh()
    assert _cell(world.b, "red") == 0
    assert _cell(world.county, "red") == 2
    assert Refresh.objects.count() == 1  # one kept for the month


def test_backfill_reconstructs_month_ends_from_deadlines_and_closing_dates(world) -> None:
    today = timezone.localdate()
    old = measure(world, world.b, "去年逾期后完成", today.replace(day=1) - dt.timedelta(days=70))
    old.status, old.closure, old.closed_at = "done", "closed", today.replace(day=1) - dt.timedelta(days=5)
    old.save()
    snapshot.backfill(months=2)
    ends = snapshot.month_ends(today, 2)
    # at the end of two months ago it was past its deadline and still open; by last month's end it was closed
    assert _cell(world.b, "red", ends[0]) == 1
    assert _cell(world.b, "red", ends[1]) == 0
    assert _cell(world.b, "done", ends[1]) == 1
    assert _cell(world.b, "done") == 1


def test_the_board_ranks_subordinate_units_and_links_to_their_rows(world) -> None:
    plant(world)
    snapshot.refresh()
    today = timezone.localdate()
    board = reading.board(world.county, dt.date(today.year, 1, 1), today)
    overdue = next(s for s in board.sections if s.key == "overdue")
    assert [(r[0].text, r[1].text) for r in overdue.rows] == [("县委宣传部", "2"), ("县财政局", "1")]
    assert f"unit={world.a.pk}" in overdue.rows[0][1].url and "level=red" in overdue.rows[0][1].url
    levels = next(s for s in board.sections if s.key == "levels")
    assert levels.rows[-1][1].text == "3"
    assert board.charts()["overdue"]["series"][0]["data"] == [1, 2]


def test_the_board_costs_the_same_queries_for_a_bigger_tree(world, django_assert_max_num_queries) -> None:
    plant(world)
    snapshot.refresh()
    today = timezone.localdate()
    period = (dt.date(today.year, 1, 1), today)
    with django_assert_max_num_queries(8) as small:
        reading.board(world.county, *period)
    for i in range(30):
        unit = make_unit(f"乡镇{i}", world.county)
        measure(world, unit, f"乡镇措施{i}", today - dt.timedelta(days=i + 1))
    snapshot.refresh()
    with django_assert_max_num_queries(len(small.captured_queries)):
        board = reading.board(world.county, *period)
    overdue = next(s for s in board.sections if s.key == "overdue")
    assert len(overdue.rows) == reading.RANKED


def test_nothing_refreshed_yet_says_so(world) -> None:
    today = timezone.localdate()
    board = reading.board(world.county, today.replace(day=1), today)
    assert board.as_of is None and board.sections == []
    assert not Cell.objects.filter(Q(unit=world.county)).exists()
