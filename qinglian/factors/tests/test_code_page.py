"""The code page, the second step of log-in: a TOTP code works once and only within ±1 step, a recovery code
works once, another account's code is refused, 5 wrong codes lock as passwords do, and code entry is
rate-limited (429 in Chinese). Over real HTTP, with the clock of django-otp frozen where steps matter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from unittest import mock

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from qinglian.audit.models import AuditEntry
from qinglian.factors.totp import recovery_codes_issue
from qinglian.lib.testing import PASSWORD, World, totp_code
from qinglian.limits.models import RatePolicy
from qinglian.org.models import LoginThrottle, ThrottleKind

pytestmark = pytest.mark.django_db

T = 1_780_000_005.0  # 5 s into a 30 s step: every offset below lands well inside its step



def frozen(at: float):  # type: ignore[no-untyped-def]
    """django-otp's TOTP clock (its module's `time`) stopped at `at`; every other clock keeps running."""
    return mock.patch("django_otp.plugins.otp_totp.models.time", mock.Mock(time=mock.Mock(return_value=at)))


@pytest.fixture(autouse=True)
def _fresh_rates() -> Iterator[None]:
    RatePolicy.forget()
    yield
    RatePolicy.forget()


def _half_logged_in(world: World, who: str = "clerk_a", address: str = "10.5.0.1") -> Client:
    """The password step done, through the real form; the account has a confirmed device."""
    user = getattr(world, who)
    TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "动态口令"})
    client = Client(REMOTE_ADDR=address)
    assert client.post("/login/", {"username": who, "password": PASSWORD})["Location"] == "/"
    return client


def _enter(client: Client, code: str, next_url: str = "/org/people/"):  # type: ignore[no-untyped-def]
    return client.post("/factors/code/", {"code": code, "next": next_url})


def _verified(client: Client) -> bool:
    return client.get("/org/people/").status_code == 200


def test_the_password_alone_leads_to_the_code_page_and_a_right_code_opens_the_page_asked_for(world: World) -> None:
    client = _half_logged_in(world)
    response = client.get("/org/people/")
    assert response["Location"] == "/factors/code/?next=%2Forg%2Fpeople%2F"
    page = client.get(response["Location"]).content.decode()
    assert "动态口令" in page and "恢复码" in page
    assert 'href="/org/people/"' not in page  # a half-logged-in account sees no navigation
    response = _enter(client, totp_code(world.clerk_a))
    assert response["Location"] == "/org/people/"
    assert _verified(client)
    assert AuditEntry.objects.filter(action="factor", actor=world.clerk_a, summary__contains="动态口令").exists()


def test_a_code_works_once_and_is_refused_when_replayed(world: World) -> None:
    first = _half_logged_in(world)
    code = totp_code(world.clerk_a, at=T)
    with frozen(T):
        assert _enter(first, code).status_code == 302
        second = _half_logged_in(world, address="10.5.0.2")  # someone who saw the code, from elsewhere
        page = _enter(second, code)
    assert page.status_code == 200 and "已使用过" in page.content.decode()
    assert not _verified(second)


@pytest.mark.parametrize(("offset", "accepted"), [(-60, False), (-30, True), (0, True), (30, True), (60, False)])
def test_one_step_either_side_is_accepted_two_are_refused(world: World, offset: int, accepted: bool) -> None:
    client = _half_logged_in(world)
    with frozen(T):
        response = _enter(client, totp_code(world.clerk_a, at=T + offset))
    assert (response.status_code == 302) is accepted
    assert _verified(client) is accepted


def test_a_recovery_code_works_once(world: World) -> None:
    codes = recovery_codes_issue(world.clerk_a)
    assert len(codes) == 10 and len(set(codes)) == 10
    client = _half_logged_in(world)
    response = _enter(client, codes[3].upper()[:4] + "-" + codes[3][4:])  # as printed, typed loosely
    assert response.status_code == 302
    assert "还剩 9 个" in client.get("/org/people/").content.decode()
    again = _half_logged_in(world, address="10.5.0.3")
    assert _enter(again, codes[3]).status_code == 200 and not _verified(again)
    assert _enter(again, codes[4]).status_code == 302 and _verified(again)


def test_a_code_of_another_account_is_refused(world: World) -> None:
    TOTPDevice.objects.create(user=world.leader_a, name="动态口令", confirmed=True)
    other_codes = recovery_codes_issue(world.leader_a)
    client = _half_logged_in(world, "clerk_a")
    with frozen(T):
        assert _enter(client, totp_code(world.leader_a, at=T)).status_code == 200
    assert _enter(client, other_codes[0]).status_code == 200
    assert not _verified(client)
    # The leader's own code still works for the leader (the refusal spent nothing).
    leader = _half_logged_in(world, "leader_a", address="10.5.0.4")
    assert _enter(leader, other_codes[0]).status_code == 302


def test_five_wrong_codes_lock_even_the_right_one(world: World) -> None:
    client = _half_logged_in(world)
    with frozen(T):
        right = totp_code(world.clerk_a, at=T)
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        for _ in range(4):
            assert "动态口令不正确" in _enter(client, wrong).content.decode()
        assert "已被临时锁定" in _enter(client, wrong).content.decode()
        page = _enter(client, right).content.decode()
    assert "已被临时锁定" in page and not _verified(client)
    row = LoginThrottle.objects.get(kind=ThrottleKind.CODE, key="clerk_a")
    assert row.locked_until is not None
    assert AuditEntry.objects.filter(action="login_failed", summary__contains="动态口令错误").count() == 5
    assert AuditEntry.objects.filter(action="locked", summary__contains="动态口令").count() == 1


def test_the_system_admins_unlock_clears_a_code_lock(world: World) -> None:
    from qinglian.org.auth import unlock

    client = _half_logged_in(world)
    for _ in range(5):
        _enter(client, "000000" if totp_code(world.clerk_a) != "000000" else "111111")
    assert unlock("clerk_a") is True
    assert _enter(client, totp_code(world.clerk_a)).status_code == 302


def test_code_entry_answers_429_after_the_limit_per_account_and_per_address(world: World) -> None:
    RatePolicy.objects.create(**{**RatePolicy.DEFAULTS, "code_limit": 3})
    with mock.patch("qinglian.limits.services.timezone.now", return_value=dt.datetime(2026, 3, 2, 2, 2, 30, tzinfo=dt.UTC)):
        client = _half_logged_in(world)
        for _ in range(3):
            assert _enter(client, "abc").status_code == 200
        response = _enter(client, totp_code(world.clerk_a))
        assert response.status_code == 429
        assert "操作过于频繁，请于 10:03 后再试" in response.content.decode()
        assert int(response["Retry-After"]) == 30
        # The same account from another address is refused too (counted per account) …
        assert _enter(_half_logged_in(world, address="10.5.0.9"), "abc").status_code == 429
        # … and another account from the first address (counted per address).
        assert _enter(_half_logged_in(world, "leader_a"), "abc").status_code == 429
        assert _enter(_half_logged_in(world, "clerk_b", address="10.5.0.8"), "abc").status_code == 200


def test_a_verified_session_no_longer_sees_the_code_page(world: World) -> None:
    client = _half_logged_in(world)
    assert _enter(client, totp_code(world.clerk_a)).status_code == 302
    assert client.get("/factors/code/?next=/org/people/")["Location"] == "/org/people/"
    assert client.get("/factors/code/?next=https://evil.example/")["Location"] == "/"
