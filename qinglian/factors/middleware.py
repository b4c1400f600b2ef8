"""The gate: an account that must show a second factor and has not yet (password only: half logged in) is
sent from every page to the code page, or to enrolment when it has no confirmed factor. Every path to data
goes through here: the pages, the admin site (/admin/), downloads, exports, and any API added later; only the
code page, the enrolment page, log-out, static files and the calendar feed (reached by its token alone) pass.

Placed after django-otp's OTPMiddleware (which sets request.user.is_verified() from the session) and before
the password-policy middleware (a password change comes after the second factor)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from qinglian.factors.services import factor_required, is_enrolled


@cache
def _exempt_prefixes() -> tuple[str, ...]:
    from qinglian.notify.ical import feed_prefix  # the calendar feed: a token, no session (docs/decisions.md)

    return (reverse("factors:verify"), reverse("factors:enrol"), reverse("logout"), settings.STATIC_URL or "/static/",
            feed_prefix())


def half_logged_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and not user.is_verified() and factor_required(user))


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(_exempt_prefixes()) and half_logged_in(request):
            target = reverse("factors:verify" if is_enrolled(request.user) else "factors:enrol")
            if request.method == "GET":
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        return self.get_response(request)
