"""The UI shell in a real browser: log in with the keyboard, see the unit, the navigation and the people."""

from __future__ import annotations

from pathlib import Path

import pytest

from qinglian.lib.testing import PASSWORD, World, browser_second_factor

SHOTS = Path(__file__).resolve().parents[3] / ".tmp" / "screenshots"
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_clerk_logs_in_with_the_keyboard_and_sees_only_their_unit(world: World, browser_page) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    SHOTS.mkdir(parents=True, exist_ok=True)
    console_errors: list[str] = []  # e.g. a style or script the Content-Security-Policy blocks
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.goto(page.base_url + "/")
    assert page.url.endswith("/login/?next=/")
    page.keyboard.type("clerk_a")  # the username field has focus
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    browser_second_factor(page)  # the world's policy asks business roles for it: enrolment, in the browser
    page.wait_for_url(page.base_url + "/")
    assert "县委宣传部" in page.inner_text(".topbar")
    assert page.is_visible("nav.sidenav >> text=干部")
    page.click("nav.sidenav >> text=干部")
    rows = page.inner_text("#rows")
    assert "张干事" in rows and "陈科员" not in rows
    page.screenshot(path=str(SHOTS / "people-clerk.png"), full_page=True)
    # htmx is loaded from our own static files (no CDN) and filters without a full reload.
    assert page.evaluate("typeof htmx") == "object"
    from playwright.sync_api import expect

    page.fill("input[name=q]", "赵")
    expect(page.locator("#rows")).not_to_contain_text("张干事")
    expect(page.locator("#rows")).to_contain_text("赵股长")
    assert console_errors == []


def test_wrong_password_shows_a_chinese_message(world: World, browser_page) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    page.goto(page.base_url + "/login/")
    page.fill("#id_username", "clerk_a")
    page.fill("#id_password", "Wrong#Pass999")
    page.click("button[type=submit]")
    assert "用户名或密码错误" in page.inner_text(".form-errors")
    page.screenshot(path=str(SHOTS / "login-error.png"))
