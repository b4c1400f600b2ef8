"""The password rules of the 等保 2.0 level-3 profile (docs/decisions.md): history, maximum age, the change
forced on a password someone else set, account expiry and dormant accounts. Plain functions; the clock is
passed in (`now`, `today`) so the age rules are tested with a frozen one."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import check_password
from django.db.models import Q, QuerySet
from django.utils import timezone

from qinglian.org.models import PasswordHistory, SecurityPolicy, User

EXPIRED_ACCOUNT = "账号已过有效期，请联系系统管理员。"
MUST_CHANGE = "您的密码由他人设置，请先修改密码再继续使用。"
TOO_OLD = "您的密码已使用超过 %(days)d 天，请先修改密码再继续使用。"


def record_password(user: User, now: datetime | None = None) -> PasswordHistory:
    """Remember the account's current password hash."""
    return PasswordHistory.objects.create(user=user, password=user.password, at=now or timezone.now())


def recently_used(user: User, raw_password: str, policy: SecurityPolicy | None = None) -> bool:
    """True if `raw_password` is one of the account's last N passwords."""
    count = (policy or SecurityPolicy.current()).password_history
    hashes = PasswordHistory.objects.filter(user=user).order_by("-at", "-pk").values_list("password", flat=True)
    return any(check_password(raw_password, h) for h in hashes[:count])


def password_deadline(user: User, policy: SecurityPolicy) -> datetime:
    """When the account's password must have been changed (its age counted from the last change, else from
    the account's creation)."""
    since = user.password_changed_at or user.date_joined
    return since + timedelta(days=policy.password_max_age_days)


def password_too_old(user: User, policy: SecurityPolicy, now: datetime) -> bool:
    return now >= password_deadline(user, policy)


def account_expired(user: Any, today: date) -> bool:
    expires_on = getattr(user, "expires_on", None)
    return expires_on is not None and today > expires_on


def dormant_accounts(policy: SecurityPolicy, now: datetime) -> QuerySet[User]:
    """Active accounts with no log-in for `dormant_days`, and those never logged in created that long ago."""
    cutoff = now - timedelta(days=policy.dormant_days)
    return User.objects.filter(is_active=True).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    ).select_related("unit", "person").order_by("last_login", "date_joined", "username")
