"""Log-in: lockout, identical answers for unknown users, session expiry, new session key."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from qinglian.audit.models import AuditEntry
from qinglian.lib.testing import PASSWORD, World, login, sign_in
from qinglian.org.models import LoginThrottle, ThrottleKind

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str, password: str):  # type: ignore[no-untyped-def]
    return client.post("/login/", {"username": username, "password": password})


def test_right_password_logs_in_and_rotates_the_session_key(world: World) -> None:
    client = Client()
    client.get("/login/")
    client.session.save()
    before = client.session.session_key
    response = _login(client, "clerk_a", PASSWORD)
    assert response.status_code == 302
    assert client.session.session_key != before
    assert AuditEntry.objects.filter(action="login", actor=world.clerk_a).exists()


def test_five_failures_lock_the_account_even_for_the_right_password(world: World) -> None:
    client = Client()
    for _ in range(5):
        assert "用户名或密码错误" in _login(client, "clerk_a", "Wrong#Pass123").content.decode()
    page = _login(client, "clerk_a", PASSWORD).content.decode()
    assert "锁定" in page
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="login_failed").count() == 5
    assert AuditEntry.objects.filter(action="locked").count() == 1


def _counter(username: str):  # type: ignore[no-untyped-def]
    return LoginThrottle.objects.filter(kind=ThrottleKind.USERNAME, key=username)


def test_lock_ends_after_thirty_minutes(world: World) -> None:
    client = Client()
    for _ in range(5):
        _login(client, "clerk_a", "Wrong#Pass123")
    until = _counter("clerk_a").get().locked_until
    assert timedelta(minutes=29) < until - timezone.now() <= timedelta(minutes=30)
    _counter("clerk_a").update(locked_until=timezone.now() - timedelta(seconds=1))  # thirty minutes later
    assert _login(Client(), "clerk_a", PASSWORD).status_code == 302


def test_failures_spread_beyond_the_window_do_not_lock(world: World) -> None:
    client = Client()
    for _ in range(4):
        _login(client, "clerk_a", "Wrong#Pass123")
    _counter("clerk_a").update(window_start=timezone.now() - timedelta(minutes=16))  # the window has passed
    _login(client, "clerk_a", "Wrong#Pass123")
    assert _login(Client(), "clerk_a", PASSWORD).status_code == 302


def test_a_success_resets_the_consecutive_failures(world: World) -> None:
    for _ in range(4):
        _login(Client(), "clerk_a", "Wrong#Pass123")
    assert _login(Client(), "clerk_a", PASSWORD).status_code == 302
    for _ in range(4):
        _login(Client(), "clerk_a", "Wrong#Pass123")
    assert _login(Client(), "clerk_a", PASSWORD).status_code == 302


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(world: World) -> None:
    wrong = _login(Client(), "clerk_a", "Wrong#Pass123")
    unknown = _login(Client(), "nobody_here", "Wrong#Pass123")
    assert wrong.status_code == unknown.status_code == 200
    assert "用户名或密码错误" in wrong.content.decode() and "用户名或密码错误" in unknown.content.decode()


def test_idle_session_expires(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    sign_in(client, "clerk_a", PASSWORD)
    assert client.get("/org/people/").status_code == 200
    session = client.session
    session["qinglian_seen_at"] -= settings.SESSION_IDLE_SECONDS + 5
    session.save()
    response = client.get("/org/people/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_absolute_session_limit(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    sign_in(client, "clerk_a", PASSWORD)
    client.get("/")
    session = client.session
    session["qinglian_login_at"] -= settings.SESSION_ABSOLUTE_SECONDS + 5
    session.save()
    assert client.get("/org/people/").status_code == 302


def test_pages_carry_security_headers(world: World) -> None:
    response = world.client("clerk_a").get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_forms_need_csrf(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    login(client, world.clerk_a)
    assert client.post(f"/org/people/{world.staff_a.pk}/delete/").status_code == 403


def test_thirty_failures_from_one_address_stop_log_ins_from_it(world: World) -> None:
    client = Client(REMOTE_ADDR="10.1.2.3")
    for i in range(30):  # spread over many names, known or not, so no single name locks
        client.post("/login/", {"username": f"guess{i % 10}", "password": "Wrong#Pass123"})
    page = Client(REMOTE_ADDR="10.1.2.3").post("/login/", {"username": "leader_a", "password": PASSWORD})
    assert page.status_code == 200 and "地址登录失败次数过多" in page.content.decode()
    assert AuditEntry.objects.filter(action="refused", summary__contains="10.1.2.3").count() == 1
    # Another address is not affected, and the names themselves are not locked.
    assert _login(Client(REMOTE_ADDR="10.9.9.9"), "leader_a", PASSWORD).status_code == 302


def test_the_address_block_ends_and_the_secadmin_may_tighten_it(world: World) -> None:
    from qinglian.org.models import SecurityPolicy

    SecurityPolicy.objects.create(**{**SecurityPolicy.DEFAULTS, "address_failure_limit": 3})
    client = Client(REMOTE_ADDR="10.1.2.4")
    for name in ("a1", "a2", "a3"):
        client.post("/login/", {"username": name, "password": "Wrong#Pass123"})
    assert "地址登录失败次数过多" in _login(client, "clerk_a", PASSWORD).content.decode()
    row = LoginThrottle.objects.get(kind=ThrottleKind.ADDRESS, key="10.1.2.4")
    assert timedelta(minutes=14) < row.locked_until - timezone.now() <= timedelta(minutes=15)
    LoginThrottle.objects.filter(pk=row.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    assert _login(client, "clerk_a", PASSWORD).status_code == 302


def test_a_locked_name_is_locked_in_every_spelling(world: World) -> None:
    client = Client()
    for spelling in ("clerk_a", "CLERK_A", "Clerk_A", "ｃｌｅｒｋ＿ａ", "clerk_A"):
        _login(client, spelling, "Wrong#Pass123")
    assert "锁定" in _login(client, "clerk_a", PASSWORD).content.decode()


def test_log_in_matches_the_normalised_name(world: World) -> None:
    assert _login(Client(), "CLERK_A", PASSWORD).status_code == 302
    assert _login(Client(), "ｃｌｅｒｋ＿ａ", PASSWORD).status_code == 302
