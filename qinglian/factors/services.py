"""Who must show a second factor, and the audited actions on factors: a code entered at log-in (counted and
locked like passwords), an enrolment confirmed, recovery codes issued, a factor reset by the security admin.

Wrong codes lock as wrong passwords do (SecurityPolicy.failure_limit within failure_window_minutes locks for
lockout_minutes), on the account's LoginThrottle row of kind CODE, under the same row lock as qinglian.org.auth:
concurrent codes for one account are taken one at a time, so the limit is exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_otp.models import Device

from qinglian.audit.models import Action
from qinglian.audit.services import audit_log, client_ip
from qinglian.factors.base import SecondFactor
from qinglian.factors.totp import TOTP, is_recovery, recovery_codes_issue, recovery_codes_left
from qinglian.org.auth import count_failure, throttle_row
from qinglian.org.models import ADMIN_ROLES, SecurityPolicy, ThrottleKind, username_key

# The factors a log-in accepts; a certificate factor would be added here.
FACTORS: tuple[SecondFactor, ...] = (TOTP,)

WRONG_CODE = "动态口令不正确或已使用过：请输入验证器应用上新显示的 6 位数字，或一个未用过的恢复码。"
CODE_LOCKED = ("动态口令连续输入错误次数过多，该账号已被临时锁定，请于 %(until)s 后再试，"
               "或联系系统管理员解除锁定。")


def factor_required(user: Any) -> bool:
    """The three admins always; everyone else when the security policy says so, or when they enrolled."""
    if user.role in ADMIN_ROLES or user.is_superuser:
        return True
    return SecurityPolicy.current().business_second_factor or is_enrolled(user)


def is_enrolled(user: Any) -> bool:
    return any(factor.is_enrolled(user) for factor in FACTORS)


@dataclass
class CodeAttempt:
    device: Device | None = None
    refusal: str = ""  # "", "wrong", "locked"
    until: datetime | None = None
    recovery_left: int | None = None  # set when a recovery code was spent


def code_attempt(*, request: Any, user: Any, code: str) -> CodeAttempt:
    """Check the lock, verify and count, in one transaction that holds the account's CODE row."""
    policy, now, ip = SecurityPolicy.current(), timezone.now(), client_ip(request)
    with transaction.atomic():
        row = throttle_row(ThrottleKind.CODE, username_key(user.username), lock=True)
        if row.locked_until and row.locked_until > now:
            audit_log(action=Action.LOCKED, summary=f"{user.username} 在动态口令锁定期间输入口令", actor=user, ip=ip)
            return CodeAttempt(refusal="locked", until=row.locked_until)
        device = next((d for d in (f.verify(user, code) for f in FACTORS) if d is not None), None)
        if device is not None:
            if row.failures or row.locked_until:
                row.failures, row.window_start, row.locked_until = 0, None, None
                row.save(update_fields=["failures", "window_start", "locked_until"])
            left = recovery_codes_left(user) if is_recovery(device) else None
            how = f"恢复码（剩余 {left} 个）" if left is not None else "动态口令"
            audit_log(action=Action.FACTOR, summary=f"{user.username} 通过第二因素验证：{how}", actor=user, ip=ip)
            return CodeAttempt(device=device, recovery_left=left)
        count_failure(row, now, policy.failure_limit, policy.failure_window_minutes, policy.lockout_minutes)
        lock = f"，账号锁定至 {timezone.localtime(row.locked_until):%H:%M}" if row.locked_until else ""
        audit_log(action=Action.LOGIN_FAILED, summary=f"{user.username} 动态口令错误{lock}", actor=user, ip=ip)
        if row.locked_until:
            return CodeAttempt(refusal="locked", until=row.locked_until)
        return CodeAttempt(refusal="wrong")


def factor_enrol_confirm(*, request: Any, user: Any, device: Any, code: str) -> list[str] | None:
    """Confirm a pending enrolment with a current code: it replaces the old factor and ten new recovery codes
    are issued (returned, to be shown once). None if the code is not accepted (the old factor keeps working)."""
    again = TOTP.is_enrolled(user)
    with transaction.atomic():
        if not TOTP.confirm_enrolment(user, device, code):
            return None
        codes = recovery_codes_issue(user)
        audit_log(action=Action.FACTOR, summary=f"{user.username} {'更换' if again else '绑定'}动态口令，并生成 10 个恢复码",
                  actor=user, ip=client_ip(request), obj=user)
    return codes


def recovery_codes_renew(*, request: Any, user: Any) -> list[str]:
    with transaction.atomic():
        codes = recovery_codes_issue(user)
        audit_log(action=Action.FACTOR, summary=f"{user.username} 重新生成恢复码（原恢复码作废）", actor=user,
                  ip=client_ip(request), obj=user)
    return codes


def factor_reset(*, actor: Any, account: Any, request: Any = None) -> None:
    """The security admin removes an account's second factor (a lost phone): its verified sessions stop being
    verified at their next request, and its next log-in enrols afresh."""
    with transaction.atomic():
        for factor in FACTORS:
            factor.reset(account)
        audit_log(action=Action.FACTOR, summary=f"重置 {account.username} 的动态口令（须重新绑定）", actor=actor,
                  ip=client_ip(request) if request is not None else None, obj=account)
