"""Log-ins and log-outs are audited from Django's auth signals; business changes never are (services do it)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.utils import timezone

from qinglian.audit.models import Action, AuditEntry
from qinglian.audit.services import audit_log, client_ip


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "_messages"):
        messages.info(request, previous_login_line(user))
    via = getattr(user, "login_via", "")
    audit_log(action=Action.LOGIN, summary=f"{user.username} 登录{f'（{via}）' if via else ''}", actor=user,
              ip=client_ip(request))


def previous_login_line(user: Any) -> str:
    """What the user is told after logging in (等保: the previous log-in and the failures since), read from
    the audit trail before this log-in is written."""
    previous = (AuditEntry.objects.filter(actor_id=user.pk, action=Action.LOGIN).order_by("-id")
                .only("id", "at", "ip").first())
    failures = AuditEntry.objects.filter(action__in=[Action.LOGIN_FAILED, Action.LOCKED],
                                         actor_name__iexact=user.username, id__gt=previous.id if previous else 0)
    n = failures.count()
    tail = f"此后有 {n} 次以本账号登录失败，如非本人操作，请立即修改密码并联系安全管理员。" if n else "此后没有登录失败。"
    if previous is None:
        return "这是本账号的首次登录。" + (tail if n else "")
    when = timezone.localtime(previous.at).strftime("%Y-%m-%d %H:%M")
    return f"上次登录：{when}，来自 {previous.ip or '未知地址'}。{tail}"


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_log(action=Action.LOGOUT, summary=f"{user.username} 退出", actor=user, ip=client_ip(request))
