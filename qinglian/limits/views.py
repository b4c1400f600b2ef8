"""The security admin's page for the rate limits (beside the lockout policy at /org/policy/)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from qinglian.lib.services import policy_update
from qinglian.lib.views import roles_required
from qinglian.limits.forms import RatePolicyForm
from qinglian.limits.models import RatePolicy
from qinglian.org.models import Role


@roles_required(Role.SECADMIN)
def policy(request: HttpRequest) -> HttpResponse:
    RatePolicy.forget()
    form = RatePolicyForm(request.POST or None, instance=RatePolicy.current())
    if request.method == "POST" and policy_update(user=request.user, form=form, defaults=RatePolicy.DEFAULTS,
                                                  summary="修改频率限制", request=request):
        messages.success(request, "频率限制已保存。")
        return redirect("limits:policy")
    return render(request, "limits/policy.html", {"form": form})
