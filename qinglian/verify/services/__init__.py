"""Writes of the verification app, one module per concern (as `models`): keyword-only, atomic, audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from qinglian.audit.models import Action
from qinglian.audit.services import audit_log


def refuse(user: Any, message: str, obj: Any = None) -> PermissionDenied:
    """A refused attempt: audited, then raised by the caller."""
    audit_log(action=Action.REFUSED, summary=message, actor=user, obj=obj)
    return PermissionDenied(message)


def require(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(f"请填写{what}。")
    return text


def date_zh(day: Any) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
