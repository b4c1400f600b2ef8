"""The admin site is the system admin's tool for units and accounts, and nothing else (三员分立)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from qinglian.org.models import Person, Role, Unit, User

admin.site.site_header = "清廉台账 · 系统管理"
admin.site.site_title = "清廉台账"
admin.site.index_title = "单位与账号"


def _sysadmin_only(request: HttpRequest) -> bool:
    user: Any = request.user
    return bool(user.is_active and user.is_authenticated and getattr(user, "role", "") == Role.SYSADMIN)


admin.site.has_permission = _sysadmin_only  # type: ignore[method-assign]


class SysadminOnly(admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return _sysadmin_only(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _sysadmin_only(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _sysadmin_only(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _sysadmin_only(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # units and people are soft-deleted, never removed


@admin.register(Unit)
class UnitAdmin(SysadminOnly):
    list_display = ["full_name", "kind", "order"]
    search_fields = ["name", "full_name"]
    list_filter = ["kind"]
    fields = ["name", "short_name", "kind", "parent", "order"]
    autocomplete_fields = ["parent"]

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        from qinglian.org.services import unit_save

        unit_save(user=request.user, unit=obj, request=request)


@admin.register(Person)
class PersonAdmin(SysadminOnly):
    list_display = ["name", "unit", "post", "team_role"]
    search_fields = ["name", "post"]
    list_filter = ["team_role"]
    fields = ["name", "unit", "post", "team_role", "portfolio", "order"]
    autocomplete_fields = ["unit"]

    def save_model(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> None:
        from qinglian.lib.services import record_create, record_update

        if change:
            data = {f: form.cleaned_data[f] for f in form.changed_data}
            record_update(user=request.user, obj=obj, data=data, version=obj.version, request=request)
        else:
            record_create(user=request.user, obj=obj, request=request)


@admin.register(User)
class UserAdmin(SysadminOnly, BaseUserAdmin):
    list_display = ["username", "role", "unit", "person", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    autocomplete_fields = ["unit", "person"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("角色与单位", {"fields": ("role", "unit", "person", "is_active")}),
        ("个人信息", {"fields": ("first_name", "last_name", "email")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "role", "unit", "person",
                                                            "password1", "password2")}),)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        from qinglian.audit.models import Action
        from qinglian.audit.services import audit_log, client_ip

        obj.is_staff = obj.role == Role.SYSADMIN
        super().save_model(request, obj, form, change)
        audit_log(action=Action.UPDATE if change else Action.CREATE, summary=f"账号 {obj.username}（{obj.get_role_display()}）",
                  actor=request.user, ip=client_ip(request), obj=obj,
                  after={"role": obj.role, "unit": obj.unit_id, "is_active": obj.is_active})
