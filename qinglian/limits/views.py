"""The security admin's page for the rate limits (beside the lockout policy at /org/policy/)."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from qinglian.audit.models import Action
from qinglian.audit.services import audit_log, client_ip
from qinglian.lib.views import roles_required
from qinglian.limits.forms import RatePolicyForm
from qinglian.limits.models import RatePolicy
from qinglian.org.models import Role


@roles_required(Role.SECADMIN)
def policy(request: HttpRequest) -> HttpResponse:
    RatePolicy.forget()
    instance = RatePolicy.current()
    form = RatePolicyForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        before = {k: getattr(instance, k) for k in form.fields} if instance.pk else dict(RatePolicy.DEFAULTS)
        with transaction.atomic():
            saved = form.save()
            audit_log(action=Action.UPDATE, summary="修改频率限制", actor=request.user, ip=client_ip(request),
                      obj=saved, before=before, after={k: getattr(saved, k) for k in form.fields})
        messages.success(request, "频率限制已保存。")
        return redirect("limits:policy")
    return render(request, "limits/policy.html", {"form": form})
