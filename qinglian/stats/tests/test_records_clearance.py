"""The records behind a figure, for a reader: a record above the reader's clearance is counted and listed by
its date, but what it says (a talk's topic) and its link are withheld — on the statistics page, its JSON and a
draft's trace page alike; a reader cleared for it sees it."""

from __future__ import annotations

import datetime as dt

from qinglian.lib.models import SecurityLabel
from qinglian.lib.testing import World
from qinglian.records.models import Activity, ActivityKind
from qinglian.records.services import tally_rebuild
from qinglian.reports.models import GeneratedReport
from qinglian.reports.services import report_generate

TOPIC = "关于某工程招投标问题的专题学习"
DAY = dt.date(2024, 5, 6)
PERIOD = {"unit": "", "date_from": "2024-01-01", "date_to": "2024-12-31", "kind": "activity.central_group_study"}


def _sensitive(world: World) -> Activity:
    kind = ActivityKind.objects.get(code="central_group_study")
    plain = Activity.objects.create(unit=world.a, kind=kind, happened_on=DAY, topic="一季度中心组学习")
    assert plain.security_label == SecurityLabel.INTERNAL
    hidden = Activity.objects.create(unit=world.a, kind=kind, happened_on=DAY, topic=TOPIC,
                                     security_label=SecurityLabel.SENSITIVE)
    tally_rebuild()
    return hidden


def _clear(user, label: str) -> None:  # type: ignore[no-untyped-def]
    user.clearance = label
    user.save(update_fields=["clearance"])


def test_the_statistics_records_withhold_what_a_record_above_the_clearance_says(world: World) -> None:
    hidden = _sensitive(world)
    _clear(world.clerk_a, SecurityLabel.INTERNAL)
    client = world.client("clerk_a")
    query = {**PERIOD, "unit": world.a.pk}
    page = client.get("/stats/records/", query).content.decode()
    assert TOPIC not in page and "一季度中心组学习" in page and "内容按密级不予显示" in page
    assert f"/records/activities/{hidden.pk}/" not in page
    data = client.get("/stats/figures.json", {"unit": world.a.pk, "from": "2024-01-01", "to": "2024-12-31",
                                              "records": PERIOD["kind"]}).json()
    assert len(data["records"]) == 2 and sum(r["weight"] for r in data["records"]) == 2  # still counted
    assert TOPIC not in str(data["records"])
    _clear(world.clerk_a, SecurityLabel.SENSITIVE)
    assert TOPIC in world.client("clerk_a").get("/stats/records/", query).content.decode()


def test_a_drafts_trace_withholds_it_too(world: World) -> None:
    _sensitive(world)
    _clear(world.clerk_a, SecurityLabel.INTERNAL)
    report = report_generate(user=world.clerk_a, unit=world.a, genre="responsibility", date_from=dt.date(2024, 1, 1),
                             date_to=dt.date(2024, 12, 31))
    assert isinstance(report, GeneratedReport)
    client = world.client("clerk_a")
    trace = client.get(f"/reports/{report.pk}/trace/").content.decode()
    assert "一季度中心组学习" in trace and TOPIC not in trace
    appendix = client.get(f"/reports/{report.pk}/trace.xlsx")
    assert appendix.status_code == 200 and TOPIC.encode() not in appendix.content
    _clear(world.clerk_a, SecurityLabel.SENSITIVE)
    assert TOPIC in world.client("clerk_a").get(f"/reports/{report.pk}/trace/").content.decode()
