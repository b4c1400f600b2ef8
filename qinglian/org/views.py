from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_POST

from qinglian.lib.exports import xlsx_response
from qinglian.lib.nav import home_cards
from qinglian.lib.security import mask_id_number, mask_phone
from qinglian.lib.services import ConflictError, policy_update, record_delete, record_restore, record_update
from qinglian.lib.views import (
    CURRENT_UNIT,
    business_required,
    current_unit,
    paginate,
    render_page,
    roles_required,
    unit_from_param,
    writer_required,
)
from qinglian.org.auth import LoginForm, login_complete
from qinglian.org.forms import (
    AccountFilter,
    ClearanceForm,
    GrantRoleForm,
    PeopleFilter,
    PersonForm,
    PolicyForm,
    RevokeRoleForm,
    UnmaskForm,
)
from qinglian.org.middleware import remember_deadline
from qinglian.org.models import Person, Role, SecurityPolicy, Unit, User
from qinglian.org.passwords import dormant_accounts
from qinglian.org.scoping import subtree_q, visible_units


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        login_complete(self.request, form.get_user())  # shared with single sign-on (qinglian.sso)
        return HttpResponseRedirect(self.get_success_url())


class PasswordForm(PasswordChangeForm):
    error_messages = {**PasswordChangeForm.error_messages,
                      "password_incorrect": "原密码不正确，请重新输入。",
                      "password_mismatch": "两次输入的新密码不一致，请重新输入。"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "原密码"
        self.fields["new_password1"].label = "新密码"
        self.fields["new_password2"].label = "再次输入新密码"

    def clean_new_password1(self) -> str:
        password = self.cleaned_data.get("new_password1") or ""
        if password and password == self.cleaned_data.get("old_password"):
            raise ValidationError("新密码不能与原密码相同，请换一个。")
        return password


class PasswordChangeView(auth_views.PasswordChangeView):
    """The account holder changes the password: needed at first log-in after someone else set it, and when
    it is older than the policy's maximum age (PasswordPolicyMiddleware leads here)."""

    form_class = PasswordForm
    template_name = "org/password_change.html"
    success_url = reverse_lazy("home")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        policy = SecurityPolicy.current()
        return {**super().get_context_data(**kwargs), "history": policy.password_history,
                "max_age": policy.password_max_age_days}

    def form_valid(self, form: Any) -> HttpResponse:
        from qinglian.audit.models import Action
        from qinglian.audit.services import audit_log, client_ip

        with transaction.atomic():
            form.user.must_change_password = False
            response = super().form_valid(form)
            audit_log(action=Action.UPDATE, summary=f"{form.user.username} 修改本人密码", actor=form.user,
                      ip=client_ip(self.request), obj=form.user)
        remember_deadline(self.request)
        messages.success(self.request, "密码已修改。")
        return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.role:  # created by the system admin, no role granted yet: reaches nothing
        return render(request, "org/unassigned.html")
    context: dict[str, Any] = {"cards": home_cards(request)}
    if request.user.is_business:
        unit = current_unit(request)
        context["unit"] = unit
        context["unit_count"] = Unit.objects.filter(subtree_q(unit, "self")).count()
        context["people_count"] = Person.objects.filter(subtree_q(unit)).count()
    return render(request, "org/home.html", context)


@require_POST
@business_required
def switch_unit(request: HttpRequest) -> HttpResponse:
    unit = unit_from_param(request, request.POST.get("unit"))
    request.session[CURRENT_UNIT] = unit.pk
    messages.success(request, f"已切换到：{unit.full_name}")
    target = request.POST.get("next") or "/"
    return redirect(target if target.startswith("/") and not target.startswith("//") else "/")


UNIT_TREE_LIMIT = 2000
MAX_INDENT = 12  # app.css has .depth-0 … .depth-12


@business_required
def units(request: HttpRequest) -> HttpResponse:
    root = current_unit(request)
    rows = list(
        Unit.objects.filter(subtree_q(root, "self"))
        .annotate(people_count=Count("people", filter=Q(people__deleted_at__isnull=True)))
        .order_by("path")[:UNIT_TREE_LIMIT]
    )
    # Indentation is a CSS class (the Content-Security-Policy blocks inline styles); a name that repeats in the
    # tree (the 办公室 of every department) carries its parent's name so the rows can be told apart.
    repeats = Counter(u.name for u in rows)
    for u in rows:
        u.indent = min(u.depth - root.depth, MAX_INDENT)
        u.parent_label = u.parent_name if repeats[u.name] > 1 else ""
    return render(request, "org/units.html", {"root": root, "rows": rows, "truncated": len(rows) == UNIT_TREE_LIMIT})


@business_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(visible_units(request.user), pk=pk)
    people = Person.objects.visible_to(request.user).filter(unit=unit).order_by("order", "id")
    children = unit.children.filter(deleted_at__isnull=True).order_by("order", "path")
    return render(request, "org/unit_detail.html", {"unit": unit, "people": people, "children": children})


def _people_queryset(request: HttpRequest, form: PeopleFilter) -> Any:
    qs = Person.objects.visible_to(request.user).filter(subtree_q(current_unit(request))).select_related("unit")
    if form.is_valid():
        if q := form.cleaned_data["q"]:
            qs = qs.filter(Q(name__contains=q) | Q(post__contains=q))
        if role := form.cleaned_data["team_role"]:
            qs = qs.filter(team_role=role)
    return qs.order_by("unit__path", "order", "id")


@business_required
def people(request: HttpRequest) -> HttpResponse:
    form = PeopleFilter(request.GET)
    page = paginate(_people_queryset(request, form), request)
    return render_page(request, "org/people.html", {"form": form, "page": page}, fragment="org/_people_rows.html")


@business_required
def people_export(request: HttpRequest) -> HttpResponse:
    form = PeopleFilter(request.GET)
    # The numbers are masked in every export, whoever asks: a full number is shown one person at a time,
    # audited (person_unmask), never in a file that travels.
    rows = [
        [p.unit.full_name, p.name, p.post, p.get_team_role_display(), p.portfolio, mask_phone(p.phone),
         mask_id_number(p.id_number)]
        for p in _people_queryset(request, form)[:50000]
    ]
    return xlsx_response(request, "干部名册", ["单位", "姓名", "职务", "班子角色", "分管工作", "手机号码", "身份证号码"],
                         rows)


@business_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.with_deleted.visible_to(request.user), pk=pk)
    return render(request, "org/person_detail.html", {"person": person, "unmask_form": UnmaskForm()})


@require_POST
@business_required
def person_unmask(request: HttpRequest, pk: int) -> HttpResponse:
    """显示完整号码: for an account granted can_unmask, the person page with the full numbers, once, audited."""
    from qinglian.org.services import UnmaskRefused
    from qinglian.org.services import person_unmask as unmask

    person = get_object_or_404(Person.with_deleted.visible_to(request.user).select_related("unit"), pk=pk)
    form = UnmaskForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        shown = unmask(user=request.user, person=person, reason=reason, request=request)
    except UnmaskRefused as exc:
        raise PermissionDenied(str(exc)) from exc
    response = render(request, "org/person_detail.html", {"person": person, "unmask_form": form, "shown": shown})
    response["Cache-Control"] = "no-store"  # the full numbers stay out of every cache
    return response


@writer_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
    if request.method == "POST":
        form = PersonForm(request.POST, person=person)
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in ("name", "post", "team_role", "portfolio", "phone", "id_number")}
            try:
                record_update(user=request.user, obj=person, data=data, version=form.cleaned_data["version"],
                              request=request)
            except ConflictError as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, f"已保存：{person.name}")
                return redirect("org:person", pk=person.pk)
    else:
        initial = {"name": person.name, "post": person.post, "team_role": person.team_role,
                   "portfolio": person.portfolio, "version": person.version}
        form = PersonForm(initial=initial, person=person)
    return render(request, "org/person_edit.html", {"person": person, "form": form})


@require_POST
@writer_required
def person_delete(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
    record_delete(user=request.user, obj=person, request=request)
    messages.success(request, f"已删除：{person.name}。可在详情页恢复。")
    return redirect("org:person", pk=person.pk)


@require_POST
@writer_required
def person_restore(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.with_deleted.visible_to(request.user).deleted(), pk=pk)
    record_restore(user=request.user, obj=person, request=request)
    messages.success(request, f"已恢复：{person.name}")
    return redirect("org:person", pk=person.pk)


@roles_required(Role.SECADMIN)
def policy(request: HttpRequest) -> HttpResponse:
    form = PolicyForm(request.POST or None, instance=SecurityPolicy.current())
    if request.method == "POST" and policy_update(user=request.user, form=form, defaults=SecurityPolicy.DEFAULTS,
                                                  summary="修改安全策略", request=request):
        messages.success(request, "安全策略已保存。")
        return redirect("org:policy")
    return render(request, "org/policy.html", {"form": form})


def _accounts_queryset(form: AccountFilter) -> Any:
    qs = User.objects.select_related("unit", "person")
    if form.is_valid():
        if q := form.cleaned_data["q"]:
            qs = qs.filter(Q(username__contains=q) | Q(first_name__contains=q) | Q(person__name__contains=q))
        if role := form.cleaned_data["role"]:
            qs = qs.filter(role="" if role == "none" else role)
    return qs.order_by("username")


@roles_required(Role.SECADMIN)
def accounts(request: HttpRequest) -> HttpResponse:
    """The security admin's list of accounts and their roles (no business data)."""
    form = AccountFilter(request.GET)
    page = paginate(_accounts_queryset(form), request)
    return render_page(request, "org/accounts.html", {"form": form, "page": page}, fragment="org/_account_rows.html")


@roles_required(Role.SECADMIN)
def account(request: HttpRequest, pk: int) -> HttpResponse:
    """Grant a role to an account that has none, or revoke the one it has; both confirmed and audited."""
    from qinglian.org.services import RoleChangeRefused, account_grant_role, account_revoke_role

    target = get_object_or_404(User.objects.select_related("unit", "person"), pk=pk)
    # A POST says which it is; the services refuse a grant to an account that holds a role, and a revoke
    # from one that holds none, so a page left open while another admin acted cannot do the wrong thing.
    revoke = request.POST.get("action") == "revoke" if request.method == "POST" else bool(target.role)
    form = (RevokeRoleForm if revoke else GrantRoleForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if revoke:
                account_revoke_role(actor=request.user, account=target, request=request)
                messages.success(request, f"已撤销 {target.username} 的角色。")
            else:
                role = form.cleaned_data["role"]
                account_grant_role(actor=request.user, account=target, role=role, request=request)
                messages.success(request, f"已授予 {target.username} 角色：{Role(role).label}。")
        except RoleChangeRefused as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("org:account", pk=target.pk)
    context = {"target": target, "form": form, "revoke": revoke, "is_self": target.pk == request.user.pk,
               "clearance_form": ClearanceForm(initial={"clearance": target.clearance,
                                                         "can_unmask": target.can_unmask})}
    return render(request, "org/account.html", context)


@require_POST
@roles_required(Role.SECADMIN)
def account_clearance(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the account's 可阅密级 and grant or revoke 查看完整号码 (confirmed, audited)."""
    from qinglian.org.services import RoleChangeRefused, account_set_clearance

    target = get_object_or_404(User.objects.select_related("unit", "person"), pk=pk)
    form = ClearanceForm(request.POST)
    if form.is_valid():
        try:
            account_set_clearance(actor=request.user, account=target, clearance=form.cleaned_data["clearance"],
                                  can_unmask=form.cleaned_data["can_unmask"], request=request)
        except RoleChangeRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已保存 {target.username} 的可阅密级和号码查看权限。")
            return redirect("org:account", pk=target.pk)
    revoke = bool(target.role)
    context = {"target": target, "form": (RevokeRoleForm if revoke else GrantRoleForm)(), "revoke": revoke,
               "is_self": target.pk == request.user.pk, "clearance_form": form}
    return render(request, "org/account.html", context, status=400)


@roles_required(Role.SECADMIN)
def dormant(request: HttpRequest) -> HttpResponse:
    """Accounts nobody logged in to for the policy's dormant days (or never, created that long ago)."""
    policy = SecurityPolicy.current()
    page = paginate(dormant_accounts(policy, timezone.now()), request)
    return render(request, "org/dormant.html", {"page": page, "days": policy.dormant_days})


@business_required
def unit_options(request: HttpRequest) -> HttpResponse:
    """The switcher's choices: the visible tree down to three levels below the root (offices are reached
    from their department's page), so the list stays short at any scale."""
    root, current = request.user.unit, current_unit(request)
    rows = visible_units(request.user).filter(path__regex=rf"^.{{{len(root.path)},{len(root.path) + 12}}}$")
    rows = rows.only("id", "full_name", "path").order_by("path")[:500]
    return render(request, "org/_unit_options.html", {"rows": rows, "current": current, "root": root})
