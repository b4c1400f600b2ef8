"""Warnings for a half-configured single sign-on (it stays off, which an installer may not notice)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Warning, register


@register()
def oidc_configuration(app_configs: Any, **kwargs: Any) -> list[Warning]:
    issuer, client = settings.QINGLIAN_OIDC_ISSUER, settings.QINGLIAN_OIDC_CLIENT_ID
    found = []
    if bool(issuer) != bool(client):
        found.append(Warning("统一身份认证未启用：QINGLIAN_OIDC_ISSUER 与 QINGLIAN_OIDC_CLIENT_ID 须同时设置。",
                             id="sso.W001"))
    if issuer and client and not settings.QINGLIAN_OIDC_CLIENT_SECRET:
        found.append(Warning("统一身份认证：未设置 QINGLIAN_OIDC_CLIENT_SECRET。", id="sso.W002"))
    if issuer and settings.PRODUCTION and not issuer.startswith("https://"):
        found.append(Warning(f"统一身份认证：QINGLIAN_OIDC_ISSUER={issuer} 不是 https 地址，令牌会以明文传输。",
                             id="sso.W003"))
    return found
