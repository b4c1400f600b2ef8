"""Reminder mail through the intranet SMTP server (QINGLIAN_SMTP_*): a Chinese subject, plain text and HTML,
the absolute link to each item (QINGLIAN_BASE_URL). A sensitive item appears by its neutral title and link only.

Mails wait in the outbox (OutboxMail). `send_outbox` claims each due row with a compare-and-set update, so two
workers never send the same row; a failure schedules the next try with exponential back-off (1, 2, 4 … minutes,
at most 6 hours apart) and keeps the error; after QINGLIAN_MAIL_MAX_ATTEMPTS the mail is given up and stays on the
system admin's page. A worker killed between the server's acceptance and the row's update sends that one mail
again after its claim expires: mail is at least once, the inbox exactly once.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from qinglian.notify.models import KIND_LABELS, OutboxMail, Reminder

if TYPE_CHECKING:
    from qinglian.notify.delivery import _Entry

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CLAIM = dt.timedelta(minutes=5)  # a claimed row is another worker's again after this (its worker died)
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_RETRY = dt.timedelta(hours=6)
PER_RUN = 200
# Failures of one mail, not of the server.
ONE_MAIL = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError, ValueError)


def mail_enabled() -> bool:
    return bool(settings.QINGLIAN_SMTP_HOST)


def absolute(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else f"{settings.QINGLIAN_BASE_URL}{url}"


def compose(*, name: str, entries: Sequence[_Entry]) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of the mail telling `name` about `entries` (one item, or a digest)."""
    from qinglian.notify.delivery import digest_title, level_label, step_text

    lines = [{
        "title": e.title, "url": absolute(e.item.url), "sensitive": e.sensitive,
        "kind": KIND_LABELS.get(e.item.kind, e.item.kind), "level": level_label(e.item.level),
        "due": e.item.due, "steps": step_text(e.steps), "note": "" if e.sensitive else getattr(e.item, "note", ""),
    } for e in sorted(entries, key=lambda e: (e.item.due, e.item.kind, e.item.key))]
    digest = len(lines) > 1
    subject = " ".join(f"【清廉台账】{digest_title(entries) if digest else lines[0]['title']}".split())
    context = {"name": name, "lines": lines, "digest": digest, "subject": subject,
               "inbox": absolute(reverse("notify:inbox"))}
    return (subject[:200], render_to_string("notify/mail.txt", context),
            render_to_string("notify/mail.html", context))


def queue_mail(*, user_id: int, to: str, name: str, entries: Sequence[_Entry], now: dt.datetime) -> int:
    """Put one mail about `entries` in the outbox (inside the caller's transaction); 1 for the count."""
    subject, text, html = compose(name=name, entries=entries)
    OutboxMail.objects.create(user_id=user_id, to=to, subject=subject, text=text, html=html, created_at=now,
                              next_try=now, reminder_ids=[pk for e in entries for pk in e.reminder_ids])
    return 1


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failure: 1, 2, 4, … minutes, at most 6 hours."""
    wait: dt.timedelta = FIRST_RETRY * 2 ** max(attempts - 1, 0)
    return min(wait, LONGEST_RETRY)


def _claimable(now: dt.datetime) -> Q:
    return (Q(sent_at__isnull=True, gave_up_at__isnull=True, next_try__lte=now)
            & (Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)))


def smtp_connection() -> Any:
    """A connection to the configured server (explicitly SMTP: a test run's locmem backend does not apply)."""
    return get_connection(SMTP_BACKEND, fail_silently=False, host=settings.QINGLIAN_SMTP_HOST,
                          port=settings.QINGLIAN_SMTP_PORT, username=settings.QINGLIAN_SMTP_USER,
                          password=settings.QINGLIAN_SMTP_PASSWORD, use_tls=settings.QINGLIAN_SMTP_STARTTLS,
                          timeout=settings.QINGLIAN_SMTP_TIMEOUT)


def send_outbox(*, now: dt.datetime | None = None, limit: int = PER_RUN) -> tuple[int, int]:
    """Send the mails due by `now`; (sent, failed). After a failure to reach the server the rest wait for the
    next run (each would only time out the same way)."""
    now = now or timezone.now()
    if not mail_enabled():
        return 0, 0
    sent = failed = 0
    connection = None
    candidates = list(OutboxMail.objects.filter(_claimable(now)).order_by("next_try", "pk")
                      .values_list("pk", flat=True)[:limit])
    try:
        for pk in candidates:
            if not OutboxMail.objects.filter(_claimable(now), pk=pk).update(claimed_until=now + CLAIM):
                continue  # another worker has it
            mail = OutboxMail.objects.get(pk=pk)
            try:
                if connection is None:
                    connection = smtp_connection()
                    connection.open()
                message = EmailMultiAlternatives(mail.subject, mail.text, settings.QINGLIAN_SMTP_FROM, [mail.to],
                                                 connection=connection)
                message.attach_alternative(mail.html, "text/html")
                message.send()
            except ONE_MAIL as exc:  # this mail only (a refused address, a bad header): the others go on
                failed += 1
                _failed(mail, exc, now)
                continue
            except (OSError, smtplib.SMTPException) as exc:  # the server: the rest wait for the next run
                failed += 1
                _failed(mail, exc, now)
                break
            sent += 1
            OutboxMail.objects.filter(pk=pk).update(sent_at=now, next_try=None, claimed_until=None,
                                                    attempts=F("attempts") + 1, last_error="")
            Reminder.objects.filter(pk__in=mail.reminder_ids).update(mailed_at=now)
    finally:
        if connection is not None:
            try:
                connection.close()
            except (OSError, smtplib.SMTPException):  # pragma: no cover - the server went away meanwhile
                pass
    return sent, failed


def _failed(mail: OutboxMail, exc: BaseException, now: dt.datetime) -> None:
    attempts = mail.attempts + 1
    give_up = attempts >= settings.QINGLIAN_MAIL_MAX_ATTEMPTS
    OutboxMail.objects.filter(pk=mail.pk).update(
        attempts=attempts, claimed_until=None, last_error=f"{type(exc).__name__}: {exc}"[:500],
        next_try=None if give_up else now + backoff(attempts), gave_up_at=now if give_up else None)


def failed_mails() -> QuerySet[OutboxMail]:
    """Mails not sent after at least one try: retrying, or given up (the system admin's page)."""
    return OutboxMail.objects.filter(sent_at__isnull=True, attempts__gt=0).select_related("user")


def mail_retry_now(*, user: Any, now: dt.datetime | None = None) -> int:
    """The system admin's 立即重试: every failed mail is due again, its attempts counted afresh; audited."""
    from qinglian.audit.models import Action
    from qinglian.audit.services import audit_log

    now = now or timezone.now()
    count: int = failed_mails().update(next_try=now, gave_up_at=None, attempts=0, claimed_until=None)
    if count:
        audit_log(action=str(Action.UPDATE), summary=f"提醒邮件：{count} 封发送失败的邮件重新排队发送", actor=user)
    return count
