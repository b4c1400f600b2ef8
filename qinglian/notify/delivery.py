"""Sending reminders: each due item's recipients are told once per (key, level, step, person), in the inbox and,
where the account has an e-mail address and a mail server is set, by mail through the outbox.

`send_reminders(*, today, now=None)` is the job the worker runs (qinglian.jobs); it may run any number of
times a day (from QINGLIAN_REMINDER_HOUR on it records what is new), and two workers may run it at once:
- the Reminder rows of a batch are inserted with INSERT … ON CONFLICT DO NOTHING and tagged with the batch's
  run id, so each worker delivers exactly the rows it inserted itself; on PostgreSQL a second worker's insert
  of the same row waits for the first one's transaction and then does nothing, on SQLite writers take turns;
- a batch's reminders, inbox messages and queued mails commit together: a worker killed in the middle of a
  batch leaves nothing of it, and the next run sends that batch whole;
- mails leave from the outbox afterwards (mail.send_outbox), each claimed by a compare-and-set update.
A person with QINGLIAN_DIGEST_THRESHOLD or more new reminders in one run gets one digest instead.

A sensitive item (its record, or the problem / ticket / list it belongs to, labelled 敏感) is stored and sent
with a neutral title only ("您有一项整改事项即将到期"): its content stays encrypted in its record, reached
through the link by those cleared for it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from qinglian.lib.models import SecurityLabel
from qinglian.notify.due import DueItem, due_items
from qinglian.notify.models import KIND_LABELS, STEP_LABELS, DueLevel, Message, Reminder
from qinglian.notify.recipients import Recipient, recipients_for

BATCH = 500  # reminders per transaction (a person's reminders are never split across batches)
OVERDUE_LEVELS = frozenset({"red", "overdue"})

# The record behind each kind of item ("measure:123" → ledger.Measure 123) and the parent whose label it
# inherits; holiday reminders are the unit's standard text and public.
RECORDS: dict[str, tuple[str, str | None]] = {
    "measure": ("ledger.Measure", "problem"),
    "order": ("ledger.SupervisionOrder", "problem"),
    "followup": ("ledger.FollowUp", "problem"),
    "duty": ("records.Duty", "duty_list"),
    "letter": ("records.Letter", None),
    "alert": ("publicity.AlertLetter", "ticket"),
    "review": ("publicity.Draft", None),
}
PUBLIC_KINDS = frozenset({"holiday"})


@dataclass
class SendSummary:
    """What one run did (printed by the worker; nothing here is per person)."""

    reminders: int = 0  # new Reminder rows (all channels)
    messages: int = 0  # inbox messages written, digests included
    digests: int = 0
    no_account: int = 0  # reminders recorded for people without an active account: nowhere to deliver
    mails_queued: int = 0
    mails_sent: int = 0
    mails_failed: int = 0  # attempts that failed in this run (a retry is scheduled, or given up)

    def add(self, other: SendSummary) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def send_reminders(*, today: dt.date, now: dt.datetime | None = None) -> SendSummary:
    """Record and deliver every reminder due as of `today` that was not sent before, then send the outbox.
    Before QINGLIAN_REMINDER_HOUR (China time) only the outbox is sent: the day's reminders wait for the
    morning run and arrive together."""
    from qinglian.notify.mail import send_outbox

    now = now or timezone.now()
    waiting = timezone.localtime(now).hour < settings.QINGLIAN_REMINDER_HOUR
    summary = SendSummary() if waiting else deliver(due_items(today=today), now=now)
    sent, failed = send_outbox(now=now)
    summary.mails_sent, summary.mails_failed = sent, failed
    return summary


def deliver(items: Iterable[DueItem], *, now: dt.datetime) -> SendSummary:
    """Record the reminders of `items` (each item's recipients) and put the new ones in inboxes and the outbox."""
    items = list(items)
    told = recipients_for(items)
    pairs = [(item, r) for item in items for r in told.get(item.key, [])]
    sensitive = sensitive_keys(items)
    by_person: dict[int, list[tuple[DueItem, Recipient]]] = defaultdict(list)
    for item, recipient in pairs:
        by_person[recipient.person_id].append((item, recipient))
    summary = SendSummary()
    batch: list[tuple[DueItem, Recipient]] = []
    for person_id in sorted(by_person):  # one order for every worker: inserts lock rows in the same order
        batch += by_person[person_id]
        if len(batch) >= BATCH:
            summary.add(_deliver_batch(batch, sensitive, now))
            batch = []
    if batch:
        summary.add(_deliver_batch(batch, sensitive, now))
    return summary


# -- labels and titles ---------------------------------------------------------------------------------------
def _record_pk(key: str) -> int | None:
    parts = key.split(":")
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


def sensitive_keys(items: Sequence[DueItem]) -> set[str]:
    """Keys of the items labelled above 内部, by their record or its parent; an item whose record cannot be
    found counts as sensitive (fail closed). One query per kind."""
    wanted: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    result: set[str] = set()
    for item in items:
        label = getattr(item, "security_label", None)  # should the due module one day carry the label
        if label is not None:
            if label not in (SecurityLabel.PUBLIC, SecurityLabel.INTERNAL):
                result.add(item.key)
            continue
        if item.kind in PUBLIC_KINDS:
            continue
        pk = _record_pk(item.key)
        if item.kind not in RECORDS or pk is None:
            result.add(item.key)
            continue
        wanted[item.kind][pk].append(item.key)
    open_labels = (SecurityLabel.PUBLIC, SecurityLabel.INTERNAL)
    for kind, keys_by_pk in wanted.items():
        model_name, parent = RECORDS[kind]
        model: Any = apps.get_model(model_name)
        fine = Q(security_label__in=open_labels)
        if parent:
            fine &= Q(**{f"{parent}__security_label__in": open_labels})
        cleared = set(model.with_deleted.filter(fine, pk__in=list(keys_by_pk)).values_list("pk", flat=True))
        for pk, keys in keys_by_pk.items():
            if pk not in cleared:
                result.update(keys)
    return result


def neutral_title(kind: str, level: str) -> str:
    """What a sensitive item is called outside its own page: nothing of its content."""
    noun = "整改事项" if kind in ("measure", "order", "followup") else "待办事项"
    return f"您有一项{noun}{'已逾期' if level in OVERDUE_LEVELS else '即将到期'}"


def level_label(level: str) -> str:
    return str(DueLevel(level).label) if level in DueLevel.values else level


# -- one batch -----------------------------------------------------------------------------------------------
@dataclass
class _Entry:
    """One (item, level) for one person: one line of a message, whatever the steps it reached them by."""

    item: DueItem
    sensitive: bool
    reminder_ids: list[int] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return neutral_title(self.item.kind, self.item.level) if self.sensitive else self.item.title[:300]

    def as_json(self) -> dict[str, Any]:
        return {"title": self.title, "url": self.item.url, "due": self.item.due.isoformat(),
                "level": self.item.level, "kind": self.item.kind, "sensitive": self.sensitive}


def _deliver_batch(batch: list[tuple[DueItem, Recipient]], sensitive: set[str], now: dt.datetime) -> SendSummary:
    from qinglian.notify.mail import mail_enabled, queue_mail

    run = uuid.uuid4().hex
    summary = SendSummary()
    with transaction.atomic():
        Reminder.objects.bulk_create([
            Reminder(key=item.key, level=item.level, step=r.step, person_id=r.person_id, user_id=r.user_id,
                     kind=item.kind, title=(neutral_title(item.kind, item.level) if item.key in sensitive
                                            else item.title[:300]),
                     sensitive=item.key in sensitive, due=item.due, url=item.url[:300], created_at=now, run=run)
            for item, r in batch], ignore_conflicts=True)
        mine = {(r.key, r.level, r.step, r.person_id): r.pk
                for r in Reminder.objects.filter(run=run).only("pk", "key", "level", "step", "person_id")}
        summary.reminders = len(mine)
        if not mine:
            return summary
        users = {u["pk"]: u for u in apps.get_model("org.User").objects.filter(
            pk__in={r.user_id for _, r in batch if r.user_id}, is_active=True).values("pk", "email", "person__name")}
        # (person, user) → (key, level) → entry
        entries: dict[tuple[int, int | None], dict[tuple[str, str], _Entry]] = defaultdict(dict)
        for item, r in batch:
            pk = mine.get((item.key, item.level, r.step, r.person_id))
            if pk is None:
                continue  # sent before (or by another worker just now)
            user_id = r.user_id if r.user_id in users else None
            entry = entries[(r.person_id, user_id)].setdefault(
                (item.key, item.level), _Entry(item=item, sensitive=item.key in sensitive))
            entry.reminder_ids.append(pk)
            entry.steps.append(r.step)
        messages: list[Message] = []
        delivered: list[int] = []
        digested: list[int] = []
        mail_on = mail_enabled()
        for (_person_id, user_id), by_item in entries.items():
            person_entries = list(by_item.values())
            ids = [pk for e in person_entries for pk in e.reminder_ids]
            if user_id is None:
                summary.no_account += len(ids)
                continue
            delivered += ids
            user = users[user_id]
            digest = len(person_entries) >= settings.QINGLIAN_DIGEST_THRESHOLD
            if digest:
                digested += ids
                summary.digests += 1
                messages.append(_digest_message(user_id, person_entries, now))
            else:
                messages += [_item_message(user_id, e, now) for e in person_entries]
            if mail_on and user["email"]:
                for group in [person_entries] if digest else [[e] for e in person_entries]:
                    summary.mails_queued += queue_mail(user_id=user_id, to=user["email"], entries=group, now=now,
                                                       name=user["person__name"] or "")
        Message.objects.bulk_create(messages)
        summary.messages = len(messages)
        Reminder.objects.filter(pk__in=delivered).update(inbox_at=now)
        if digested:
            Reminder.objects.filter(pk__in=digested).update(in_digest=True)
    return summary


def step_text(steps: Iterable[str]) -> str:
    return "、".join(dict.fromkeys(STEP_LABELS.get(s, s) for s in steps))


def _item_message(user_id: int, entry: _Entry, now: dt.datetime) -> Message:
    item = entry.item
    body = (f"{KIND_LABELS.get(item.kind, item.kind)} · {level_label(item.level)}，时限 {item.due:%Y-%m-%d}。"
            f"您是此事项的{step_text(entry.steps)}。")
    if entry.sensitive:
        body += "此事项为敏感事项，内容请打开事项页面查看。"
    elif getattr(item, "note", ""):
        body += f"\n{item.note}"
    return Message(user_id=user_id, kind=item.kind, title=entry.title, body=body, link=item.url[:300],
                   created_at=now)


def digest_title(entries: Sequence[_Entry]) -> str:
    overdue = sum(1 for e in entries if e.item.level in OVERDUE_LEVELS)
    tail = f"，其中已逾期 {overdue} 项" if overdue else ""
    return f"今日提醒：{len(entries)} 项事项需要办理{tail}"


def _digest_message(user_id: int, entries: Sequence[_Entry], now: dt.datetime) -> Message:
    ordered = sorted(entries, key=lambda e: (e.item.due, e.item.kind, e.item.key))
    return Message(user_id=user_id, kind="digest", title=digest_title(ordered),
                   body="以下事项已到提醒时间，请逐项打开办理。", items=[e.as_json() for e in ordered],
                   created_at=now)
