"""The log-in button's target (to the identity system, with state, nonce and PKCE), the callback the identity
system sends the browser back to, the refusal page, and the log-out that also ends the provider's session.

The two flow views are mozilla-django-oidc's, which keep the state and nonce in the session and check them;
they are wrapped so that every way a log-in can fail ends on a Chinese page and in the audit trail, and so
that success goes through services.sso_login (the password form's completion)."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.generic import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from qinglian.limits.models import Kind
from qinglian.limits.services import rate_refusal
from qinglian.sso.config import ProviderUnavailable, enabled, oidc_setting, provider
from qinglian.sso.services import (
    ID_TOKEN,
    INVALID,
    UNAVAILABLE,
    UNFINISHED,
    SsoRefused,
    sso_login,
    sso_refused,
)

log = logging.getLogger(__name__)


def refused_page(request: HttpRequest, refusal: SsoRefused) -> HttpResponse:
    context = {"message": refusal.message, "claim": refusal.claim, "value": refusal.value,
               "help": settings.QINGLIAN_OIDC_HELP}
    return render(request, "sso/refused.html", context, status=refusal.status)


class StartView(OIDCAuthenticationRequestView):
    """统一身份认证登录: to the provider's authorization endpoint."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, **kwargs: Any) -> None:
        View.__init__(self, **kwargs)  # the endpoint is read in get(), where an unreachable provider is answered

    def get(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            raise Http404("single sign-on is not configured")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider().authorization_endpoint
        except ProviderUnavailable as exc:
            log.warning("single sign-on: %s", exc)
            return refused_page(request, sso_refused(request=request, message=UNAVAILABLE, cause=str(exc), status=503))
        self.OIDC_RP_CLIENT_ID = settings.QINGLIAN_OIDC_CLIENT_ID
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back with a code: exchanged, verified, mapped, logged in."""

    get_settings = staticmethod(oidc_setting)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            raise Http404("single sign-on is not configured")
        if refusal := rate_refusal(request, Kind.LOGIN):  # each callback costs three requests to the provider
            return refusal
        try:
            return super().get(request)
        except SsoRefused as refused:
            return refused_page(request, refused)
        except (SuspiciousOperation, jwt.PyJWTError) as exc:  # signature, expiry, nonce, state, iss, aud, sub
            log.warning("single sign-on refused: %s", exc)
            return refused_page(request, sso_refused(request=request, message=INVALID, cause=str(exc), status=400))
        except (requests.RequestException, ProviderUnavailable, ValueError) as exc:
            log.warning("single sign-on: the provider failed: %s", exc)
            return refused_page(request, sso_refused(request=request, message=UNAVAILABLE, cause=str(exc), status=502))

    def login_success(self) -> HttpResponse:
        sso_login(request=self.request, user=self.user, identity=self.request.sso_identity)
        return HttpResponseRedirect(self.success_url)

    def login_failure(self) -> HttpResponse:
        error = self.request.GET.get("error", "")
        cause = f"统一身份认证返回 {error}" if error else "登录流程不完整（没有发起登录的会话或授权码）"
        return refused_page(self.request, sso_refused(request=self.request, message=UNFINISHED, cause=cause,
                                                      status=400))


class LogoutView(auth_views.LogoutView):
    """Django's log-out; a session opened by single sign-on then goes on to the provider's own log-out
    (RP-initiated logout), when it offers one, so that the next 统一身份认证登录 asks again."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        id_token = request.session.get(ID_TOKEN)
        response = super().post(request, *args, **kwargs)
        end = provider_logout_url(request, id_token) if id_token and enabled() else ""
        return HttpResponseRedirect(end) if end else response


def provider_logout_url(request: HttpRequest, id_token: str) -> str:
    try:
        endpoint = provider().end_session_endpoint
    except ProviderUnavailable as exc:
        log.warning("single sign-on: no provider log-out: %s", exc)
        return ""
    if not endpoint:
        return ""
    query = urlencode({"id_token_hint": id_token, "client_id": settings.QINGLIAN_OIDC_CLIENT_ID,
                       "post_logout_redirect_uri": request.build_absolute_uri(reverse("login"))})
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
