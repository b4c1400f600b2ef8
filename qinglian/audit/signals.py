"""Log-ins and log-outs are audited from Django's auth signals; business changes never are (services do it)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from qinglian.audit.models import Action
from qinglian.audit.services import audit_log, client_ip


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_log(action=Action.LOGIN, summary=f"{user.username} 登录", actor=user, ip=client_ip(request))


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_log(action=Action.LOGOUT, summary=f"{user.username} 退出", actor=user, ip=client_ip(request))
