"""Single sign-on's rules: which account an identity is, whether it may log in, whether the identity system
already checked a second factor, and the log-in itself, which goes through the same completion as the
password form (qinglian.org.auth.login_complete): a new session key, the LOGIN audit entry and the previous
log-in line from Django's auth signal, then the second-factor gate and the account-expiry check of the
middleware on every later request.

No account is ever created here: an account belongs to a unit and holds a role the system admin and the
security admin assigned. Every refusal is audited as a failed password log-in would be.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import login as otp_login

from qinglian.audit.models import Action
from qinglian.audit.services import audit_log, client_ip
from qinglian.org.auth import BLOCKED, LOCKED, locked_until, login_complete
from qinglian.org.models import ThrottleKind, User, username_key
from qinglian.org.passwords import EXPIRED_ACCOUNT, account_expired
from qinglian.sso.models import DelegatedFactor

ID_TOKEN = "qinglian_sso_id_token"  # kept in the session for the provider's log-out (id_token_hint)

NOT_OPENED = ("统一身份认证已确认您的身份，但清廉台账尚未为您开通账号。请联系本单位的系统管理员开通账号，"
              "并告知下面的身份标识。")
NO_CLAIM = ("统一身份认证没有提供用于对应账号的身份标识（%(claim)s），无法登录。"
            "请联系系统管理员核对统一身份认证的配置。")
INACTIVE = "该账号已停用，不能登录。如需恢复使用，请联系系统管理员。"
INVALID = ("统一身份认证的登录结果未通过校验，未能登录。请回到登录页重新点击“统一身份认证登录”；"
           "如反复出现，请联系系统管理员。")
UNFINISHED = "统一身份认证登录未完成（已取消或已超时）。请回到登录页重新登录。"
UNAVAILABLE = "暂时无法连接统一身份认证系统，请稍后再试，或使用账号和密码登录。"
VALUE_MAX = 200  # a claim value shown and audited is cut here


class SsoRefused(Exception):
    """A log-in refused, already audited; `message` is what the user reads."""

    def __init__(self, message: str, *, status: int = 403, claim: str = "", value: str = "") -> None:
        super().__init__(message)
        self.message, self.status, self.claim, self.value = message, status, claim, value


@dataclass
class Identity:
    """What the identity system said about the person at this log-in (the ID token's claims win over the
    user-info endpoint's, and the second factor is read from the signed ID token alone)."""

    claims: dict[str, Any]
    id_token: str = ""
    second_factor: str = ""  # e.g. "amr: otp", "" when none was asserted


def _words(setting: str) -> set[str]:
    return {w.strip() for w in str(setting).split(",") if w.strip()}


def delegated_factor(id_token_claims: dict[str, Any]) -> str:
    """The configured amr entry or acr value the signed ID token asserts, as audit text; "" if none."""
    amr = id_token_claims.get("amr") or []
    amr = [amr] if isinstance(amr, str) else amr
    amr_hits = sorted(_words(settings.QINGLIAN_OIDC_MFA_AMR) & {str(a) for a in amr})
    if amr_hits:
        return "amr: " + ", ".join(amr_hits)
    acr = str(id_token_claims.get("acr") or "")
    return f"acr: {acr}" if acr and acr in _words(settings.QINGLIAN_OIDC_MFA_ACR) else ""


def _refuse(request: Any, action: str, summary: str, name: str, message: str, **extra: Any) -> SsoRefused:
    audit_log(action=action, summary=summary, actor_name=name, ip=client_ip(request))
    return SsoRefused(message, **extra)


def sso_refused(*, request: Any, message: str, cause: str, status: int) -> SsoRefused:
    """A flow that failed before any account was known (a token that fails verification, a cancelled log-in,
    an unreachable provider): audited with its cause, which the user is not shown."""
    return _refuse(request, Action.LOGIN_FAILED, f"统一身份认证登录失败：{cause}"[:500], "统一身份认证", message,
                   status=status)


def identity_account(*, request: Any, identity: Identity) -> User:
    """The existing account the identity maps to by the configured claim, if it may log in now; else
    SsoRefused (audited). Checked as at a password log-in: active, not locked, the address not blocked, not
    past its expiry date. Failures are not counted towards the lockout: no password of ours was tried."""
    claim = settings.QINGLIAN_OIDC_USERNAME_CLAIM
    value = str(identity.claims.get(claim) or "").strip()[:VALUE_MAX]
    if not value:
        sub = str(identity.claims.get("sub", ""))[:VALUE_MAX]
        raise _refuse(request, Action.LOGIN_FAILED, f"统一身份认证登录被拒绝：身份标识 {claim} 缺失（sub {sub}）",
                      sub or "统一身份认证", NO_CLAIM % {"claim": claim}, claim=claim)
    user = User.objects.select_related("unit", "person").filter(username_key=username_key(value)).first()
    if user is None:
        raise _refuse(request, Action.LOGIN_FAILED, f"统一身份认证登录被拒绝：{claim} {value} 没有对应的账号（未开通）",
                      value, NOT_OPENED, claim=claim, value=value)
    name, now, ip = user.username, timezone.now(), client_ip(request)
    if not user.is_active:
        raise _refuse(request, Action.REFUSED, f"{name} 的账号已停用，拒绝统一身份认证登录", name, INACTIVE)
    blocked = locked_until(ip, ThrottleKind.ADDRESS) if ip else None
    if blocked:
        raise _refuse(request, Action.REFUSED, f"来源地址 {ip} 登录失败过多已暂停受理，拒绝 {name} 的统一身份认证登录",
                      name, BLOCKED % {"until": f"{timezone.localtime(blocked):%H:%M}"})
    until = locked_until(name)
    if until:
        raise _refuse(request, Action.LOCKED, f"{name} 在锁定期间尝试统一身份认证登录", name,
                      LOCKED % {"until": f"{timezone.localtime(until):%H:%M}"})
    if account_expired(user, timezone.localdate(now)):
        raise _refuse(request, Action.REFUSED, f"{name} 的账号已过有效期，拒绝统一身份认证登录", name, EXPIRED_ACCOUNT)
    return user


def sso_login(*, request: Any, user: User, identity: Identity) -> None:
    """Log `user` in: the shared completion, then, when the identity system asserted a configured second
    factor, the session marked verified (the three admins then skip our code page); otherwise the gate sends
    an account that needs a second factor to our code page, as after a password."""
    with transaction.atomic():
        login_complete(request, user, backend="qinglian.org.backends.UnitAwareBackend", by_password=False,
                       via="统一身份认证")
        if identity.second_factor:
            device, _ = DelegatedFactor.objects.get_or_create(
                user=user, defaults={"name": "统一身份认证", "confirmed": True})
            otp_login(request, device)
            audit_log(action=Action.FACTOR, summary=f"{user.username} 的第二因素由统一身份认证确认（{identity.second_factor}）",
                      actor=user, ip=client_ip(request))
    if identity.id_token:
        request.session[ID_TOKEN] = identity.id_token
