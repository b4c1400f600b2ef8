"""What a user reads is Chinese and in China's time: figures by name (their codes stay in URLs and JSON), a
report made 12-02 03:42 China time (12-01 19:42 UTC) dated 12-02."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from qinglian.lib import tracking
from qinglian.lib.testing import World
from qinglian.records.tests.helpers import make_activity
from qinglian.reports.models import GeneratedReport

pytestmark = pytest.mark.django_db
CODE = re.compile(r"\b[a-z]+\.[a-z_]+\b")


def visible(html: str) -> str:
    main = html.split('<main id="main"', 1)[1]
    return re.sub(r"<[^>]+>", " ", main)


def _report(world: World) -> GeneratedReport:
    report = GeneratedReport.objects.create(
        unit=world.a, genre="responsibility", date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 11, 30),
        title="县委宣传部落实党风廉政建设责任制情况报告", stored="x.docx",
        figures=[{"n": 1, "kind": "activity.central_group_study", "name": "中心组学习", "counting_unit": "次",
                  "count": 1, "text": "中心组学习1次"}])
    with tracking.bulk("测试准备"):
        GeneratedReport.objects.filter(pk=report.pk).update(created_at=dt.datetime(2026, 12, 1, 19, 42, tzinfo=dt.UTC))
    return report


def test_the_stats_page_names_figures_and_keeps_codes_in_links_only(world: World) -> None:
    make_activity(world.clerk_a, world.a, "central_group_study", dt.date(2026, 2, 10))
    html = world.client("clerk_a").get("/stats/", {"date_from": "2026-01-01", "date_to": "2026-12-31"}).content.decode()
    assert "中心组学习" in html and "kind=activity.central_group_study" in html
    assert CODE.findall(visible(html)) == []


def test_the_trace_page_names_figures(world: World) -> None:
    report = _report(world)
    html = world.client("clerk_a").get(f"/reports/{report.pk}/trace/").content.decode()
    assert "中心组学习" in html and CODE.findall(visible(html)) == []


def test_the_home_page_dates_reports_in_china_time(world: World) -> None:
    _report(world)
    html = world.client("clerk_a").get("/").content.decode()
    card = html.split("<h2>报告</h2>", 1)[1].split("</section>", 1)[0]
    assert "<dd>12-02</dd>" in card and "12-01" not in card
