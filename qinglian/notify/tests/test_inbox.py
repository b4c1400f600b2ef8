"""The inbox: the unread count in the top bar (one COUNT per page), mark read and mark all read (POST with
CSRF), filter by kind, pagination; one account never reaches another's messages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qinglian.lib.testing import PASSWORD, browser_second_factor, login
from qinglian.notify.models import Message

NOW = timezone.make_aware(dt.datetime(2026, 6, 30, 8, 30))


def _messages(user, n: int, kind: str = "measure", start: int = 0) -> list[Message]:  # type: ignore[no-untyped-def]
    return Message.objects.bulk_create([
        Message(user=user, kind=kind, title=f"整改措施：第{i}项", body="整改措施 · 即将到期", link=f"/ledger/measures/{i}/",
                created_at=NOW + dt.timedelta(minutes=i)) for i in range(start, start + n)])


def test_the_top_bar_counts_unread_messages_with_one_query(world) -> None:  # type: ignore[no-untyped-def]
    clerk = world.client("clerk_a")
    page = clerk.get("/ledger/mine/").content.decode()
    assert '>消息</a>' in page  # nothing unread: no badge
    _messages(world.clerk_a, 3)
    _messages(world.clerk_b, 5)
    with CaptureQueriesContext(connection) as queries:
        page = clerk.get("/ledger/mine/").content.decode()
    assert 'aria-label="消息，3 条未读"' in page and '<span class="tag tag-red">3</span>' in page
    counting = [q["sql"] for q in queries.captured_queries if "notify_message" in q["sql"]]
    assert len(counting) == 1 and "COUNT" in counting[0].upper()


def test_mark_one_read_mark_all_read_and_filter_by_kind(world) -> None:  # type: ignore[no-untyped-def]
    rows = _messages(world.clerk_a, 2) + _messages(world.clerk_a, 2, kind="order", start=10)
    clerk = world.client("clerk_a")
    page = clerk.get("/notify/?kind=order").content.decode()
    assert "第10项" in page and "第0项" not in page
    assert 'href="/ledger/measures/10/"' in page  # straight to the item
    assert clerk.get(f"/notify/messages/{rows[0].pk}/read/").status_code == 405
    response = clerk.post(f"/notify/messages/{rows[0].pk}/read/", {"kind": "measure", "page": "1"})
    assert response["Location"] == "/notify/?kind=measure&page=1"
    assert Message.objects.filter(read_at__isnull=True).count() == 3
    clerk.post("/notify/messages/read-all/", {"kind": "order"})
    assert set(Message.objects.filter(read_at__isnull=True).values_list("kind", flat=True)) == {"measure"}
    assert "第1项" in clerk.get("/notify/?unread=on").content.decode()
    assert "第10项" not in clerk.get("/notify/?unread=on").content.decode()
    clerk.post("/notify/messages/read-all/")
    assert not Message.objects.filter(read_at__isnull=True).exists()
    page = clerk.get("/notify/").content.decode()
    assert page.count('<span class="tag tag-grey">已读</span>') == 4 and "tag-red\">未读" not in page


def test_another_accounts_message_is_out_of_reach(world) -> None:  # type: ignore[no-untyped-def]
    [theirs] = _messages(world.clerk_b, 1)
    clerk = world.client("clerk_a")
    clerk.post(f"/notify/messages/{theirs.pk}/read/")
    clerk.post("/notify/messages/read-all/")
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "第0项" not in clerk.get("/notify/").content.decode()


def test_posts_need_the_csrf_token(world) -> None:  # type: ignore[no-untyped-def]
    [mine] = _messages(world.clerk_a, 1)
    strict = login(Client(enforce_csrf_checks=True), world.clerk_a)
    assert strict.post(f"/notify/messages/{mine.pk}/read/").status_code == 403
    assert strict.post("/notify/messages/read-all/").status_code == 403
    mine.refresh_from_db()
    assert mine.read_at is None


def test_pages_of_thirty_newest_first(world) -> None:  # type: ignore[no-untyped-def]
    _messages(world.clerk_a, 31)
    clerk = world.client("clerk_a")
    first = clerk.get("/notify/").content.decode()
    assert "第30项" in first and "第0项" not in first and "下一页" in first
    second = clerk.get("/notify/?page=2").content.decode()
    assert "第0项" in second and "第30项" not in second
    assert "还没有消息" in world.client("clerk_b").get("/notify/").content.decode()


@pytest.fixture
def two_unread(world):  # type: ignore[no-untyped-def]
    _messages(world.clerk_a, 2)  # before the browser starts: the ORM may not run inside Playwright's loop
    return world


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_inbox_by_keyboard_in_a_browser(two_unread, browser_page) -> None:  # type: ignore[no-untyped-def]
    """From the top bar's count to marking a message read, with the keyboard alone; nothing blocked by the CSP."""
    from playwright.sync_api import expect

    page = browser_page
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(page.base_url + "/login/")
    page.fill("#id_username", "clerk_a")
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    browser_second_factor(page)
    badge = page.locator(".who a[href='/notify/']")
    expect(badge).to_have_attribute("aria-label", "消息，2 条未读")
    badge.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(page.base_url + "/notify/")
    first = page.locator("table.inbox td form button").first
    first.focus()
    expect(first).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator(".who a[href='/notify/']")).to_have_attribute("aria-label", "消息，1 条未读")
    expect(page.locator("tr.unread")).to_have_count(1)
    Path(".tmp/screenshots").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=".tmp/screenshots/notify-inbox.png", full_page=True)
    assert errors == []
