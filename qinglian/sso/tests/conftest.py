from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client

from qinglian.sso import config
from qinglian.sso.tests.provider import CLIENT_ID, CLIENT_SECRET, Provider


@pytest.fixture(scope="session")
def _provider() -> Iterator[Provider]:
    with Provider() as provider:
        yield provider


@pytest.fixture
def provider(_provider: Provider, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Provider]:
    """The local provider, fresh for the test, with single sign-on configured to use it."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")  # loopback, never through a proxy of the machine
    settings.QINGLIAN_OIDC_ISSUER = _provider.url
    settings.QINGLIAN_OIDC_CLIENT_ID = CLIENT_ID
    settings.QINGLIAN_OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.QINGLIAN_OIDC_HELP = "县委信息中心 0000-1234567"
    _provider.person, _provider.userinfo, _provider.tamper = {}, {}, ""
    _provider.hits.clear()
    _provider.logouts.clear()
    config.forget()
    yield _provider
    config.forget()


def sso(client: Client, provider: Provider, person: dict[str, Any], next_url: str = "") -> Any:
    """Click 统一身份认证登录, "log in" at the provider as `person`, come back: the callback's response."""
    provider.person = person
    start = client.get("/sso/login/", {"next": next_url} if next_url else {})
    assert start.status_code == 302, start
    authorize = start["Location"]
    assert authorize.startswith(provider.url + "/authorize?")
    at_provider = requests.get(authorize, allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["Location"])
    assert back.path == "/sso/callback/" and "code" in parse_qs(back.query)
    return client.get(back.path, {k: v[0] for k, v in parse_qs(back.query).items()})


def person(username: str, **claims: Any) -> dict[str, Any]:
    return {"sub": f"idp-{username}", "preferred_username": username, "name": username, **claims}


@pytest.fixture
def password_only(db: None) -> None:
    """The policy the brief's units run (and the demo): clerks, leaders and supervisors need no second factor."""
    from qinglian.org.models import SecurityPolicy

    SecurityPolicy.objects.create(**{**SecurityPolicy.DEFAULTS, "business_second_factor": False})
