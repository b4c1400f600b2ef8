"""Log-in with lockout: N failures within a window lock the username for a while, and M failures from one
client address within a window stop taking log-ins from that address for a while (SecurityPolicy).

django-axes was considered (STYLE: libraries first) but it reads its limits from settings, while the security
admin edits the policy as data; this is the small module that does exactly the rule of 等保 2.0
(docs/decisions.md).

Concurrency: each attempt runs in one transaction that first locks the username's counter row (SELECT … FOR
UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions take the write lock at BEGIN), then checks the lock,
authenticates and counts. Attempts on one name are thus taken one at a time: 20 wrong passwords at once
evaluate exactly `failure_limit` of them, and a right password arriving after the lock holds is refused.
The address counter is read at the check and locked only for its increment (lock order: name, then address).

An unknown username is counted and locked the same way, so the answers never tell which accounts exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.utils import timezone

from qinglian.audit.models import Action
from qinglian.audit.services import audit_log, client_ip
from qinglian.org.middleware import NO_PASSWORD, remember_deadline
from qinglian.org.models import LoginThrottle, SecurityPolicy, ThrottleKind, username_key
from qinglian.org.passwords import EXPIRED_ACCOUNT, account_expired

WRONG = "用户名或密码错误。"
LOCKED = "该账号因多次登录失败已被临时锁定，请于 %(until)s 后再试，或联系系统管理员解除锁定。"
BLOCKED = "本机所在地址登录失败次数过多，已暂停受理登录，请于 %(until)s 后再试，或联系安全管理员。"


def throttle_row(kind: str, key: str, lock: bool) -> LoginThrottle:
    """The counter row of `key`, created if missing (INSERT … ON CONFLICT DO NOTHING: no race on creation)."""
    LoginThrottle.objects.bulk_create([LoginThrottle(kind=kind, key=key)], ignore_conflicts=True)
    qs = LoginThrottle.objects.select_for_update() if lock else LoginThrottle.objects
    return qs.get(kind=kind, key=key)


def count_failure(row: LoginThrottle, now: datetime, limit: int, window: int, lock_minutes: int) -> None:
    """One more failure on a locked row; the limit reached inside the window starts the lock."""
    if row.window_start is None or now - row.window_start > timedelta(minutes=window):
        row.failures, row.window_start = 0, now
    row.failures += 1
    if row.failures >= limit:
        row.locked_until = now + timedelta(minutes=lock_minutes)
        row.failures, row.window_start = 0, None
    row.save(update_fields=["failures", "window_start", "locked_until"])


def locked_until(username: str, kind: str = ThrottleKind.USERNAME) -> datetime | None:
    """When the lock on `username` (its passwords, or with kind CODE its second-factor codes) ends, or None."""
    row = LoginThrottle.objects.filter(kind=kind, key=username_key(username)).first()
    return row.locked_until if row and row.locked_until and row.locked_until > timezone.now() else None


def unlock(username: str) -> bool:
    """Clear the failures and the locks of `username` (password and second-factor code); True if it was locked."""
    kinds = (ThrottleKind.USERNAME, ThrottleKind.CODE)
    was_locked = any(locked_until(username, kind) is not None for kind in kinds)
    LoginThrottle.objects.filter(kind__in=kinds, key=username_key(username)).update(
        failures=0, window_start=None, locked_until=None)
    return was_locked


@dataclass
class Attempt:
    user: Any = None
    refusal: str = ""  # "", "invalid_login", "locked", "blocked", "expired"
    until: datetime | None = None


def attempt_login(request: Any, username: str, password: str) -> Attempt:
    """Check the locks, authenticate and count, all in one transaction (see the module docstring)."""
    policy, now, ip = SecurityPolicy.current(), timezone.now(), client_ip(request)
    with transaction.atomic():
        row = throttle_row(ThrottleKind.USERNAME, username_key(username), lock=True)
        address = LoginThrottle.objects.filter(kind=ThrottleKind.ADDRESS, key=ip).first() if ip else None
        if address is not None and address.locked_until and address.locked_until > now:
            audit_log(action=Action.REFUSED, summary=f"来源地址 {ip} 登录失败过多已暂停受理，拒绝 {username} 的登录",
                      actor_name=username, ip=ip)
            return Attempt(refusal="blocked", until=address.locked_until)
        if row.locked_until and row.locked_until > now:
            audit_log(action=Action.LOCKED, summary=f"{username} 在锁定期间尝试登录", actor_name=username, ip=ip)
            return Attempt(refusal="locked", until=row.locked_until)
        user = authenticate(request, username=username, password=password)
        if user is not None and user.is_active and account_expired(user, timezone.localdate(now)):
            audit_log(action=Action.REFUSED, summary=f"{username} 的账号已过有效期，拒绝登录", actor_name=username, ip=ip)
            return Attempt(refusal="expired")
        if user is not None and user.is_active:
            if row.failures or row.locked_until:
                row.failures, row.window_start, row.locked_until = 0, None, None
                row.save(update_fields=["failures", "window_start", "locked_until"])
            return Attempt(user=user)
        count_failure(row, now, policy.failure_limit, policy.failure_window_minutes, policy.lockout_minutes)
        if ip:
            address = throttle_row(ThrottleKind.ADDRESS, ip, lock=True)
            count_failure(address, now, policy.address_failure_limit, policy.address_window_minutes,
                           policy.address_block_minutes)
        lock = f"，账号锁定至 {timezone.localtime(row.locked_until):%H:%M}" if row.locked_until else ""
        audit_log(action=Action.LOGIN_FAILED, summary=f"{username} 登录失败{lock}", actor_name=username, ip=ip)
        return Attempt(refusal="invalid_login")


def login_complete(request: Any, user: Any, *, backend: str | None = None, by_password: bool = True,
                   via: str = "") -> None:
    """What every log-in does once the account may come in (the password form, single sign-on): Django's
    login (a new session key; its user_logged_in signal writes the LOGIN audit entry and the previous log-in
    line), then the password deadline of this log-in's policy. A log-in that used no password of ours
    (qinglian.sso) is marked instead: our password's age and forced change do not apply to that session, the
    identity system's password rules do. The second-factor gate and the expiry check follow on every request.
    `via` names the way in on the audit entry (统一身份认证); empty: the password form."""
    user.login_via = via  # read by the LOGIN audit entry (audit.signals)
    auth_login(request, user, backend=backend)
    if by_password:
        request.session.pop(NO_PASSWORD, None)
        remember_deadline(request)
    else:
        request.session[NO_PASSWORD] = True


class LoginForm(AuthenticationForm):
    error_messages = {"invalid_login": WRONG, "inactive": WRONG, "locked": LOCKED, "blocked": BLOCKED,
                      "expired": EXPIRED_ACCOUNT}

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.fields["username"].widget.attrs.update({"autofocus": True, "autocomplete": "username"})

    def clean(self) -> dict[str, Any]:
        username = (self.cleaned_data.get("username") or "").strip()
        password = self.cleaned_data.get("password")
        if not username or not password:
            raise forms.ValidationError(WRONG, code="invalid_login")
        attempt = attempt_login(self.request, username, password)
        if attempt.refusal:
            params = {"until": timezone.localtime(attempt.until).strftime("%H:%M")} if attempt.until else None
            raise forms.ValidationError(self.error_messages[attempt.refusal], code=attempt.refusal, params=params)
        self.user_cache = attempt.user
        return self.cleaned_data
