"""In a browser: the side-by-side of two reports sharing a paragraph, and the late-entry chart."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from qinglian.lib.testing import PASSWORD, browser_second_factor, reseed
from qinglian.oversight.tests.conftest import YEAR, activities
from qinglian.oversight.tests.test_pages import PARAGRAPH, plant


@pytest.fixture
def planted(world, media):  # type: ignore[no-untyped-def]
    """Before the browser starts: the ORM may not run inside Playwright's event loop."""
    reseed()
    plant(world)
    day = dt.date(YEAR, 1, 28)
    activities(world.b, [(day - dt.timedelta(days=100 + i), day) for i in range(12)])
    return world


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_side_by_side_and_the_chart(planted, browser_page) -> None:
    from playwright.sync_api import expect

    page = browser_page
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page.base_url + "/login/")
    page.fill("#id_username", "supervisor")
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    browser_second_factor(page)
    page.wait_for_url(page.base_url + "/")
    page.goto(page.base_url + f"/oversight/similar/?year={YEAR}")
    page.get_by_role("link", name="逐段对照").first.click()
    page.wait_for_url(re.compile(r"/oversight/similar/(upload|generated):\d+"))
    for side in ("#left", "#right"):
        expect(page.locator(f"{side} mark.shared").filter(has_text=PARAGRAPH)).to_have_count(1)
    left, right = page.locator("#left").bounding_box(), page.locator("#right").bounding_box()
    assert left and right and left["x"] + left["width"] <= right["x"] and abs(left["y"] - right["y"]) < 2
    assert page.locator("#left mark.shared").first.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    page.screenshot(path=".tmp/screenshots/oversight-pair.png", full_page=True)
    page.goto(page.base_url + f"/oversight/late/?year={YEAR}")
    chart = page.locator("#chart-late")
    expect(chart).to_have_attribute("data-rendered", "1")
    expect(chart.locator("svg")).to_have_count(1)
    page.screenshot(path=".tmp/screenshots/oversight-late.png", full_page=True)
    assert errors == []
