"""The token page: one's own tokens, a new one (its secret shown once, in a session that passed the second
factor), revoking one. The API itself is reached by its tokens alone (base.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from qinglian.api.forms import TokenForm
from qinglian.api.models import PersonalAccessToken, Scope
from qinglian.api.services import token_create, token_revoke
from qinglian.lib.forms import add_errors
from qinglian.lib.views import business_required, render_page


def _page(request: HttpRequest, form: TokenForm, secret: str = "", status: int = 200) -> HttpResponse:
    if not request.user.can_write:
        form.fields["scope"].choices = [(Scope.READ.value, Scope.READ.label)]
    tokens = PersonalAccessToken.objects.filter(user=request.user).order_by("-created_at", "-id")[:100]
    return render_page(request, "api/tokens.html", {
        "form": form, "secret": secret, "tokens": tokens, "now": timezone.now(),
        "verified": request.user.is_verified()}, status=status)


@business_required
def tokens(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            token, secret = token_create(user=request.user, name=data["name"], scope=data["scope"], days=data["days"],
                                         verified=request.user.is_verified(), request=request)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, str(exc)) if isinstance(exc, PermissionDenied) else add_errors(form, exc)
        else:
            messages.success(request, f"已创建接口令牌“{token.name}”。令牌只显示这一次，请立即复制保存。")
            return _page(request, TokenForm(), secret=secret)
    return _page(request, form, status=400)


@business_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(PersonalAccessToken.objects.filter(user=request.user), pk=pk)
    token_revoke(user=request.user, token=token, request=request)
    messages.success(request, f"已撤销接口令牌“{token.name}”，使用它的请求将被拒绝。")
    return redirect("api:tokens")
