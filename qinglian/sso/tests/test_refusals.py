"""Every way a single sign-on can fail ends on a Chinese page, leaves the browser logged out, and is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from qinglian.audit.models import Action, AuditEntry
from qinglian.lib.testing import World
from qinglian.org.models import LoginThrottle, ThrottleKind
from qinglian.sso.tests.conftest import person, sso
from qinglian.sso.tests.provider import Provider

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("password_only")]


def _refused(client: Client, response: Any, status: int, text: str) -> str:
    body = response.content.decode()
    assert response.status_code == status, body
    assert text in body
    assert "_auth_user_id" not in client.session
    assert client.get("/org/people/")["Location"].startswith("/login/")
    return body


def _last(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).latest("id")


def test_an_identity_with_no_account_is_told_the_account_is_not_opened(
        client: Client, provider: Provider, world: World) -> None:
    body = _refused(client, sso(client, provider, person("wangwu")), 403, "尚未为您开通账号")
    assert "请联系本单位的系统管理员开通账号" in body and "县委信息中心 0000-1234567" in body
    assert "preferred_username" in body and "wangwu" in body
    entry = _last(Action.LOGIN_FAILED)
    assert entry.summary == "统一身份认证登录被拒绝：preferred_username wangwu 没有对应的账号（未开通）"
    assert entry.actor_name == "wangwu" and entry.ip == "127.0.0.1"


def test_an_identity_without_the_claim_is_refused(client: Client, provider: Provider, world: World) -> None:
    _refused(client, sso(client, provider, {"sub": "idp-42"}), 403, "没有提供用于对应账号的身份标识（preferred_username）")
    assert "sub idp-42" in _last(Action.LOGIN_FAILED).summary


def test_a_deactivated_account_is_refused(client: Client, provider: Provider, world: World) -> None:
    world.clerk_a.is_active = False
    world.clerk_a.save()
    _refused(client, sso(client, provider, person("clerk_a")), 403, "该账号已停用")
    assert _last(Action.REFUSED).summary == "clerk_a 的账号已停用，拒绝统一身份认证登录"


def test_a_locked_account_is_refused(client: Client, provider: Provider, world: World) -> None:
    """Locked by wrong passwords: someone is guessing it, so no log-in of any kind until the lock ends."""
    until = timezone.now() + dt.timedelta(minutes=20)
    LoginThrottle.objects.create(kind=ThrottleKind.USERNAME, key="clerk_a", locked_until=until)
    _refused(client, sso(client, provider, person("clerk_a")), 403, "该账号因多次登录失败已被临时锁定")
    assert _last(Action.LOCKED).summary == "clerk_a 在锁定期间尝试统一身份认证登录"


def test_an_account_past_its_expiry_date_is_refused(client: Client, provider: Provider, world: World) -> None:
    world.clerk_a.expires_on = timezone.localdate() - dt.timedelta(days=1)
    world.clerk_a.save()
    _refused(client, sso(client, provider, person("clerk_a")), 403, "账号已过有效期")


@pytest.mark.parametrize("tamper, cause", [
    ("signature", "JWS token verification failed"),
    ("nonce", "Nonce verification failed"),
    ("audience", "audience"),
    ("issuer", "issuer"),
    ("expired", "expired"),
])
def test_an_id_token_that_fails_verification_is_refused(
        client: Client, provider: Provider, world: World, tamper: str, cause: str) -> None:
    provider.tamper = tamper
    _refused(client, sso(client, provider, person("clerk_a")), 400, "未通过校验")
    entry = _last(Action.LOGIN_FAILED)
    assert entry.summary.startswith("统一身份认证登录失败：") and cause in entry.summary
    assert not AuditEntry.objects.filter(action=Action.LOGIN).exists()


def test_a_callback_belongs_to_the_browser_that_started_the_log_in(
        client: Client, provider: Provider, world: World) -> None:
    """The state ties the code to the session that asked for it: another browser (its own log-in begun)
    replaying the link is refused, and so is the same link a second time."""
    import requests

    provider.person = person("clerk_a")
    start = client.get("/sso/login/")
    path = requests.get(start["Location"], allow_redirects=False, timeout=10).headers["Location"]
    path = path.removeprefix("http://testserver")
    other = Client()
    other.get("/sso/login/")
    _refused(other, other.get(path), 400, "未通过校验")
    assert "state not found" in _last(Action.LOGIN_FAILED).summary
    assert client.get(path).status_code == 302  # the browser that began it
    client.post("/logout/")
    _refused(client, client.get(path), 400, "统一身份认证登录未完成")


def test_a_log_in_cancelled_at_the_provider(client: Client, provider: Provider, world: World) -> None:
    client.get("/sso/login/")
    response = client.get("/sso/callback/", {"error": "access_denied", "state": "whatever"})
    _refused(client, response, 400, "统一身份认证登录未完成")
    assert _last(Action.LOGIN_FAILED).summary == "统一身份认证登录失败：统一身份认证返回 access_denied"


def test_an_unreachable_provider(client: Client, provider: Provider, settings) -> None:  # type: ignore[no-untyped-def]
    from qinglian.lib.testing import free_port

    settings.QINGLIAN_OIDC_ISSUER = f"http://127.0.0.1:{free_port()}"
    _refused(client, client.get("/sso/login/"), 503, "暂时无法连接统一身份认证系统")


def test_a_user_info_answer_about_someone_else_is_refused(client: Client, provider: Provider, world: World) -> None:
    provider.userinfo = {"sub": "idp-leader_a", "preferred_username": "leader_a"}
    _refused(client, sso(client, provider, person("clerk_a")), 400, "未通过校验")
    assert "user-info answer about sub 'idp-leader_a'" in _last(Action.LOGIN_FAILED).summary
