"""A form posted twice creates one record: every form that creates something carries a one-time token.

`{% once_token %}` puts a fresh random token in the form. `OnceTokenMiddleware` claims it before the view
runs by inserting it into a table with a unique column, so of two posts of the same form (a double click,
the Back button, two tabs, two threads) exactly one runs. The first post's outcome decides:
- it redirects (the view's way of saying "done"): the target is kept with the token, and any later post of
  the same form is sent there with a message instead of running again;
- anything else (the form shown again with errors, an error page): the token is released, so the user can
  correct the form and post it again.
A second post that arrives while the first is still running waits for it (a few seconds at most).
Tokens are swept after a day.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from qinglian.lib.models import FormToken

FIELD = "once_token"
ALREADY = "该表单已提交，无需重复提交。"
KEEP = dt.timedelta(days=1)
WAIT_SECONDS = 10.0
SWEEP_ONE_IN = 200  # claims; a sweep is one indexed DELETE


def new_token() -> str:
    return secrets.token_hex(16)


def _valid(token: str) -> bool:
    return len(token) == 32 and all(c in "0123456789abcdef" for c in token)


def claim(token: str) -> bool:
    """True when this post holds the token now; False when another post of the same form already does."""
    try:
        with transaction.atomic():
            FormToken.objects.create(token=token)
    except IntegrityError:
        return False
    if secrets.randbelow(SWEEP_ONE_IN) == 0:
        sweep()
    return True


def settle(token: str, response: HttpResponse) -> None:
    """Keep the redirect of a successful post; release the token of any other outcome."""
    if response.status_code in (301, 302, 303) and response.get("Location"):
        FormToken.objects.filter(token=token).update(target=response["Location"][:1000])
    else:
        FormToken.objects.filter(token=token, target="").delete()


def first_outcome(token: str) -> str | None:
    """Where the first post of `token` went: waits while it is still running; None once it was released
    (the caller may then claim the token itself)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        row = FormToken.objects.filter(token=token).values_list("target", flat=True).first()
        if row is None or row:
            return row
        if time.monotonic() > deadline:
            return ""
        time.sleep(0.05)


def sweep(now: dt.datetime | None = None) -> int:
    """Forget tokens older than a day."""
    return FormToken.objects.filter(created_at__lt=(now or timezone.now()) - KEEP).delete()[0]


class OnceTokenMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = request.POST.get(FIELD, "") if request.method == "POST" else ""
        if not token or not _valid(token):
            return self.get_response(request)
        while not claim(token):
            target = first_outcome(token)
            if target:
                messages.info(request, ALREADY)
                return redirect(target)
            if target == "":  # still running after the wait
                return _busy(request)
            # released by a failed first post: claim it for this one
        try:
            response = self.get_response(request)
        except BaseException:
            FormToken.objects.filter(token=token, target="").delete()
            raise
        settle(token, response)
        return response


def _busy(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"title": "正在处理",
                               "message": "该表单的上一次提交仍在处理，请稍后刷新页面查看结果，无需重复提交。"}
    return render(request, "400.html", context, status=409)
