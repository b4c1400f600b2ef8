"""The error pages (DEBUG off), and the audit of refusals.

A 403, and a 404 to a signed-in user, are written to the audit trail with the path and the client address:
an object outside the user's scope answers 404 exactly like a missing one, so any such 404 may be a probe.
Auditing a refusal must never make the answer worse: a failure to write the row is logged, not raised.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader

logger = logging.getLogger(__name__)

BAD_REQUEST = "请求无效：请返回上一页，刷新后重试。"


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    from qinglian.lib.views import BadParameter

    # Our own messages say what to fix; any other 400 (a bad Host header, a body too large) says only that.
    message = str(exception) if isinstance(exception, BadParameter) else BAD_REQUEST
    if _wants_json(request):
        return JsonResponse({"error": message}, status=400, json_dumps_params={"ensure_ascii": False})
    if isinstance(exception, BadParameter):
        return render(request, "400.html", {"message": message}, status=400)
    return HttpResponse(loader.get_template("400.html").render({"message": message}), status=400)


def forbidden(request: HttpRequest, exception: Any = None) -> HttpResponse:
    audit_refusal(request, 403)
    return render(request, "403.html", status=403)


def not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        audit_refusal(request, 404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors that touch the database: the error may be the database itself.
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def audit_refusal(request: HttpRequest, status: int) -> None:
    """One REFUSED row for this request (unless a service already committed one), never an error."""
    from qinglian.audit.models import Action
    from qinglian.audit.services import audit_log, client_ip, current_request

    context = current_request()
    if context is not None and context.refusal_audited:
        return
    user: Any = getattr(request, "user", None)
    what = "无权访问" if status == 403 else "访问不存在或不在范围内的内容"
    try:
        with transaction.atomic():  # a savepoint: a failure here leaves an outer transaction usable
            audit_log(action=Action.REFUSED, summary=f"{what}（{status}）：{request.method} {request.path}",
                      actor=user, actor_name="" if user is not None and user.is_authenticated else "未登录用户",
                      ip=client_ip(request))
    except Exception:
        logger.exception("Refusal (%s %s %s) not audited", status, request.method, request.path)


def _wants_json(request: HttpRequest) -> bool:
    return request.path.endswith(".json") or "application/json" in request.headers.get("Accept", "")
