"""The private iCalendar feed of one account: its deadlines and planned 回头看 for calendar apps (Outlook, WPS
calendar, phones) that subscribe to an address and cannot log in.

The one path reached by a token alone (docs/decisions.md): the token is 256 random bits shown to its owner
once, only its SHA-256 is stored, resetting it makes the old address answer 404; the feed carries titles and
dates only — a sensitive item by its neutral title — is limited to QINGLIAN_CALENDAR_PER_HOUR fetches per
token and hour (429, in Chinese), and each fetch is audited under the account.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from qinglian.lib.models import SecurityLabel
from qinglian.notify.models import KIND_LABELS, CalendarFeed, Reminder

FEED_KIND = "calendar"  # RateCounter.kind of the fetches (one row per token)
WINDOW = 3600
PAST_DAYS = 60  # reminders of items due this long ago still show (an overdue item stays on the calendar)
MAX_EVENTS = 1000


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_prefix() -> str:
    """The path every feed address starts with (the log-in gates let exactly these through)."""
    return str(reverse("notify:calendar_feed", args=["x"])).rsplit("/", 1)[0] + "/"


def feed_url(token: str) -> str:
    from qinglian.notify.mail import absolute

    return absolute(reverse("notify:calendar_feed", args=[token]))


def calendar_reset(*, user: Any, now: dt.datetime | None = None) -> str:
    """A new token for `user`'s feed (the old address stops working); returns the token, never stored."""
    from qinglian.audit.models import Action
    from qinglian.audit.services import audit_log

    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        feed, created = CalendarFeed.objects.update_or_create(
            user=user, defaults={"token_hash": token_hash(token), "created_at": now or timezone.now()})
        audit_log(action=str(Action.UPDATE), actor=user, obj=feed,
                  summary="生成日历订阅地址" if created else "重置日历订阅地址（原地址失效）")
    return token


def feed_for(token: str) -> CalendarFeed | None:
    if not token or len(token) > 100:
        return None
    feed: CalendarFeed | None = CalendarFeed.objects.select_related("user", "user__person").filter(
        token_hash=token_hash(token), user__is_active=True).first()
    return feed


def fetch_allowed(feed: CalendarFeed, now: dt.datetime | None = None) -> int | None:
    """Count one fetch of `feed`; None when allowed, else the seconds until the next window (Retry-After).
    The counter is the rate limits' (qinglian.limits: the shared cache, else one row per token)."""
    from qinglian.limits.services import window_counts

    if settings.QINGLIAN_RATE_LIMITS_OFF:
        return None
    stamp = (now or timezone.now()).timestamp()
    start = int(stamp // WINDOW) * WINDOW
    [count] = window_counts(FEED_KIND, [f"feed:{feed.pk}"], start, WINDOW)
    if count <= settings.QINGLIAN_CALENDAR_PER_HOUR:
        return None
    return max(1, int(start + WINDOW - stamp))


# -- events ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Event:
    uid: str
    title: str
    day: dt.date
    url: str
    kind: str


def _is_open(*labels: str) -> bool:
    return all(label in (SecurityLabel.PUBLIC, SecurityLabel.INTERNAL) for label in labels)


def calendar_events(user: Any, today: dt.date) -> list[Event]:
    """The user's deadlines: open measures they are 责任人 or 责任领导 of (all their deadlines, not only the
    ones in a reminder window), the open 督办 on those measures, the planned 回头看 of those problems, and every
    other item they were reminded of that is due from PAST_DAYS ago on. Titles and dates only; a sensitive item
    by its neutral title."""
    from qinglian.ledger.models import (
        ACTIVE_STATUSES,
        Closure,
        FollowUp,
        FollowUpResult,
        Measure,
        OrderState,
        SupervisionOrder,
    )
    from qinglian.notify.delivery import neutral_title

    person_id = user.person_id
    if person_id is None:
        return []
    since = today - dt.timedelta(days=PAST_DAYS)
    events: dict[str, Event] = {}

    def add(key: str, title: str, day: dt.date, url: str) -> None:
        events[key] = Event(key, title, day, url, key.split(":")[0])

    mine = Q(owner_id=person_id) | Q(leader_in_charge_id=person_id)
    measures = (Measure.objects.filter(mine, status__in=ACTIVE_STATUSES, deadline__isnull=False)
                .exclude(closure=Closure.CLOSED).order_by("deadline", "pk")
                .values_list("pk", "text", "deadline", "security_label", "problem__security_label"))
    for pk, text, deadline, label, problem_label in measures[:MAX_EVENTS]:
        level = "red" if deadline < today else "upcoming"
        add(f"measure:{pk}", f"整改时限：{text[:60]}" if _is_open(label, problem_label)
            else neutral_title("measure", level), deadline, reverse("ledger:measure", args=[pk]))
    theirs = Q(measure__owner_id=person_id) | Q(measure__leader_in_charge_id=person_id)
    orders = (SupervisionOrder.objects.filter(theirs, state=OrderState.OPEN, due_date__gte=since).distinct()
              .values_list("pk", "content", "due_date", "security_label", "problem__security_label", "problem_id"))
    for pk, content, due, label, problem_label, problem_id in orders[:MAX_EVENTS]:
        add(f"order:{pk}", f"督办答复时限：{content[:60]}" if _is_open(label, problem_label)
            else neutral_title("order", "upcoming"), due, reverse("ledger:problem", args=[problem_id]))
    theirs = Q(problem__measures__owner_id=person_id) | Q(problem__measures__leader_in_charge_id=person_id)
    follow_ups = (FollowUp.objects.filter(theirs, result=FollowUpResult.PENDING, scheduled_date__gte=since)
                  .distinct().values_list("pk", "scheduled_date", "problem_id"))
    for pk, day, problem_id in follow_ups[:MAX_EVENTS]:
        add(f"followup:{pk}", "回头看（计划开展）", day, reverse("ledger:problem", args=[problem_id]))
    reminders = (Reminder.objects.filter(person_id=person_id, due__gte=since)
                 .exclude(kind__in=["measure", "order", "followup"])
                 .order_by("key", "-created_at").values_list("key", "title", "due", "url", "kind"))
    for key, title, due, url, kind in reminders[:MAX_EVENTS]:
        if key not in events:  # the newest reminder of each item (its title is already neutral if sensitive)
            add(key, title if kind == "holiday" else f"{KIND_LABELS.get(kind, kind)}：{title}", due, url)
    return sorted(events.values(), key=lambda e: (e.day, e.uid))[:MAX_EVENTS]


def feed_ics(user: Any, *, today: dt.date, now: dt.datetime | None = None) -> bytes:
    """The feed as RFC 5545 text: one all-day event per deadline, with the item's address."""
    from icalendar import Calendar
    from icalendar import Event as VEvent

    from qinglian.notify.mail import absolute

    now = now or timezone.now()
    host = settings.QINGLIAN_BASE_URL.split("//", 1)[-1].split("/", 1)[0] or "qinglian"
    cal = Calendar()
    cal.add("prodid", "-//清廉台账//qinglian//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "清廉台账 · 我的时限")
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    cal.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    for event in calendar_events(user, today):
        ve = VEvent()
        ve.add("uid", f"{event.uid.replace(':', '-')}@{host}")
        ve.add("dtstamp", now)
        ve.add("dtstart", event.day)
        ve.add("dtend", event.day + dt.timedelta(days=1))
        ve.add("summary", event.title)
        ve.add("url", absolute(event.url))
        ve.add("categories", [KIND_LABELS.get(event.kind, event.kind)])
        ve.add("transp", "TRANSPARENT")
        cal.add_component(ve)
    return bytes(cal.to_ical())
