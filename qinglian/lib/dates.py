"""Date rules the services share, stated the same way everywhere: in China's time (`timezone.localdate()`,
`timezone.localtime()`), and as Chinese sentences that say what to fix.

Each rule raises a `ValidationError`; given `field`, keyed by it, so a form shows the message next to the
field the user must correct (`qinglian.lib.forms.add_errors`).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from paperwork.write.model import date_text as cn_date  # 2026年3月5日


def cn_time(value: dt.datetime) -> str:
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{cn_date(local.date())} {local:%H:%M}"


def _fail(message: str, field: str) -> ValidationError:
    return ValidationError({field: [message]}) if field else ValidationError(message)


def not_in_future(value: dt.date | None, *, what: str, field: str = "", today: dt.date | None = None,
                  hint: str = "请填写实际发生的日期。") -> None:
    """A recorded event (an activity, a progress note, a publication, a follow-up) cannot lie ahead."""
    today = today or timezone.localdate()
    if value is not None and value > today:
        raise _fail(f"{what}{cn_date(value)}晚于今天（{cn_date(today)}），不能登记尚未发生的事；{hint}", field)


def moment_not_in_future(value: dt.datetime | None, *, what: str, field: str = "",
                         now: dt.datetime | None = None, hint: str = "请填写实际的时间。") -> None:
    """As `not_in_future`, for a moment (a ticket's discovery time), compared in China's time."""
    now = now or timezone.now()
    if value is not None and value > now:
        raise _fail(f"{what}{cn_time(value)}晚于现在（{cn_time(now)}），{hint}", field)


def not_in_past(value: dt.date | None, *, what: str, field: str = "", today: dt.date | None = None) -> None:
    """A deadline set now (a 督办, a send-back) cannot already have passed."""
    today = today or timezone.localdate()
    if value is not None and value < today:
        raise _fail(f"{what}{cn_date(value)}早于今天（{cn_date(today)}），已经过去；请填写今天或以后的日期。", field)


def not_before(value: dt.date | None, earlier: dt.date | None, *, what: str, earlier_what: str,
               field: str = "", hint: str = "") -> None:
    """`value` (e.g. 整改时限) cannot come before `earlier` (e.g. the source's 反馈日期)."""
    if value is not None and earlier is not None and value < earlier:
        raise _fail(f"{what}{cn_date(value)}早于{earlier_what}{cn_date(earlier)}；"
                    f"{hint or f'请填写{earlier_what}当天或以后的日期。'}", field)
