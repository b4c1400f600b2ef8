from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from qinglian.sso.config import enabled

register = template.Library()


@register.inclusion_tag("sso/_button.html")
def sso_button(next_url: str = "") -> dict[str, Any]:
    """The login page's 统一身份认证登录 button (a GET form, styled as the page's own button), when single
    sign-on is configured; nothing otherwise."""
    return {"action": reverse("sso:start") if enabled() else "", "next": next_url}
