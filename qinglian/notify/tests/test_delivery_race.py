"""Two workers running send_reminders at the same moment tell each person once per reminder: real threads, each
with its own database connection (a file copy of the test database on SQLite, as a real installation uses)."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connections
from django.utils import timezone

from qinglian.ledger.calendar import work_calendar
from qinglian.lib.testing import build_world
from qinglian.notify.delivery import send_reminders
from qinglian.notify.models import Message, OutboxMail, Reminder
from qinglian.notify.tests.delivery_setup import SmtpServer, measure, people, use_smtp
from qinglian.org.tests.test_lockout_race import _threads_share_one_database  # noqa: F401  (autouse fixture)

pytestmark = pytest.mark.django_db(transaction=True)

DUE = dt.date(2026, 6, 30)


def test_two_workers_at_once_send_each_reminder_once(settings) -> None:  # type: ignore[no-untyped-def]
    settings.QINGLIAN_DIGEST_THRESHOLD = 100
    world = build_world()
    people(world)
    for i in range(4):
        measure(world, f"并发措施{i}", DUE, owner=world.staff_a, leader=world.member_a)
    today = work_calendar().add_workdays(DUE, 12)  # overdue: owner, leader in charge and principal
    now = timezone.make_aware(dt.datetime.combine(today, dt.time(8)))
    results: list[Any] = [None, None]
    with SmtpServer() as smtp:
        use_smtp(settings, smtp.port)
        barrier = threading.Barrier(2)

        def work(i: int) -> None:
            try:
                barrier.wait()
                results[i] = send_reminders(today=today, now=now)
            except Exception as exc:  # reported below
                results[i] = exc
            finally:
                connections.close_all()

        threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    assert not [r for r in results if isinstance(r, Exception) or r is None], results
    assert sum(r.reminders for r in results) == Reminder.objects.count() == 12
    assert sum(r.messages for r in results) == Message.objects.count() == 12
    assert Message.objects.filter(user=world.leader_a).count() == 4  # the principal: inbox only (no e-mail)
    assert OutboxMail.objects.count() == 8 and OutboxMail.objects.filter(sent_at__isnull=False).count() == 8
    assert sorted(r for r, _ in smtp.received) == sorted([["zhang@xcb.example.gov.cn"]] * 4
                                                         + [["li@xcb.example.gov.cn"]] * 4)
