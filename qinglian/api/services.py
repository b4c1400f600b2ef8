"""Personal access tokens: created (in a session that passed the second factor), revoked, looked up; every
change audited. The secret is returned once by `token_create` and never stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from qinglian.api.models import PersonalAccessToken, Scope
from qinglian.audit.models import Action
from qinglian.audit.services import audit_log, client_ip
from qinglian.org.passwords import account_expired

PREFIX = "qlt_"  # 清廉台账 token: a scanner finding one in a file knows what it is
MAX_DAYS = 180
MAX_TOKENS = 20  # usable tokens per account
TOUCH_SECONDS = 60  # last_used_at is written at most once a minute per token


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def may_hold_token(user: Any) -> bool:
    """Business accounts only: the API serves business data, which the three admins never see."""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_business", False))


def token_create(*, user: Any, name: str, scope: str, days: int, verified: bool, request: Any = None,
                 now: dt.datetime | None = None) -> tuple[PersonalAccessToken, str]:
    """A new token of `user` valid for `days` (1..MAX_DAYS); returns it with its secret (shown once).
    `verified`: the session passed the second factor (django-otp's is_verified()); without it, refused."""
    now = now or timezone.now()
    if not may_hold_token(user):
        raise PermissionDenied("只有录入员、负责人和监督员可以创建接口令牌。")
    if not verified:
        raise PermissionDenied("创建接口令牌须先通过动态口令验证：请绑定动态口令后重新登录，再创建令牌。")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": ["请填写令牌用途，如“市纪委数据报送系统读取台账”。"]})
    if scope not in Scope.values:
        raise ValidationError({"scope": ["请选择令牌权限：只读或读写。"]})
    if scope == Scope.WRITE and not user.can_write:
        raise ValidationError({"scope": ["您的角色只能读取，请选择只读令牌。"]})
    if not 1 <= int(days) <= MAX_DAYS:
        raise ValidationError({"days": [f"有效期须在 1 到 {MAX_DAYS} 天之间，到期后可再创建新令牌。"]})
    secret = PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        if PersonalAccessToken.objects.filter(user=user).usable(now).count() >= MAX_TOKENS:
            raise ValidationError(f"每个账号最多同时持有 {MAX_TOKENS} 个有效令牌，请先撤销不再使用的令牌。")
        token = PersonalAccessToken.objects.create(
            user=user, name=name[:100], scope=scope, token_hash=token_hash(secret), prefix=secret[:10],
            created_at=now, expires_at=now + dt.timedelta(days=int(days)))
        audit_log(action=Action.CREATE, actor=user, ip=client_ip(request), obj=token,
                  summary=f"创建接口令牌 #{token.pk}（{token.get_scope_display()}，{days} 天，用途：{token.name}）")
    return token, secret


def token_revoke(*, user: Any, token: PersonalAccessToken, request: Any = None) -> PersonalAccessToken:
    """Revoke one of `user`'s own tokens; it answers 401 from the next request on."""
    if token.user_id != getattr(user, "pk", None):
        raise PermissionDenied("只能撤销自己的接口令牌。")
    with transaction.atomic():
        updated = PersonalAccessToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now())
        if updated:
            audit_log(action=Action.UPDATE, actor=user, ip=client_ip(request), obj=token,
                      summary=f"撤销接口令牌 #{token.pk}（{token.name}）")
    token.refresh_from_db()
    return token


def token_for(secret: str, *, now: dt.datetime | None = None) -> PersonalAccessToken | None:
    """The usable token of `secret` whose account may still use it (active, business, not expired); else None."""
    if not secret or len(secret) > 100 or not secret.startswith(PREFIX):
        return None
    now = now or timezone.now()
    token = (PersonalAccessToken.objects.usable(now).select_related("user", "user__unit", "user__person")
             .filter(token_hash=token_hash(secret)).first())
    if token is None:
        return None
    user = token.user
    if not user.is_active or not may_hold_token(user) or account_expired(user, timezone.localdate(now)):
        return None
    if token.scope == Scope.WRITE and not user.can_write:  # the role was changed to supervisor since
        return None
    return token


def token_touch(token: PersonalAccessToken, request: Any, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= TOUCH_SECONDS:
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=client_ip(request))
