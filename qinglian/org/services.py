"""Writes on the unit tree and accounts, and resolving a unit named on the command line."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from qinglian.audit.models import Action
from qinglian.audit.services import audit_log, client_ip
from qinglian.lib.services import record_create
from qinglian.org.models import ADMIN_ROLES, BUSINESS_ROLES, SEGMENT, Person, Role, Unit, User, path_successor


def _next_path(parent: Unit | None) -> str:
    prefix = parent.path if parent else ""
    siblings = Unit.with_deleted.filter(parent=parent) if parent else Unit.with_deleted.filter(parent__isnull=True)
    last = siblings.aggregate(m=Max("path"))["m"]
    number = int(last[-SEGMENT:]) + 1 if last else 1
    if number >= 10**SEGMENT:
        raise ValidationError("同一上级单位下的下级单位过多（上限 9999 个）。")
    return prefix + str(number).zfill(SEGMENT)


def unit_create(*, user: Any, name: str, kind: str, parent: Unit | None, short_name: str = "", order: int = 0,
                request: Any = None) -> Unit:
    with transaction.atomic():
        unit = Unit(name=name, kind=kind, parent=parent, short_name=short_name, order=order,
                    path=_next_path(parent), full_name=f"{parent.full_name}/{name}" if parent else name)
        return record_create(user=user, obj=unit, request=request)


# Apps that copy a unit's tree path into their own rows register here (in AppConfig.ready) to be told,
# inside the same transaction, that the subtree under `unit` moved. Explicit, not a signal.
UNIT_MOVED_HOOKS: list[Callable[..., Any]] = []


def on_unit_moved(hook: Callable[..., Any]) -> Callable[..., Any]:
    if hook not in UNIT_MOVED_HOOKS:
        UNIT_MOVED_HOOKS.append(hook)
    return hook


def unit_save(*, user: Any, unit: Unit, request: Any = None) -> Unit:
    """Create or update a unit from the admin; moving it rewrites the paths and names of its subtree."""
    if unit.pk is None:
        return unit_create(user=user, name=unit.name, kind=unit.kind, parent=unit.parent,
                           short_name=unit.short_name, order=unit.order, request=request)
    with transaction.atomic():
        old = Unit.with_deleted.select_for_update().get(pk=unit.pk)
        if unit.parent_id and unit.parent.is_within(old):
            raise ValidationError("不能把单位移到它自己的下级单位之下。")
        new_path = old.path if unit.parent_id == old.parent_id else _next_path(unit.parent)
        new_full = f"{unit.parent.full_name}/{unit.name}" if unit.parent_id else unit.name
        descendants = list(Unit.with_deleted.filter(path__gt=old.path, path__lt=path_successor(old.path)))
        unit.path, unit.full_name, unit.version = new_path, new_full, old.version + 1
        unit.full_clean()
        unit.save()
        for child in descendants:
            child.path = new_path + child.path[len(old.path):]
            child.full_name = new_full + child.full_name[len(old.full_name):]
        Unit.with_deleted.bulk_update(descendants, ["path", "full_name"], batch_size=500)
        if new_path != old.path:
            for hook in UNIT_MOVED_HOOKS:
                hook(unit=unit)
        audit_log(action=Action.UPDATE, summary=f"修改单位：{unit.full_name}", actor=user, ip=client_ip(request),
                  obj=unit, before={"full_name": old.full_name, "kind": old.kind}, after={"full_name": new_full,
                                                                                       "kind": unit.kind})
    return unit


class UnitNotFound(ValueError):
    pass


def resolve_unit(text: str) -> Unit:
    """A unit given as its id, its full name ("示范县/县委/县委宣传部") or a name unique in the tree."""
    text = str(text).strip()
    if text.isdigit():
        unit = Unit.objects.filter(pk=int(text)).first()
        if unit:
            return unit
    unit = Unit.objects.filter(full_name=text).first()
    if unit:
        return unit
    matches = list(Unit.objects.filter(name=text)[:5]) or list(Unit.objects.filter(short_name=text)[:5])
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise UnitNotFound(f"找不到单位“{text}”：请写单位编号、全称（如 示范县/县委/县委宣传部）或唯一的名称。"
                           "可用 qinglian units 查看。")
    names = "、".join(u.full_name for u in matches)
    raise UnitNotFound(f"名称“{text}”不唯一（{names}），请写单位全称或编号。")


def user_create(*, actor: Any, username: str, role: str, unit: Unit | None, password: str,
                person: Person | None = None, must_change: bool = True) -> User:
    """A new account. `qinglian createuser` (run by whoever holds the server) may give any role; the system
    admin's accounts get none (role "") until the security admin grants one. The password is single-use
    (changed at first log-in) unless `must_change` is False (`createuser --keep`, for the holder's own)."""
    if role not in ("", *Role.values):
        raise ValidationError(f"角色“{role}”无效，可选：" + "、".join(f"{r.value}（{r.label}）" for r in Role))
    if role in ADMIN_ROLES and person is not None and person.accounts.filter(role__in=list(ADMIN_ROLES)).exists():
        raise ValidationError("同一人不能同时担任系统管理员、安全管理员、审计管理员中的两个（三员分立）。")
    user = User(username=username, role=role, unit=unit, person=person, must_change_password=must_change)
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.full_clean()
        user.save()
        audit_log(action=Action.CREATE, summary=f"新增账号 {username}（{user.get_role_display() or '未授予角色'}）",
                  actor=actor, obj=user, unit_id=unit.pk if unit else None,
                  after={"username": username, "role": role, "unit": unit.pk if unit else None})
    return user


ACCOUNT_FIELDS = ("username", "first_name", "last_name", "email", "unit_id", "person_id", "is_active")


def account_snapshot(account: User) -> dict[str, Any]:
    return {f: getattr(account, f) for f in ACCOUNT_FIELDS}


def account_save(*, actor: Any, account: User, request: Any = None) -> User:
    """Create or change an account from the system admin's site: never its role (the security admin's)."""
    with transaction.atomic():
        old = User.objects.select_for_update().filter(pk=account.pk).first() if account.pk else None
        if old is not None:
            account.role = old.role
            account.must_change_password = old.must_change_password
        else:
            account.role = ""
            account.must_change_password = True  # the system admin chose it: the holder changes it first
        account.is_superuser = False
        account.full_clean(exclude=["password"])
        account.save()
        after = account_snapshot(account)
        before = account_snapshot(old) if old is not None else None
        if old is None:
            summary = f"新建账号 {account.username}（未授予角色，待安全管理员授权）"
        else:
            changed = [User._meta.get_field(f.removesuffix("_id")).verbose_name for f in ACCOUNT_FIELDS
                       if before and before[f] != after[f]]
            summary = f"修改账号 {account.username}：" + ("、".join(str(c) for c in changed) or "无变化")
            if before and before["is_active"] and not after["is_active"]:
                summary = f"停用账号 {account.username}"
        audit_log(action=Action.CREATE if old is None else Action.UPDATE, summary=summary, actor=actor,
                  ip=client_ip(request), obj=account, before=before, after=after)
    return account


def account_password_reset(*, actor: Any, account: User, password: str, request: Any = None) -> User:
    """Set a password someone else chose (`qinglian account reset-password`, run by whoever holds the server):
    checked against the password policy, single-use (changed at the next log-in), audited. Django's own
    `changepassword` is refused (org/management/commands/changepassword.py): it audits nothing."""
    validate_password(password, account)
    with transaction.atomic():
        account = User.objects.select_for_update().get(pk=account.pk)
        account.set_password(password)
        account.must_change_password = True
        account.save()
        audit_log(action=Action.UPDATE, summary=f"重置账号 {account.username} 的密码（首次登录须修改）", actor=actor,
                  ip=client_ip(request), obj=account, unit_id=account.unit_id,
                  after={"must_change_password": True})
    return account


def account_password_reset_audit(*, actor: Any, account: User, request: Any = None) -> None:
    audit_log(action=Action.UPDATE, summary=f"重置账号 {account.username} 的密码", actor=actor,
              ip=client_ip(request), obj=account)


def account_unlock(*, actor: Any, account: User, request: Any = None) -> bool:
    """Clear the account's log-in failures and lock; audited whether or not it was locked."""
    from qinglian.org.auth import unlock

    with transaction.atomic():
        was_locked = unlock(account.username)
        audit_log(action=Action.UPDATE, actor=actor, ip=client_ip(request), obj=account,
                  summary=f"解除账号 {account.username} 的登录锁定" + ("" if was_locked else "（该账号未被锁定）"))
    return was_locked


class RoleChangeRefused(ValueError):
    """A grant or revoke the rules forbid; the message says why, in Chinese."""


def _role_label(role: str) -> str:
    return Role(role).label if role else "未授予角色"


def account_grant_role(*, actor: Any, account: User, role: str, request: Any = None) -> User:
    """The security admin grants a role to an account that holds none (三员分立: one role per account, one
    admin role per person, never to oneself)."""
    if getattr(actor, "role", None) != Role.SECADMIN:
        raise RoleChangeRefused("只有安全管理员可以授予角色。")
    if role not in Role.values:
        raise RoleChangeRefused("请选择要授予的角色。")
    with transaction.atomic():
        account = User.objects.select_for_update().get(pk=account.pk)
        if account.pk == actor.pk:
            raise RoleChangeRefused("不能给自己授予角色：请由另一名安全管理员办理。")
        if account.role:
            raise RoleChangeRefused(f"该账号已有角色“{_role_label(account.role)}”，一个账号只能有一个角色："
                                    "请先撤销现有角色，再授予新角色。")
        if role in BUSINESS_ROLES and account.unit_id is None:
            raise RoleChangeRefused("业务角色需要所属单位：请先请系统管理员为该账号设置所属单位。")
        if role in ADMIN_ROLES and account.person_id is None:
            raise RoleChangeRefused("管理员角色需要账号对应到干部，才能核实同一人不兼任两个管理员角色（三员分立）："
                                    "请先请系统管理员为该账号设置“对应干部”。")
        if role in ADMIN_ROLES and User.objects.filter(
            person_id=account.person_id, role__in=list(ADMIN_ROLES)
        ).exclude(pk=account.pk).exists():
            raise RoleChangeRefused("该账号对应的干部已担任另一个管理员角色：同一人不能同时担任系统管理员、"
                                    "安全管理员、审计管理员中的两个（三员分立）。")
        account.role = role
        account.save(update_fields=["role"])
        audit_log(action=Action.UPDATE, summary=f"授予账号 {account.username} 角色：{_role_label(role)}", actor=actor,
                  ip=client_ip(request), obj=account, unit_id=account.unit_id, before={"role": ""},
                  after={"role": role})
    return account


def account_revoke_role(*, actor: Any, account: User, request: Any = None) -> User:
    if getattr(actor, "role", None) != Role.SECADMIN:
        raise RoleChangeRefused("只有安全管理员可以撤销角色。")
    with transaction.atomic():
        account = User.objects.select_for_update().get(pk=account.pk)
        if account.pk == actor.pk:
            raise RoleChangeRefused("不能撤销自己的角色：请由另一名安全管理员办理。")
        if not account.role:
            raise RoleChangeRefused("该账号尚未授予角色，无需撤销。")
        before = account.role
        account.role = ""
        account.save(update_fields=["role"])
        audit_log(action=Action.UPDATE, summary=f"撤销账号 {account.username} 的角色：{_role_label(before)}",
                  actor=actor, ip=client_ip(request), obj=account, unit_id=account.unit_id,
                  before={"role": before}, after={"role": ""})
    return account


def person_create(*, user: Any, unit: Unit, name: str, post: str = "", team_role: str = "staff",
                  portfolio: str = "", order: int = 0) -> Person:
    return record_create(user=user, obj=Person(unit=unit, name=name, post=post, team_role=team_role,
                                               portfolio=portfolio, order=order))


def account_set_clearance(*, actor: Any, account: User, clearance: str, can_unmask: bool,
                          request: Any = None) -> User:
    """The security admin sets an account's 可阅密级 and grants or revokes 查看完整号码; audited like a role
    grant (never to oneself)."""
    from qinglian.lib.models import SecurityLabel

    if getattr(actor, "role", None) != Role.SECADMIN:
        raise RoleChangeRefused("只有安全管理员可以设定可阅密级和查看完整号码的权限。")
    if clearance not in SecurityLabel.values:
        raise RoleChangeRefused("请选择可阅密级：公开、内部或敏感。")
    with transaction.atomic():
        account = User.objects.select_for_update().get(pk=account.pk)
        if account.pk == actor.pk:
            raise RoleChangeRefused("不能调整自己的可阅密级或查看权限：请由另一名安全管理员办理。")
        before = {"clearance": account.clearance, "can_unmask": account.can_unmask}
        after = {"clearance": clearance, "can_unmask": bool(can_unmask)}
        if before == after:
            return account
        account.clearance, account.can_unmask = clearance, bool(can_unmask)
        account.save(update_fields=["clearance", "can_unmask"])
        parts = []
        if before["clearance"] != clearance:
            parts.append(f"可阅密级由“{SecurityLabel(before['clearance']).label}”改为“{SecurityLabel(clearance).label}”")
        if before["can_unmask"] != after["can_unmask"]:
            parts.append("授予查看完整号码权限" if can_unmask else "撤销查看完整号码权限")
        audit_log(action=Action.UPDATE, summary=f"账号 {account.username}：" + "，".join(parts), actor=actor,
                  ip=client_ip(request), obj=account, unit_id=account.unit_id, before=before, after=after)
    return account


UNMASKED_FIELDS = {"phone": "手机号码", "id_number": "身份证号码"}


class UnmaskRefused(PermissionError):
    """An account without the grant asked for a full number."""


def person_unmask(*, user: Any, person: Person, reason: str = "", request: Any = None) -> dict[str, str]:
    """The full phone and ID numbers of `person`, for an account the security admin granted `can_unmask`
    (the caller has fetched `person` through visible_to). One audit row each time, naming whose numbers were
    shown and why, never the numbers themselves."""
    if not getattr(user, "can_unmask", False) or not getattr(user, "is_business", False):
        raise UnmaskRefused("您没有查看完整号码的权限：如工作需要，请向安全管理员申请。")
    shown = {name: str(getattr(person, name) or "") for name in UNMASKED_FIELDS}
    what = "、".join(label for name, label in UNMASKED_FIELDS.items() if shown[name]) or "号码（均未登记）"
    reason = reason.strip()[:200]
    with transaction.atomic():
        audit_log(action=Action.UNMASK, summary=f"查看 {person.name}（{person.unit.name}）的完整{what}"
                  + (f"，事由：{reason}" if reason else ""), actor=user, ip=client_ip(request), obj=person,
                  unit_id=person.unit_id, after={"fields": [n for n in UNMASKED_FIELDS if shown[n]],
                                                 "reason": reason})
    return shown
