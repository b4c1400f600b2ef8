"""Reminder mail: through a local aiosmtpd server; a sensitive item's mail carries no sensitive text; a mail server
that is down gets retries with back-off while the inbox already has the reminder, and the system admin sees the
failures."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from qinglian.lib.testing import free_port
from qinglian.notify.delivery import send_reminders
from qinglian.notify.mail import backoff, send_outbox
from qinglian.notify.models import Message, OutboxMail, Reminder
from qinglian.notify.tests.delivery_setup import BASE_URL, SmtpServer, measure, parts, people, use_smtp

DUE = dt.date(2026, 6, 30)
NOW = timezone.make_aware(dt.datetime(2026, 6, 30, 8, 30))


def test_a_sensitive_items_mail_has_its_neutral_title_and_link_only(world, settings) -> None:  # type: ignore[no-untyped-def]
    world.clerk_a.clearance = "sensitive"
    world.clerk_a.save(update_fields=["clearance"])
    who = people(world)
    m = measure(world, "追缴违规发放的津补贴十二万元", DUE, owner=world.staff_a, label="sensitive",
                problem_text="某股长违规发放津补贴问题")
    with SmtpServer() as smtp:
        use_smtp(settings, smtp.port)
        send_reminders(today=DUE - dt.timedelta(days=7), now=NOW)
    [(_, mail)] = smtp.received
    plain, html = parts(mail)
    assert str(mail["Subject"]).strip() == "【清廉台账】您有一项整改事项即将到期"
    for text in (str(mail["Subject"]), plain, html):
        for secret in ("津补贴", "十二万", "股长", "追缴"):
            assert secret not in text
    link = f"{BASE_URL}/ledger/measures/{m.pk}/"
    assert link in plain and f'href="{link}"' in html
    assert "2026年6月30日" not in plain  # not even its date: title and link only
    # stored the same way: no plain copy of its content outside its own record
    assert Message.objects.get(user=who.owner).title == "您有一项整改事项即将到期"
    assert "津补贴" not in Reminder.objects.get().title


def test_smtp_down_schedules_retries_with_back_off_and_the_inbox_has_it_at_once(world, settings) -> None:  # type: ignore[no-untyped-def]
    who = people(world)
    measure(world, "完善公务用车管理台账", DUE, owner=world.staff_a)
    port = free_port()  # nobody listens here yet: the server is down
    use_smtp(settings, port)
    summary = send_reminders(today=DUE, now=NOW)
    assert (summary.messages, summary.mails_queued, summary.mails_sent, summary.mails_failed) == (1, 1, 0, 1)
    assert Message.objects.filter(user=who.owner, read_at__isnull=True).count() == 1
    mail = OutboxMail.objects.get()
    assert (mail.attempts, mail.next_try, mail.sent_at) == (1, NOW + dt.timedelta(minutes=1), None)
    assert "Connection" in mail.last_error or "refused" in mail.last_error.lower()

    # before the back-off ends nothing is tried; the next failure doubles the wait
    assert send_outbox(now=NOW + dt.timedelta(seconds=30)) == (0, 0)
    assert send_outbox(now=NOW + dt.timedelta(minutes=1)) == (0, 1)
    mail.refresh_from_db()
    assert (mail.attempts, mail.next_try) == (2, NOW + dt.timedelta(minutes=3))
    assert [backoff(n) for n in (1, 2, 3, 10, 20)] == [dt.timedelta(minutes=m) for m in (1, 2, 4, 360, 360)]

    # the system admin sees it, without the mail's subject (business data)
    page = world.client("sysadmin").get("/notify/mail/").content.decode()
    assert "zhang@xcb.example.gov.cn" in page and "完善公务用车" not in page and mail.last_error[:20] in page
    assert world.client("clerk_a").get("/notify/mail/").status_code == 403

    # the server is back: the mail goes, once, and the reminder says when
    with SmtpServer(port) as smtp:
        assert send_reminders(today=DUE, now=NOW + dt.timedelta(minutes=3)).mails_sent == 1
        assert send_outbox(now=NOW + dt.timedelta(hours=1)) == (0, 0)
    assert len(smtp.received) == 1
    mail.refresh_from_db()
    assert mail.sent_at == NOW + dt.timedelta(minutes=3) and mail.last_error == ""
    assert Reminder.objects.get().mailed_at == NOW + dt.timedelta(minutes=3)
    assert "没有发送失败的提醒邮件" in world.client("sysadmin").get("/notify/mail/").content.decode()


def test_a_mail_is_given_up_after_the_last_attempt_and_the_admin_can_queue_it_again(world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.QINGLIAN_MAIL_MAX_ATTEMPTS = 2
    people(world)
    measure(world, "落实谈心谈话制度", DUE, owner=world.staff_a)
    port = free_port()
    use_smtp(settings, port)
    send_reminders(today=DUE, now=NOW)
    send_outbox(now=NOW + dt.timedelta(minutes=1))
    mail = OutboxMail.objects.get()
    assert (mail.attempts, mail.next_try, mail.gave_up_at) == (2, None, NOW + dt.timedelta(minutes=1))
    assert send_outbox(now=NOW + dt.timedelta(days=1)) == (0, 0)
    admin = world.client("sysadmin")
    assert "已停止重试" in admin.get("/notify/mail/").content.decode()
    assert admin.get("/notify/mail/retry/").status_code == 405
    assert admin.post("/notify/mail/retry/").status_code == 302
    with SmtpServer(port) as smtp:
        assert send_outbox(now=timezone.now() + dt.timedelta(seconds=1)) == (1, 0)
    assert len(smtp.received) == 1


def test_an_address_the_server_refuses_fails_alone(world, settings) -> None:  # type: ignore[no-untyped-def]
    who = people(world)
    who.owner.email = "nobody@xcb.example.gov.cn"
    who.owner.save(update_fields=["email"])
    measure(world, "清理违规借用的公车", DUE, owner=world.staff_a, leader=world.member_a)
    with SmtpServer() as smtp:
        use_smtp(settings, smtp.port)
        summary = send_reminders(today=DUE + dt.timedelta(days=1), now=NOW + dt.timedelta(days=1))
    assert (summary.mails_sent, summary.mails_failed) == (1, 1)
    assert [r for r, _ in smtp.received] == [["li@xcb.example.gov.cn"]]
    refused = OutboxMail.objects.get(to="nobody@xcb.example.gov.cn")
    assert refused.attempts == 1 and "550" in refused.last_error and refused.next_try is not None
    assert Message.objects.filter(user=who.owner).count() == 1  # the inbox has it all the same


def test_no_mail_server_means_inbox_only(world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.QINGLIAN_SMTP_HOST = ""
    who = people(world)
    measure(world, "建立廉政风险点台账", DUE, owner=world.staff_a)
    summary = send_reminders(today=DUE, now=NOW)
    assert (summary.messages, summary.mails_queued) == (1, 0)
    assert Message.objects.filter(user=who.owner).count() == 1 and not OutboxMail.objects.exists()
