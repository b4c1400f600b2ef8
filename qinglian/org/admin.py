"""The admin site is the system admin's tool for units and accounts, and nothing else (三员分立)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from qinglian.org.models import ADMIN_ROLES, Person, Role, Unit, User

admin.site.site_header = "清廉台账 · 系统管理"
admin.site.site_title = "清廉台账"
admin.site.index_title = "单位与账号"


def _sysadmin_only(request: HttpRequest) -> bool:
    user: Any = request.user
    return bool(user.is_active and user.is_authenticated and getattr(user, "role", "") == Role.SYSADMIN)


def _login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """The admin site has no log-in of its own: it sends people to the app's (one form, one lockout, one
    audit). Someone already logged in without the system admin's role is refused, not sent round again."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    target = target or reverse("admin:index")
    if request.user.is_authenticated:
        if _sysadmin_only(request):
            return redirect(target)
        raise PermissionDenied("系统管理只对系统管理员开放。")
    return redirect(f"{reverse('login')}?{urlencode({'next': target})}")


# Explicit permissions, not the superuser flag: no account is a superuser (三员分立).
admin.site.has_permission = _sysadmin_only  # type: ignore[method-assign]
admin.site.login = _login  # type: ignore[method-assign]
admin.site.unregister(Group)  # roles are one column; groups and per-user permissions are not used


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


class AccountChangeForm(UserChangeForm):  # type: ignore[type-arg]
    class Meta(UserChangeForm.Meta):
        model = User
        fields = ["username", "password", "unit", "person", "is_active", "expires_on", "first_name", "last_name",
                  "email"]


class AccountCreationForm(AdminUserCreationForm):  # type: ignore[type-arg]
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ["username", "unit", "person", "expires_on"]


@admin.register(User)
class UserAdmin(SysadminOnly, BaseUserAdmin):
    """Accounts: the system admin creates them, sets the unit, disables, unlocks and resets passwords, each
    audited; the role is granted by the security admin (/org/accounts/), so it is read-only here. Accounts
    holding an admin role are read-only to the system admin (other than its own): it must not be able to
    take over the security or audit admin by resetting their password."""

    form = AccountChangeForm
    add_form = AccountCreationForm
    list_display = ["username", "role", "unit", "person", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "first_name"]
    autocomplete_fields = ["unit", "person"]
    readonly_fields = ["role", "must_change_password", "last_login", "date_joined"]
    actions = ["unlock"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("单位与状态", {"fields": ("role", "unit", "person", "is_active", "expires_on", "must_change_password")}),
        ("个人信息", {"fields": ("first_name", "last_name", "email")}),
        ("登录", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "unit", "person", "expires_on",
                                                            "usable_password", "password1", "password2")}),)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.role in ADMIN_ROLES and obj.pk != request.user.pk:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        from qinglian.org.services import account_save

        account_save(actor=request.user, account=obj, request=request)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        """Django's reset-password page, with an audit row in the same transaction when the password changed."""
        from qinglian.org.services import account_password_reset_audit

        with transaction.atomic():
            before = User.objects.filter(pk=id).values_list("password", flat=True).first() if id.isdigit() else None
            response = super().user_change_password(request, id, form_url)
            account = User.objects.filter(pk=id).first() if before is not None else None
            if account is not None and account.password != before:
                if account.pk != request.user.pk:  # a password someone else set is single-use
                    User.objects.filter(pk=account.pk).update(must_change_password=True)
                account_password_reset_audit(actor=request.user, account=account, request=request)
        return response

    @admin.action(description="解除所选账号的登录锁定", permissions=["change"])
    def unlock(self, request: HttpRequest, queryset: Any) -> None:
        from qinglian.org.services import account_unlock

        unlocked = [a.username for a in queryset if account_unlock(actor=request.user, account=a, request=request)]
        self.message_user(request, f"已解除锁定：{'、'.join(unlocked)}。" if unlocked else "所选账号均未被锁定。")
