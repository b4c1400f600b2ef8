"""A measure walked from green to overdue with a frozen `today`: exactly who is told what, once, through the
inbox, e-mail (a local aiosmtpd server) and the iCalendar feed; rerunning sends nothing new."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from qinglian.ledger.calendar import work_calendar
from qinglian.notify.delivery import send_reminders
from qinglian.notify.ical import calendar_reset
from qinglian.notify.models import Message, OutboxMail, Reminder
from qinglian.notify.tests.delivery_setup import BASE_URL, SmtpServer, measure, parts, people, use_smtp

DEADLINE = dt.date(2026, 6, 30)  # a Tuesday; 端午 (19 June) lies inside the window


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(8, 30)))


def _told(user) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return list(Message.objects.filter(user=user).order_by("id").values_list("kind", "title"))


def test_a_measure_from_green_to_overdue_tells_each_person_once_at_each_step(world, settings) -> None:
    cal = work_calendar()
    days = {
        "before": DEADLINE - dt.timedelta(days=60),
        "upcoming": cal.add_workdays(DEADLINE, -15),
        "yellow": cal.add_workdays(DEADLINE, -5),
        "today": DEADLINE,
        "red": cal.add_workdays(DEADLINE, 1),
        "overdue": cal.add_workdays(DEADLINE, 12),
    }
    who = people(world)
    m = measure(world, "健全宣传经费审批制度", DEADLINE, owner=world.staff_a, leader=world.member_a)
    url = f"/ledger/measures/{m.pk}/"
    with SmtpServer() as smtp:
        use_smtp(settings, smtp.port)
        server = smtp
        summaries = {}
        for level, day in days.items():
            summaries[level] = send_reminders(today=day, now=_moment(day))
            again = send_reminders(today=day, now=_moment(day) + dt.timedelta(minutes=10))
            assert (again.reminders, again.messages, again.mails_queued, again.mails_sent) == (0, 0, 0, 0), level

    assert summaries["before"].reminders == 0
    # 责任人: every step; 分管领导: from red; 主要领导: when overdue
    expected = {
        who.owner: ["upcoming", "yellow", "today", "red", "overdue"],
        who.leader: ["red", "overdue"],
        who.principal: ["overdue"],
    }
    for user, levels in expected.items():
        rows = Reminder.objects.filter(user=user).order_by("created_at")
        assert [r.level for r in rows] == levels, user.username
        assert all(r.inbox_at == r.created_at for r in rows)
        assert [r.step for r in rows] == [{"clerk_a": "owner", "leader_li": "leader", "leader_a": "principal"}[
            user.username]] * len(levels)
        messages = Message.objects.filter(user=user).order_by("id")
        assert [msg.link for msg in messages] == [url] * len(levels)
        assert all(msg.kind == "measure" and "健全宣传经费审批制度" in msg.title for msg in messages)
    assert Reminder.objects.count() == 8
    assert {s: summaries[s].reminders for s in days} == {
        "before": 0, "upcoming": 1, "yellow": 1, "today": 1, "red": 2, "overdue": 3}

    # mail: the owner five, the leader two, the principal (no e-mail) none — and no error for him
    assert len(server.to("zhang@xcb.example.gov.cn")) == 5
    assert len(server.to("li@xcb.example.gov.cn")) == 2
    assert len(server.received) == 7
    assert not OutboxMail.objects.filter(user=who.principal).exists()
    assert Reminder.objects.filter(user=who.principal, mailed_at__isnull=True, inbox_at__isnull=False).count() == 1
    assert Reminder.objects.filter(mailed_at__isnull=False).count() == 7
    first = server.to("zhang@xcb.example.gov.cn")[0]
    assert str(first["Subject"]).strip().startswith("【清廉台账】整改措施：健全宣传经费审批制度")
    plain, html = parts(first)
    link = f"{BASE_URL}{url}"
    assert link in plain and f'href="{link}"' in html
    assert "张干事同志" in plain and "即将到期" in plain and "2026年6月30日" in plain and "您是责任人" in plain
    red = server.to("li@xcb.example.gov.cn")[0]
    assert "已逾期" in parts(red)[0] and "您是分管领导" in parts(red)[0]

    # the calendar feed of the owner shows the deadline, with the link
    token = calendar_reset(user=who.owner)
    response = Client().get(f"/notify/feed/{token}.ics")  # no session: a calendar app
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    events = [e for e in Calendar.from_ical(response.content).walk("VEVENT")]
    mine = [e for e in events if str(e.get("url")) == link]
    assert len(mine) == 1
    assert mine[0].decoded("dtstart") == DEADLINE
    assert "健全宣传经费审批制度" in str(mine[0].get("summary"))


def test_the_days_reminders_wait_for_the_morning(world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.QINGLIAN_SMTP_HOST = ""
    who = people(world)
    measure(world, "整改时限当天的措施", DEADLINE, owner=world.staff_a)
    night = timezone.make_aware(dt.datetime.combine(DEADLINE, dt.time(0, 5)))
    assert send_reminders(today=DEADLINE, now=night).reminders == 0
    assert not Message.objects.exists()
    assert send_reminders(today=DEADLINE, now=night.replace(hour=8)).messages == 1
    assert _told(who.owner) == [("measure", "整改措施：整改时限当天的措施")]


def test_a_person_without_an_account_is_recorded_and_no_one_else_is_told(world, settings) -> None:
    settings.QINGLIAN_SMTP_HOST = ""  # no mail server: inbox only
    m = measure(world, "规范公务接待", DEADLINE, owner=world.staff_a1)  # 赵股长 has no account
    summary = send_reminders(today=DEADLINE, now=_moment(DEADLINE))
    assert (summary.reminders, summary.no_account, summary.messages, summary.mails_queued) == (1, 1, 0, 0)
    row = Reminder.objects.get()
    assert (row.key, row.person_id, row.user_id, row.inbox_at) == (f"measure:{m.pk}", world.staff_a1.pk, None, None)
    assert Message.objects.count() == 0 and OutboxMail.objects.count() == 0


@pytest.mark.parametrize("threshold,expected", [(3, "digest"), (4, "measure")])
def test_many_reminders_for_one_person_come_as_one_digest(world, settings, threshold, expected) -> None:
    settings.QINGLIAN_DIGEST_THRESHOLD = threshold
    who = people(world)
    measures = [measure(world, f"措施{i}", DEADLINE, owner=world.staff_a) for i in range(3)]
    with SmtpServer() as smtp:
        use_smtp(settings, smtp.port)
        summary = send_reminders(today=DEADLINE, now=_moment(DEADLINE))
    kinds = [k for k, _ in _told(who.owner)]
    if expected == "digest":
        assert kinds == ["digest"] and summary.digests == 1
        digest = Message.objects.get(user=who.owner)
        assert digest.title == "今日提醒：3 项事项需要办理"
        assert [i["url"] for i in digest.items] == [f"/ledger/measures/{m.pk}/" for m in measures]
        assert len(smtp.received) == 1
        plain, html = parts(smtp.received[0][1])
        for m in measures:
            assert f"{BASE_URL}/ledger/measures/{m.pk}/" in plain and f"{BASE_URL}/ledger/measures/{m.pk}/" in html
        assert Reminder.objects.filter(in_digest=True).count() == 3
    else:
        assert kinds == ["measure"] * 3 and summary.digests == 0
        assert len(smtp.received) == 3
