"""Generic writes for business records: created/changed by, optimistic locking, soft delete, audit row.

Domain services (`ledger_problem_create`, …) call these so that every app inherits the same guarantees.
The audit row is written in the same transaction as the change: if it fails, the change fails.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from qinglian.audit.models import Action, AuditEntry
from qinglian.audit.services import audit_log
from qinglian.lib import tracking
from qinglian.lib.models import Record

R = TypeVar("R", bound=Record)


@dataclass(frozen=True)
class Change:
    who: str
    when: Any
    field: str
    old: Any
    new: Any

    def __str__(self) -> str:
        when = timezone.localtime(self.when).strftime("%Y-%m-%d %H:%M")
        return f"{self.who} 于 {when} 将“{self.field}”由“{_show(self.old)}”改为“{_show(self.new)}”"


def _show(value: Any) -> str:
    return "（空）" if value in (None, "") else str(value)


class ConflictError(Exception):
    """Someone saved the record after the user opened it. Carries what they changed, in Chinese."""

    def __init__(self, obj: Record, changes: list[Change]) -> None:
        self.obj = obj
        self.changes = changes
        lines = "；".join(str(c) for c in changes) or "内容已被他人修改"
        super().__init__(f"保存失败：您打开之后，此记录已被他人修改（{lines}）。请核对最新内容后重新修改。")


def _actor_name(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "系统"
    return str(getattr(user, "display_name", user.username))


def _user_or_none(user: Any) -> Any:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def changes_since(obj: Record, version: int) -> list[Change]:
    """The field changes other people made after `version`, read back from the audit trail."""
    entries = AuditEntry.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk), object_version__gt=version,
        action=Action.UPDATE,
    ).order_by("id")
    result: list[Change] = []
    for entry in entries:
        before, after = entry.before or {}, entry.after or {}
        for key in after:
            if before.get(key) != after.get(key):
                result.append(Change(entry.actor_name, entry.at, type(obj).field_label(key), before.get(key),
                                     after.get(key)))
    return result


def record_create(*, user: Any, obj: R, summary: str = "", request: Any = None) -> R:
    with transaction.atomic():
        obj.created_by = _user_or_none(user)
        obj.updated_by = _user_or_none(user)
        obj.version = 1
        obj.full_clean()
        summary = summary or f"新增{obj._meta.verbose_name}：{obj}"
        with tracking.reason(summary):
            obj.save()
        audit_log(action=Action.CREATE, summary=summary, actor=user, ip=_ip(request), obj=obj,
                  after=obj.snapshot())
    return obj


def record_update(
    *, user: Any, obj: R, data: Mapping[str, Any], version: int, summary: str = "", request: Any = None,
    action: str = Action.UPDATE,
) -> R:
    """Apply `data` to `obj` if nobody saved it since `version`; else raise ConflictError."""
    model = type(obj)
    with transaction.atomic():
        current = model.with_deleted.select_for_update().get(pk=obj.pk)
        if current.version != version:
            raise ConflictError(current, changes_since(current, version))
        if current.deleted_at is not None:
            raise ValidationError("该记录已被删除，请先恢复后再修改。")
        before = current.snapshot()
        for key, value in data.items():
            setattr(current, key, value)
        current.full_clean()
        after = current.snapshot()
        changed = {k: v for k, v in after.items() if before.get(k) != v}
        current.version = version + 1
        current.updated_by = _user_or_none(user)
        summary = summary or f"修改{model._meta.verbose_name}：{current}"
        with tracking.reason(summary):
            current.save()
        audit_log(action=action, summary=summary, actor=user, ip=_ip(request), obj=current,
                  before={k: before.get(k) for k in changed}, after=changed)
    obj.__dict__.update(current.__dict__)
    return current


def record_delete(*, user: Any, obj: R, version: int | None = None, request: Any = None) -> R:
    """Soft delete: the row stays, hidden from lists, restorable with everything it had."""
    return _set_deleted(user=user, obj=obj, deleted=True, version=version, request=request)


def record_restore(*, user: Any, obj: R, request: Any = None) -> R:
    return _set_deleted(user=user, obj=obj, deleted=False, version=None, request=request)


def _set_deleted(*, user: Any, obj: R, deleted: bool, version: int | None, request: Any) -> R:
    model = type(obj)
    with transaction.atomic():
        current = model.with_deleted.select_for_update().get(pk=obj.pk)
        if version is not None and current.version != version:
            raise ConflictError(current, changes_since(current, version))
        current.deleted_at = timezone.now() if deleted else None
        current.version += 1
        current.updated_by = _user_or_none(user)
        verb = "删除" if deleted else "恢复"
        summary = f"{verb}{model._meta.verbose_name}：{current}"
        with tracking.reason(summary):
            current.save()
        audit_log(action=Action.DELETE if deleted else Action.RESTORE, summary=summary, actor=user, ip=_ip(request),
                  obj=current, before=current.snapshot() if deleted else None,
                  after=None if deleted else current.snapshot())
    obj.__dict__.update(current.__dict__)
    return current


def _ip(request: Any) -> str | None:
    from qinglian.audit.services import client_ip

    return client_ip(request)


def policy_update(*, user: Any, form: Any, defaults: Mapping[str, Any], summary: str, request: Any = None) -> Any:
    """Validate and save a one-row policy ModelForm (SecurityPolicy, RatePolicy) with what each field was and
    became in the audit trail; None when the form is invalid. The values before are read before validation,
    since a ModelForm writes its cleaned values onto its instance while validating."""
    instance = form.instance
    before = {k: getattr(instance, k) for k in form.fields} if instance.pk else dict(defaults)
    if not form.is_valid():
        return None
    with transaction.atomic():
        saved = form.save()
        audit_log(action=Action.UPDATE, summary=summary, actor=user, ip=_ip(request), obj=saved, before=before,
                  after={k: getattr(saved, k) for k in form.fields})
    return saved
