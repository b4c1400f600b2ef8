"""Log-in with lockout: N failures within a window lock the username for a while (SecurityPolicy).

django-axes was considered (STYLE: libraries first) but it counts failures since the first one without a
sliding window and reads its limits from settings, while the security admin edits the policy as data;
this is the ~50 lines that do exactly the rule of 等保 2.0 (docs/decisions.md).
An unknown username is counted and locked the same way, so the answers never tell which accounts exist.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.utils import timezone

from qinglian.audit.models import Action
from qinglian.audit.services import audit_log, client_ip
from qinglian.org.models import LoginFailure, SecurityPolicy

WRONG = "用户名或密码错误。"


def locked_until(username: str) -> Any:
    """When the lock on `username` ends, or None if it is not locked."""
    policy = SecurityPolicy.current()
    now = timezone.now()
    recent = list(
        LoginFailure.objects.filter(
            username=username, at__gte=now - timedelta(minutes=policy.failure_window_minutes + policy.lockout_minutes)
        ).order_by("at").values_list("at", flat=True)
    )
    limit, window = policy.failure_limit, timedelta(minutes=policy.failure_window_minutes)
    # Find the latest run of `limit` failures inside one window; the lock runs from its last failure.
    for i in range(len(recent) - limit, -1, -1):
        if recent[i + limit - 1] - recent[i] <= window:
            until = recent[i + limit - 1] + timedelta(minutes=policy.lockout_minutes)
            return until if until > now else None
    return None


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": WRONG,
        "inactive": WRONG,
        "locked": "该账号因多次登录失败已被临时锁定，请于 %(until)s 后再试，或联系安全管理员。",
    }

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
        until = locked_until(username)
        if until is not None:
            audit_log(action=Action.LOCKED, summary=f"{username} 在锁定期间尝试登录", actor_name=username,
                      ip=client_ip(self.request))
            raise forms.ValidationError(
                self.error_messages["locked"], code="locked",
                params={"until": timezone.localtime(until).strftime("%H:%M")},
            )
        user = authenticate(self.request, username=username, password=password)
        if user is None or not user.is_active:
            with transaction.atomic():
                LoginFailure.objects.create(username=username, at=timezone.now(), ip=client_ip(self.request))
                audit_log(action=Action.LOGIN_FAILED, summary=f"{username} 登录失败", actor_name=username,
                          ip=client_ip(self.request))
            raise forms.ValidationError(WRONG, code="invalid_login")
        self.user_cache = user
        return self.cleaned_data
