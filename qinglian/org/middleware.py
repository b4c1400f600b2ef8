"""Every page but the password change form, log-out and static files leads to the change form while the
account must change its password (set by someone else, or older than the policy's maximum age); an account
past its expiry date is logged out.

No query per request: the password's deadline is worked out once per session (at log-in, or on the first
request of a session that lacks it) and kept in the session; a policy tightened later applies from the next
log-in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from qinglian.org.models import SecurityPolicy
from qinglian.org.passwords import EXPIRED_ACCOUNT, MUST_CHANGE, TOO_OLD, account_expired, password_deadline

DEADLINE = "qinglian_password_deadline"
NO_PASSWORD = "qinglian_no_password"  # a session opened by single sign-on (org.auth.login_complete)


def remember_deadline(request: HttpRequest, policy: SecurityPolicy | None = None) -> datetime:
    policy = policy or SecurityPolicy.current()
    deadline = password_deadline(request.user, policy)  # type: ignore[arg-type]
    request.session[DEADLINE] = [deadline.isoformat(), policy.password_max_age_days]
    return deadline


class PasswordPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not self._exempt(request.path):
            now = timezone.now()
            if account_expired(user, timezone.localdate(now)):
                logout(request)
                messages.error(request, EXPIRED_ACCOUNT)
                return redirect("login")
            if request.session.get(NO_PASSWORD):
                return self.get_response(request)
            stored = request.session.get(DEADLINE)
            if stored:
                deadline, days = datetime.fromisoformat(stored[0]), stored[1]
            else:
                deadline, days = remember_deadline(request), request.session[DEADLINE][1]
            if user.must_change_password or now >= deadline:
                messages.warning(request, MUST_CHANGE if user.must_change_password else TOO_OLD % {"days": days})
                return redirect("org:password_change")
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        # The second factor's code and enrolment pages come first (SecondFactorMiddleware leads there).
        from qinglian.notify.ical import feed_prefix  # the calendar feed: a token, no session

        allowed = (reverse("org:password_change"), reverse("logout"), reverse("factors:verify"),
                   reverse("factors:enrol"), settings.STATIC_URL or "/static/", feed_prefix())
        return any(path.startswith(p) for p in allowed)
