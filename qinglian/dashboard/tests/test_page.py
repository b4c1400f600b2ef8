"""The dashboard page through HTTP: who may open it, what it shows, and the drill-down into the ledger."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qinglian.dashboard import snapshot
from qinglian.dashboard.tests.helpers import plant
from qinglian.lib.testing import PASSWORD, browser_second_factor, client_for


def test_a_supervisor_sees_the_county_and_a_leader_only_their_subtree(world) -> None:
    plant(world)
    snapshot.refresh()
    page = client_for(world.supervisor).get("/dashboard/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "逾期整改措施（按下级单位）" in text and "县委宣传部" in text and "县财政局" in text
    assert 'id="dashboard-charts"' in text and "vendor/echarts.min.js" in text
    leader = client_for(world.leader_a)
    mine = leader.get("/dashboard/").content.decode()
    assert "新闻宣传股" in mine and "县财政局" not in mine
    assert leader.get(f"/dashboard/?unit={world.b.pk}").status_code == 404
    assert client_for(world.clerk_a).get("/dashboard/").status_code == 403


def test_bad_periods_are_explained(world) -> None:
    snapshot.refresh()
    page = client_for(world.supervisor).get("/dashboard/?date_from=2026-05-01&date_to=2026-01-01")
    assert "早于开始日期" in page.content.decode()
    page = client_for(world.supervisor).get("/dashboard/?date_from=2026-13-01")
    assert page.status_code == 200 and "开始日期" in page.content.decode()


def test_the_drill_down_opens_the_units_overdue_rows(world) -> None:
    plant(world)
    snapshot.refresh()
    client = client_for(world.supervisor)
    page = client.get(f"/ledger/?unit={world.b.pk}&level=red").content.decode()
    assert "财政局逾期措施" in page and "宣传部逾期措施" not in page and "财政局远期措施" not in page


def test_before_the_first_refresh_the_page_says_when_figures_come(world) -> None:
    page = client_for(world.supervisor).get("/dashboard/").content.decode()
    assert "看板数据尚未生成" in page


@pytest.fixture
def planted(world):
    plant(world)
    snapshot.refresh()
    return world


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("username", ["supervisor", "leader_a"])
def test_charts_render_in_a_browser_and_a_drill_down_lands_on_the_items(planted, browser_page, username) -> None:
    from playwright.sync_api import expect

    page = browser_page
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page.base_url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    browser_second_factor(page)
    page.wait_for_url(page.base_url + "/")
    today = timezone.localdate()
    page.goto(page.base_url + f"/dashboard/?date_from={dt.date(today.year, 1, 1):%Y-%m-%d}")
    for key in ("levels", "overdue"):
        chart = page.locator(f"#chart-{key}")
        expect(chart).to_have_attribute("data-rendered", "1")
        expect(chart.locator("svg")).to_have_count(1)
    page.screenshot(path=f".tmp/screenshots/dashboard-{username}.png", full_page=True)
    link = page.locator("#h-overdue + .chart + table a").nth(1)
    link.click()
    page.wait_for_url("**/ledger/?unit=*")
    expect(page.locator("#rows")).to_contain_text("宣传部逾期措施" if username == "supervisor" else "股逾期措施")
    assert errors == []
