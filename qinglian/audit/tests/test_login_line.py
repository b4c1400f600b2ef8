"""After logging in, the user is told when and from where they last logged in, and how many failed attempts
on their account came since (等保 2.0 identity); the client address is the peer's unless a trusted proxy
forwards it."""

from __future__ import annotations

from django.test import Client

from qinglian.audit.models import Action, AuditEntry
from qinglian.lib.testing import PASSWORD


def _log_in(client: Client, username: str, password: str = PASSWORD, **extra: str):
    return client.post("/login/", {"username": username, "password": password}, follow=True, **extra)


def test_the_previous_login_and_the_failures_since_are_shown(world) -> None:
    first = _log_in(Client(), "clerk_a", REMOTE_ADDR="10.0.0.7").content.decode()
    assert "这是本账号的首次登录" in first
    for _ in range(2):
        _log_in(Client(), "clerk_a", "wrong-password", REMOTE_ADDR="10.0.0.99")
    page = _log_in(Client(), "clerk_a", REMOTE_ADDR="10.0.0.8").content.decode()
    assert "上次登录：" in page and "来自 10.0.0.7" in page and "此后有 2 次以本账号登录失败" in page
    again = _log_in(Client(), "clerk_a").content.decode()
    assert "来自 10.0.0.8" in again and "此后没有登录失败" in again


def test_x_forwarded_for_counts_only_from_a_trusted_proxy(world, settings) -> None:
    _log_in(Client(), "clerk_a", HTTP_X_FORWARDED_FOR="1.2.3.4", REMOTE_ADDR="10.0.0.5")
    assert AuditEntry.objects.filter(action=Action.LOGIN).latest("id").ip == "10.0.0.5"  # not believed
    settings.QINGLIAN_TRUSTED_PROXIES = frozenset({"10.0.0.1"})
    _log_in(Client(), "clerk_a", HTTP_X_FORWARDED_FOR="1.2.3.4, 10.0.0.1", REMOTE_ADDR="10.0.0.1")
    assert AuditEntry.objects.filter(action=Action.LOGIN).latest("id").ip == "1.2.3.4"
    _log_in(Client(), "clerk_a", HTTP_X_FORWARDED_FOR="not-an-address", REMOTE_ADDR="10.0.0.1")
    assert AuditEntry.objects.filter(action=Action.LOGIN).latest("id").ip == "10.0.0.1"
