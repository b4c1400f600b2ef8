"""The code page (second step of log-in), enrolment, the account holder's own page, and the security admin's
reset. The code page and enrolment are the two pages a half-logged-in account reaches (middleware.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from qinglian.factors.forms import CodeForm, FactorResetForm, RecoveryRenewForm
from qinglian.factors.services import (
    CODE_LOCKED,
    WRONG_CODE,
    code_attempt,
    factor_enrol_confirm,
    factor_required,
    factor_reset,
    is_enrolled,
    recovery_codes_renew,
)
from qinglian.factors.totp import TOTP, grouped, qr_svg, recovery_codes_left, secret
from qinglian.lib.views import roles_required
from qinglian.limits.models import Kind
from qinglian.limits.services import rate_refusal
from qinglian.org.models import Role, User

# A half-logged-in account sees no navigation and no unit switcher: every link would only lead back here.
BARE: dict[str, Any] = {"nav": [], "scope_root": None}
WRONG_ENROL_CODE = "口令不正确：请输入验证器应用上当前显示的 6 位数字（手机时间须准确；数字每 30 秒更新）。"


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path on this site only (redirect() would take a bare word for a URL name).
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("home")


def _verified(request: HttpRequest, device: Any) -> None:
    """Mark the session verified by `device` (django-otp's own login), under a new session key."""
    request.session.cycle_key()
    otp_login(request, device)


@never_cache
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if user.is_verified() or not factor_required(user):
        return HttpResponseRedirect(_next(request))
    if not is_enrolled(user):
        return redirect("factors:enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if refusal := rate_refusal(request, Kind.CODE):
            return refusal
        if form.is_valid():
            attempt = code_attempt(request=request, user=user, code=form.cleaned_data["code"])
            if attempt.device is not None:
                _verified(request, attempt.device)
                if attempt.recovery_left is not None:
                    messages.warning(request, f"已用掉一个恢复码，还剩 {attempt.recovery_left} 个。"
                                              "请尽快在“动态口令”页面更换动态口令或重新生成恢复码。")
                return HttpResponseRedirect(_next(request))
            until = timezone.localtime(attempt.until).strftime("%H:%M") if attempt.until else ""
            form.add_error("code", CODE_LOCKED % {"until": until} if attempt.refusal == "locked" else WRONG_CODE)
    return render(request, "factors/verify.html", {"form": form, "next": _next(request), **BARE})


@never_cache  # the secret and the recovery codes stay out of every cache
@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Bind an authenticator app: scan the QR code (or type the secret), confirm with a current code; then
    the ten recovery codes, shown once. Until confirmed, the old factor (if any) keeps working."""
    user: Any = request.user
    verified = user.is_verified()
    if not verified and is_enrolled(user):  # half logged in with a factor: show it first, never enrol over it
        return redirect("factors:verify")
    device = TOTP.begin_enrolment(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if refusal := rate_refusal(request, Kind.CODE):
            return refusal
        if form.is_valid():
            codes = factor_enrol_confirm(request=request, user=user, device=device, code=form.cleaned_data["code"])
            if codes is not None:
                _verified(request, device)
                return render(request, "factors/codes.html", {"codes": codes, "next": _next(request), "new": True})
            form.add_error("code", WRONG_ENROL_CODE)
    context = {"form": form, "qr": qr_svg(device), "secret": grouped(secret(device)), "uri": device.config_url,
               "again": verified and is_enrolled(user), "next": _next(request)}
    return render(request, "factors/enrol.html", {**context, **({} if verified else BARE)})


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    context = {"device": device, "left": recovery_codes_left(user) if device else 0,
               "required": factor_required(user), "renew_form": RecoveryRenewForm()}
    return render(request, "factors/mine.html", context)


@never_cache
@login_required
@require_POST
def recovery(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not user.is_verified():
        messages.error(request, "请先绑定动态口令，再生成恢复码。")
        return redirect("factors:mine")
    form = RecoveryRenewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请勾选确认后再重新生成恢复码。")
        return redirect("factors:mine")
    codes = recovery_codes_renew(request=request, user=user)
    return render(request, "factors/codes.html", {"codes": codes, "next": reverse("factors:mine"), "new": False})


@roles_required(Role.SECADMIN)
def reset(request: HttpRequest, pk: int) -> HttpResponse:
    """The security admin resets an account's second factor (a lost phone); the account enrols again."""
    target = get_object_or_404(User, pk=pk)
    if target.pk == request.user.pk:
        messages.error(request, "不能重置本人的动态口令：更换手机请在“动态口令”页面更换，丢失手机请由另一名安全管理员重置。")
        return redirect("org:account", pk=target.pk)
    form = FactorResetForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        factor_reset(actor=request.user, account=target, request=request)
        messages.success(request, f"已重置 {target.username} 的动态口令：该账号下次登录时须重新绑定。")
        return redirect("org:account", pk=target.pk)
    return render(request, "factors/reset.html", {"target": target, "form": form, "enrolled": is_enrolled(target)})
