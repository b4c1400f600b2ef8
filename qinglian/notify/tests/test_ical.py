"""The private calendar feed: reached by its token alone, titles and dates only (a sensitive item by its neutral
title), the token reset by its owner makes the old address answer 404, rate-limited per token and audited."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from qinglian.audit.models import AuditEntry
from qinglian.ledger.models import Measure
from qinglian.lib import tracking
from qinglian.notify.ical import calendar_reset, token_hash
from qinglian.notify.models import CalendarFeed
from qinglian.notify.tests.delivery_setup import measure

DUE = dt.date(2026, 6, 30)


def _events(response) -> dict[str, dict[str, object]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content.decode()
    return {str(e.get("summary")): {"day": e.decoded("dtstart"), "url": str(e.get("url"))}
            for e in Calendar.from_ical(response.content).walk("VEVENT")}


def test_the_owner_resets_the_address_and_the_old_one_answers_404(world) -> None:  # type: ignore[no-untyped-def]
    measure(world, "规范公务接待审批", DUE, owner=world.staff_a)
    clerk = world.client("clerk_a")
    assert clerk.get("/notify/calendar/reset/").status_code == 405
    page = clerk.get(clerk.post("/notify/calendar/reset/")["Location"]).content.decode()
    first = re.search(r'value="https?://[^"]+/notify/feed/([^"/]+)\.ics"', page)
    assert first, "the new address is shown once after it is made"
    assert "/notify/feed/" not in clerk.get("/notify/").content.decode()  # and only once
    feed = CalendarFeed.objects.get(user=world.clerk_a)
    assert feed.token_hash == token_hash(first[1]) and first[1] not in feed.token_hash  # only its hash is kept

    calendar = Client()  # a calendar app: no session
    assert "整改时限：规范公务接待审批" in _events(calendar.get(f"/notify/feed/{first[1]}.ics"))
    second = calendar_reset(user=world.clerk_a)
    assert calendar.get(f"/notify/feed/{first[1]}.ics").status_code == 404
    assert calendar.get(f"/notify/feed/{second}.ics").status_code == 200
    assert calendar.get("/notify/feed/guess.ics").status_code == 404


def test_titles_and_dates_only_and_a_sensitive_item_by_its_neutral_title(world) -> None:  # type: ignore[no-untyped-def]
    due = timezone.localdate() + dt.timedelta(days=30)  # the feed is read as of today
    world.clerk_a.clearance = "sensitive"
    world.clerk_a.save(update_fields=["clearance"])
    open_ = measure(world, "建立宣传经费台账", due, owner=world.staff_a)
    secret = measure(world, "退还违规收受的购物卡", due + dt.timedelta(days=3), owner=world.staff_a,
                     label="sensitive", problem_text="某干部收受购物卡问题")
    done = measure(world, "已完成的措施", due, owner=world.staff_a)
    with tracking.bulk("测试准备"):
        Measure.objects.filter(pk=done.pk).update(status="done")
    body = Client().get(f"/notify/feed/{calendar_reset(user=world.clerk_a)}.ics")
    events = _events(body)
    text = body.content.decode()
    assert "购物卡" not in text and "退还" not in text
    assert events["整改时限：建立宣传经费台账"] == {
        "day": due, "url": f"http://127.0.0.1:8000/ledger/measures/{open_.pk}/"}
    assert events["您有一项整改事项即将到期"]["day"] == due + dt.timedelta(days=3)
    assert events["您有一项整改事项即将到期"]["url"].endswith(f"/ledger/measures/{secret.pk}/")
    assert all("DESCRIPTION" not in line for line in text.splitlines())
    assert "已完成的措施" not in text and len(events) == 2


def test_fetches_are_limited_per_token_and_audited(world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.QINGLIAN_CALENDAR_PER_HOUR = 3
    token = calendar_reset(user=world.clerk_a)
    before = AuditEntry.objects.count()
    calendar = Client()
    assert [calendar.get(f"/notify/feed/{token}.ics").status_code for _ in range(3)] == [200, 200, 200]
    refused = calendar.get(f"/notify/feed/{token}.ics")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "每小时最多 3 次" in refused.content.decode()
    fetched = AuditEntry.objects.filter(pk__gt=0, summary__startswith="日历订阅").order_by("pk")
    assert AuditEntry.objects.count() - before == 3 == fetched.count()
    assert {(e.actor_id, e.action, e.object_type) for e in fetched} == {(world.clerk_a.pk, "export",
                                                                          "notify.calendarfeed")}
    # another account's token has its own count
    assert Client().get(f"/notify/feed/{calendar_reset(user=world.leader_a)}.ics").status_code == 200


def test_the_feed_is_the_one_page_a_token_reaches_without_logging_in(world) -> None:  # type: ignore[no-untyped-def]
    token = calendar_reset(user=world.clerk_a)
    anonymous = Client()
    assert anonymous.get(f"/notify/feed/{token}.ics").status_code == 200
    for path in ("/notify/", "/notify/mail/"):
        assert anonymous.get(path)["Location"].startswith("/login/")
    # a disabled account's feed stops at once
    world.clerk_a.is_active = False
    world.clerk_a.save(update_fields=["is_active"])
    assert anonymous.get(f"/notify/feed/{token}.ics").status_code == 404
