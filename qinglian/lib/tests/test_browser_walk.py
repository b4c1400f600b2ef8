"""Every page a role reaches from the navigation, in a real browser, on the demo county: no console error
(a style or script the Content-Security-Policy blocks shows as one), no error page, and no code name
(ledger.sources, activity.central_group_study) in the visible text of the audit, statistics and trace pages.

Each role follows its navigation links and the first detail link of each list. Screenshots of a few pages go
to .tmp/screenshots for a person to look at. Marked `browser`: make test runs it once, on SQLite.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from qinglian.lib.testing import browser_second_factor, reseed
from qinglian.org.demo import DEMO_PASSWORD

SHOTS = Path(__file__).resolve().parents[3] / ".tmp" / "screenshots"
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]

ROLES = ["xcb_clerk", "xcb_leader", "jjz_supervisor", "sysadmin", "secadmin", "auditor"]
CODE = re.compile(r"\b[a-z]+\.[a-z_]+\b")
CODE_FREE = re.compile(r"^/(audit|stats)/|/trace/")
# Links that download a file or change something are not pages to walk.
NOT_A_PAGE = re.compile(r"\.(xlsx|docx|pdf|json|zip)$|/(export|download|evidence|scan|file|logout)/?|/files?/")
SHOT_PAGES = re.compile(r"^/(org/units|records/duties|audit|stats|ledger/sources/\d+)/$")


@pytest.fixture
def demo_county(transactional_db: None) -> dict[str, str]:
    """The demo county, built before the browser starts (the ORM may not run inside Playwright's loop). An
    earlier transactional test may have flushed the seeded kinds and outlets: seed them again first.
    Returns the three admins' TOTP keys (hex), read now for the same reason."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    reseed()
    call_command("demo", "--people", "400", stdout=io.StringIO())
    return dict(TOTPDevice.objects.filter(confirmed=True).values_list("user__username", "key"))


def _log_in(page: Any, username: str, keys: dict[str, str]) -> None:
    """The password, then for the admins (the demo's policy) the code an authenticator app would show."""
    page.context.clear_cookies()
    page.goto(page.base_url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    browser_second_factor(page, keys.get(username))
    page.wait_for_url(page.base_url + "/")


def _links(page: Any, selector: str) -> list[str]:
    hrefs = page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href'))")
    return [h for h in hrefs if h and h.startswith("/") and not h.startswith("//") and not NOT_A_PAGE.search(
        urlsplit(h).path)]


def _first_detail(page: Any, here: str) -> str | None:
    """The first link of the page's list (a table's rows, or a list of items) that leads to another page."""
    for href in _links(page, "main table tbody a[href], main ol a[href], main ul.timeline a[href]"):
        if urlsplit(href).path != urlsplit(here).path:
            return href
    return None


def test_every_role_walks_its_pages_without_a_console_error(demo_county: dict[str, str], browser_page: Any) -> None:
    page = browser_page
    SHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    where = {"url": ""}
    page.on("console", lambda m: errors.append(f"{where['url']}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"{where['url']}: {e}"))
    page.on("response", lambda r: errors.append(f"{where['url']}: {r.status} {r.url}") if r.status >= 400 else None)
    problems: list[str] = []
    walked = 0
    for username in ROLES:
        _log_in(page, username, demo_county)
        nav = list(dict.fromkeys(_links(page, "nav.sidenav a[href]")))
        assert nav, f"{username} 没有导航链接"
        queue = [(url, True) for url in nav]
        seen: set[str] = set()
        while queue:
            url, follow = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            where["url"] = f"{username} {url}"
            response = page.goto(page.base_url + url)
            walked += 1
            status = response.status if response is not None else 0
            if status >= 400:
                problems.append(f"{username} {url}: HTTP {status}")
                continue
            if CODE_FREE.search(urlsplit(url).path):
                text = re.sub(r"/\S*", " ", page.inner_text("main"))  # a refusal's summary names its path
                codes = sorted(set(CODE.findall(text)))
                if codes:
                    problems.append(f"{username} {url}: 页面上有代码 {codes[:5]}")
            if SHOT_PAGES.match(urlsplit(url).path) and username in ("xcb_clerk", "jjz_supervisor", "auditor"):
                name = f"walk-{username}-{urlsplit(url).path.strip('/').replace('/', '-') or 'home'}.png"
                if page.locator("dl.diff").count():  # the audit page: show some changes
                    page.locator("dl.diff").first.scroll_into_view_if_needed()
                page.screenshot(path=str(SHOTS / name), full_page=False)
            if follow and (detail := _first_detail(page, url)):
                queue.append((detail, False))
            queue += [(t, False) for t in _links(page, "main a[href*='/trace/']")[:1]]  # a report's figures
    assert walked > 60
    assert errors == [] and problems == [], "\n".join(errors + problems)
