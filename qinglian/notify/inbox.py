"""The inbox: an account's messages, the unread count of the top bar, marking read.

read_at only tells the page what is new; it is never counted, ranked or reported (DESIGN §7).
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from qinglian.notify.models import Message


def unread_count(user_id: int) -> int:
    """One indexed COUNT (notify_message_unread)."""
    return int(Message.objects.filter(user_id=user_id, read_at__isnull=True).count())


def unread_counter(user: Any) -> partial[int]:
    """For the top bar: the template calls it once (`{% with n=inbox_unread %}`), pages that do not show the
    bar (fragments) never do."""
    return partial(unread_count, user.pk)


def messages_for(user: Any, *, kind: str = "", unread: bool = False) -> QuerySet[Message]:
    qs = Message.objects.filter(user_id=user.pk)
    if kind:
        qs = qs.filter(kind=kind)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def message_mark_read(*, user: Any, message_id: int, now: dt.datetime | None = None) -> bool:
    """Mark one of the user's own messages read; False when it is not theirs (or already read)."""
    return bool(Message.objects.filter(pk=message_id, user_id=user.pk, read_at__isnull=True)
                .update(read_at=now or timezone.now()))


def messages_mark_all_read(*, user: Any, kind: str = "", now: dt.datetime | None = None) -> int:
    return int(messages_for(user, kind=kind, unread=True).update(read_at=now or timezone.now()))
