"""The identity system as a second factor: when its ID token asserts one (amr/acr, services.delegated_factor),
the session is marked verified by this device through django-otp's own login, exactly as a TOTP code marks it,
so the gate (qinglian.factors.middleware) and `is_verified()` need no second rule.

The device proves nothing by itself: it accepts no code (django-otp's Device.verify_token answers False), and
a session is marked by it only in the same request whose signed ID token asserted the factor."""

from __future__ import annotations

from django.db import models
from django_otp.models import Device


class DelegatedFactor(Device):
    class Meta:
        verbose_name = "统一身份认证的第二因素"
        verbose_name_plural = "统一身份认证的第二因素"
        constraints = [models.UniqueConstraint(fields=["user"], name="sso_one_delegated_factor_per_account")]
