"""Session expiry (30 min idle, 8 h absolute), the security headers Django 5.2 does not set itself, and the
request's client address for the audit trail."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

LOGIN_AT, SEEN_AT = "qinglian_login_at", "qinglian_seen_at"


class AuditContextMiddleware:
    """Every audit row written while this request is served carries its client address (audit.services)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from qinglian.audit.services import request_context

        with request_context(request):
            return self.get_response(request)


class SessionExpiryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            login_at = request.session.setdefault(LOGIN_AT, now)
            seen_at = request.session.get(SEEN_AT, now)
            idle = now - seen_at > settings.SESSION_IDLE_SECONDS
            too_old = now - login_at > settings.SESSION_ABSOLUTE_SECONDS
            if idle or too_old:
                logout(request)
                messages.info(request, "登录已超时，请重新登录。" if idle else "登录已超过8小时，请重新登录。")
                return redirect(f"{reverse('login')}?next={request.path}")
            # Write at most once a minute so most requests do not rewrite the session row.
            if now - seen_at >= 60 or SEEN_AT not in request.session:
                request.session[SEEN_AT] = now
        return self.get_response(request)


# Everything the pages need is served by this site: scripts, styles, fonts and images from 'self' only.
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response.headers.setdefault("Cache-Control", "private, no-store")
        return response
