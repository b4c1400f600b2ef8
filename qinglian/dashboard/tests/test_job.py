"""The worker makes the dashboard's counts: the periodic job is on the schedule and a run fills the cells."""

from __future__ import annotations

from qinglian.dashboard.models import Cell, Refresh
from qinglian.dashboard.tests.helpers import plant
from qinglian.jobs import queue
from qinglian.jobs.registry import PERIODIC
from qinglian.jobs.worker import Worker


def test_the_worker_refreshes_the_dashboard(world) -> None:
    assert PERIODIC["dashboard.refresh"].kind == "dashboard.refresh"
    plant(world)
    queue.enqueue("dashboard.refresh")
    Worker(name="test", schedule=False).run(once=True)
    assert Refresh.objects.count() == 1
    assert Cell.objects.get(unit=world.county, metric="measure.level", key="red").subtree == 3
