"""The one second factor so far: TOTP (RFC 6238, any authenticator app) on django-otp's TOTPDevice, with ten
single-use recovery codes on its StaticDevice.

±1 step (tolerance 1, drift sync off so the window never widens), replay refused (django-otp keeps the step
of the last accepted code, `last_t`, and takes only later ones). django-otp's own back-off throttle is off
(settings): wrong codes are counted and locked by qinglian.factors.services, like passwords.
"""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import segno
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
TOTP_NAME, PENDING_NAME, RECOVERY_NAME = "动态口令", "动态口令（待确认）", "恢复码"


def normalise(response: str) -> str:
    """What the user typed, without the spaces and dashes of '123 456' or 'abcd-efgh', in lower case."""
    return "".join(ch for ch in str(response) if ch not in " -\u3000\t").lower()


class TotpFactor:
    name = "totp"
    label = "动态口令"

    def is_enrolled(self, user: Any) -> bool:
        return TOTPDevice.objects.filter(user=user, confirmed=True).exists()

    def verify(self, user: Any, response: str) -> TOTPDevice | StaticDevice | None:
        """A 6-digit code against the authenticator, anything else against the recovery codes."""
        code = normalise(response)
        with transaction.atomic():  # the device rows locked: two requests cannot both spend one code
            if len(code) == 6 and code.isdigit():
                devices: Any = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True)
            elif code.isalnum() and code.isascii():
                devices = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True)
            else:
                return None
            return next((d for d in devices.order_by("pk") if d.verify_token(code)), None)

    def begin_enrolment(self, user: Any) -> TOTPDevice:
        """The pending device (the one begun earlier and abandoned, else a new one with a fresh secret)."""
        pending = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
        return pending or TOTPDevice.objects.create(user=user, name=PENDING_NAME, confirmed=False, tolerance=1)

    def confirm_enrolment(self, user: Any, device: Any, response: str) -> bool:
        code = normalise(response)
        if not (len(code) == 6 and code.isdigit()):
            return False
        with transaction.atomic():
            device = TOTPDevice.objects.select_for_update().filter(pk=device.pk, user=user, confirmed=False).first()
            if device is None or not device.verify_token(code):
                return False
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()  # the old phone, and stray pendings
            device.confirmed, device.name = True, TOTP_NAME
            device.save(update_fields=["confirmed", "name"])
        return True

    def reset(self, user: Any) -> None:
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def recovery_codes_issue(user: Any) -> list[str]:
    """Ten new single-use recovery codes; the old ones stop working. Shown once, never again."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def is_recovery(device: Any) -> bool:
    return isinstance(device, StaticDevice)


def secret(device: TOTPDevice) -> str:
    """The secret in base32, as an authenticator app asks for it when typed by hand."""
    return b32encode(device.bin_key).decode()


def grouped(text: str, size: int = 4) -> str:
    return " ".join(text[i:i + size] for i in range(0, len(text), size))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline SVG QR code, drawn here (segno), nothing fetched from a network."""
    return str(segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#000", light="#fff",
                                                                   title="用手机验证器应用扫描此二维码"))


TOTP = TotpFactor()
