"""The JSON endpoint, the stats pages and `qinglian stats`, on data built here."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from qinglian.records.tests.helpers import make_activity

D = dt.date


@pytest.fixture
def data(world):
    w = world
    make_activity(w.clerk_a, w.a, "central_group_study", D(2023, 2, 10))
    make_activity(w.clerk_a, w.a1, "central_group_study", D(2023, 6, 10), people=[w.staff_a1])
    make_activity(w.clerk_a, w.a, "central_group_study", D(2023, 7, 10), entered=D(2023, 9, 30))  # 补录
    make_activity(w.clerk_a, w.a, "admonition_talk", D(2023, 3, 1), talked_to=[w.member_a, w.staff_a])
    make_activity(w.clerk_b, w.b, "central_group_study", D(2023, 2, 10))
    return w


def figures_of(body):
    return {f["kind"]: f for f in body["figures"]}


def test_json_endpoint_counts_the_subtree_and_lists_records_on_request(data):
    client = data.client("clerk_a")
    url = f"/stats/figures.json?unit={data.a.pk}&from=2023-01-01&to=2023-12-31"
    body = client.get(url).json()
    got = figures_of(body)
    assert got["activity.central_group_study"]["count"] == 3
    assert got["activity.central_group_study"]["late"] == 1
    assert got["activity.admonition_talk"]["count"] == 2
    assert got["activity.admonition_talk"]["counting_unit"] == "人次"
    assert "records" not in body
    body = client.get(url + "&records=activity.central_group_study").json()
    assert len(body["records"]) == 3 and [r["late"] for r in body["records"]] == [False, False, True]
    assert all(r["type"] == "records.activity" for r in body["records"])


def test_json_endpoint_scoping_and_errors(data):
    url = "/stats/figures.json?unit={}&from=2023-01-01&to=2023-12-31"
    assert data.client("clerk_b").get(url.format(data.a.pk)).status_code == 404
    assert data.client("clerk_a").get(url.format(data.county.pk)).status_code == 404
    assert data.client("clerk_a").get(url.format(999999)).status_code == 404
    county = data.client("supervisor").get(url.format(data.county.pk)).json()
    assert figures_of(county)["activity.central_group_study"]["count"] == 4
    for admin in ("sysadmin", "secadmin", "auditor"):
        assert data.client(admin).get(url.format(data.a.pk)).status_code == 403
    bad = data.client("clerk_a").get(f"/stats/figures.json?unit={data.a.pk}&from=2023-12-31&to=2023-01-01")
    assert bad.status_code == 400 and "早于开始日期" in bad.json()["error"]
    bad = data.client("clerk_a").get(f"/stats/figures.json?unit={data.a.pk}&from=2023-1-1x&to=2023-01-01")
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.json()["error"]
    unknown = data.client("clerk_a").get(url.format(data.a.pk) + "&records=activity.nope")
    assert unknown.status_code == 404


def test_stats_page_links_each_figure_to_its_records(data):
    client = data.client("supervisor")
    page = client.get(f"/stats/?unit={data.a.pk}&date_from=2023年1月1日&date_to=2023-12-31").content.decode()
    assert "中心组学习" in page
    link = (f"/stats/records/?unit={data.a.pk}&date_from=2023-01-01&date_to=2023-12-31"
            "&kind=activity.central_group_study")
    assert link in page
    records = client.get(link).content.decode()
    assert "中心组学习：3次" in records and "补录" in records
    bad = client.get(f"/stats/?unit={data.a.pk}&date_from=2023-12-31&date_to=2023-01-01").content.decode()
    assert "早于开始日期" in bad
    assert data.client("clerk_b").get(f"/stats/?unit={data.a.pk}").status_code == 404
    assert data.client("clerk_b").get(link).status_code == 404


def run(*args):
    out = io.StringIO()
    call_command("stats", *args, stdout=out)
    return out.getvalue()


def test_cli_json_and_records(data):
    rows = json.loads(run("--unit", str(data.a.pk), "--from", "2023-01-01", "--to", "2023-12-31", "--json"))
    got = {r["kind"]: r for r in rows}
    assert set(got["activity.central_group_study"]) == {"kind", "name", "counting_unit", "count", "late"}
    assert (got["activity.central_group_study"]["count"], got["activity.central_group_study"]["late"]) == (3, 1)
    assert got["activity.admonition_talk"] == {"kind": "activity.admonition_talk", "name": "约谈",
                                               "counting_unit": "人次", "count": 2, "late": 0}
    rows = json.loads(run("--unit", "县委宣传部", "--from", "2023-01-01", "--to", "2023-12-31", "--json",
                          "--records", "--kind", "activity."))
    study = next(r for r in rows if r["kind"] == "activity.central_group_study")
    assert len(study["records"]) == 3 and study["records"][0]["type"] == "records.activity"
    assert all(r["kind"].startswith("activity.") for r in rows)
    text = run("--unit", str(data.county.pk), "--from", "2023年1月1日", "--to", "2023-12-31")
    assert "中心组学习：4次（其中补录 1）" in text


def test_cli_errors_are_chinese(data):
    with pytest.raises(CommandError, match="早于开始日期"):
        run("--unit", str(data.a.pk), "--from", "2023-12-31", "--to", "2023-01-01")
    with pytest.raises(CommandError, match="找不到单位"):
        run("--unit", "没有这个单位", "--from", "2023-01-01", "--to", "2023-12-31")
    with pytest.raises(CommandError, match="--from"):
        run("--unit", str(data.a.pk), "--to", "2023-12-31")


def test_rebuild(data):
    assert "统计预汇总" in run("--rebuild")
    rows = json.loads(run("--unit", str(data.a.pk), "--from", "2023-01-01", "--to", "2023-12-31", "--json"))
    assert {r["kind"]: r["count"] for r in rows}["activity.central_group_study"] == 3
