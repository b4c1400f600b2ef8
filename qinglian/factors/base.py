"""What a log-in needs of a second factor, so that a USBKey / SM2 certificate login (common on government
intranets) can sit beside TOTP later without touching the gate or the code page.

A factor's credential is a django-otp Device: django-otp's OTPMiddleware then marks a session verified by the
device that answered, the same for every factor, and a device deleted or unconfirmed stops verifying at once.
A certificate factor would be a Device plugin whose verify_token checks a signed challenge.
"""

from __future__ import annotations

from typing import Any, Protocol

from django_otp.models import Device


class SecondFactor(Protocol):
    name: str  # a code name, e.g. "totp"
    label: str  # what the user reads, e.g. "动态口令"

    def is_enrolled(self, user: Any) -> bool:
        """The account has a confirmed credential of this factor."""

    def verify(self, user: Any, response: str) -> Device | None:
        """The confirmed device of `user` that accepts `response` (consumed: it is refused a second time)."""

    def begin_enrolment(self, user: Any) -> Device:
        """A pending (unconfirmed) credential for `user`; the confirmed one, if any, keeps working meanwhile."""

    def confirm_enrolment(self, user: Any, device: Device, response: str) -> bool:
        """Confirm the pending `device` with a response it accepts; it then replaces the old credential."""

    def reset(self, user: Any) -> None:
        """Remove every credential of `user` (a lost phone): the next log-in enrols afresh."""
